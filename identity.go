package novalite

import "time"

// Domain is a Keystone domain.
type Domain struct {
	ID, Name, Description string
	Enabled               bool
}

// Project is a Keystone project: the unit of ownership of servers,
// images, networks and quotas.
type Project struct {
	ID, Name, DomainID, Description string
	Enabled                         bool
	Tags                            []string
	Extra                           map[string]any // Keystone's free-form extra attributes
}

// User is a Keystone user. PasswordHash is a bcrypt hash, never a password.
type User struct {
	ID, Name, DomainID, Email, Description, DefaultProjectID string
	PasswordHash                                             string
	Enabled                                                  bool
	CreatedAt                                                time.Time
	Extra                                                    map[string]any // Keystone's free-form extra attributes
}

// Role is a Keystone role. DomainID is empty for a global role; a
// domain-specific role is never put into tokens, only the roles it implies.
type Role struct {
	ID, Name, Description, DomainID string
	Extra                           map[string]any // Keystone's free-form extra attributes
}

// RoleAssignment gives a user a role on a project or a domain.
type RoleAssignment struct {
	UserID     string
	TargetType string // "project" or "domain"
	TargetID   string
	RoleID     string
}

// Caller is who makes a request, and which request: the content of a
// validated token and the request's id, as Nova's RequestContext carries
// both to the operations that record instance actions.
type Caller struct {
	UserID, UserName, UserDomainID, UserDomainName             string
	ProjectID, ProjectName, ProjectDomainID, ProjectDomainName string
	Roles                                                      []Role // effective: implied roles expanded
	Methods                                                    []string
	AuditIDs                                                   []string
	IssuedAt, ExpiresAt                                        time.Time
	// RequestID is the request's local id (req-<uuid>), set per request
	// by the API's authentication: a validated token's Caller is shared.
	RequestID string
}

// HasRole reports whether the caller holds the named role (case-insensitive,
// as oslo.policy compares role names).
func (c *Caller) HasRole(name string) bool {
	for _, r := range c.Roles {
		if equalFold(r.Name, name) {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the caller is a cloud admin (role admin in any
// project, Nova's context_is_admin).
func (c *Caller) IsAdmin() bool { return c.HasRole("admin") }

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
