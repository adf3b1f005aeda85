package novalite

// Keystone's list filters.

// TextMatch is one of Keystone's list filters on a text attribute:
// "name=v" (Op "") and "name__contains=v" and its siblings (Op the suffix).
type TextMatch struct {
	Op, Value string
}

// TextMatchOps are the suffixes Keystone accepts after "__".
var TextMatchOps = []string{"contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}

// DomainFilter narrows DomainList; nil fields are not filtered on.
type DomainFilter struct {
	Names   []TextMatch // name, name__contains, ...
	Enabled *bool
}

// ProjectFilter narrows ProjectList; nil fields are not filtered on.
type ProjectFilter struct {
	Name, DomainID *string
	Names          []TextMatch // name, name__contains, ...
	Enabled        *bool
	IDs            []string // when non-nil, only these ids
	// Keystone's tag filters: all of Tags, any of TagsAny, not all of
	// NotTags, none of NotTagsAny.
	Tags, TagsAny, NotTags, NotTagsAny []string
}

// UserFilter narrows UserList; nil fields are not filtered on.
type UserFilter struct {
	Name, DomainID *string
	Names          []TextMatch // name, name__contains, ...
	Enabled        *bool
	IDs            []string // when non-nil, only these ids
}

// RoleFilter narrows RoleList. As in Keystone, only global roles are
// listed unless DomainID names a domain.
type RoleFilter struct {
	Names    []TextMatch // name, name__contains, ...
	DomainID string
	IDs      []string // when non-nil, only these ids, of any domain
}

// RoleAssignmentFilter narrows RoleAssignmentList; empty fields are not
// filtered on.
type RoleAssignmentFilter struct {
	UserID, TargetType, TargetID, RoleID string
	TargetIDs                            []string // when non-nil, only on these targets
}
