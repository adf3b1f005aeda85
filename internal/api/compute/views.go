package compute

import (
	"encoding/json"
	"time"
)

// What the typed response views share. A view is a struct whose fields
// are declared in the order of their JSON keys' bytes: the views were
// maps, which json.Marshal writes with sorted keys, and clients and the
// exact-byte tests (testdata/exact) see the same bytes. A key that only
// some microversions have is an Optional with omitzero; a key Nova sends
// as null is a pointer (or an Optional of one).

// link is one of a resource's self and bookmark links, or a list's next
// page.
type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// IsZero tells omitzero to leave out a field that was not set.
func (o Optional[T]) IsZero() bool { return !o.Set }

// MarshalJSON writes the value: in a response an Optional is a member
// that is there (Set) or not (omitzero), never null for being unset.
func (o Optional[T]) MarshalJSON() ([]byte, error) { return json.Marshal(o.Value) }

// optIf is v when cond holds (a key of the request's microversion), else
// a member left out.
func optIf[T any](cond bool, v T) Optional[T] {
	if !cond {
		return Optional[T]{}
	}
	return Optional[T]{Set: true, Value: v}
}

// some is v as a member that is there.
func some[T any](v T) Optional[T] { return Optional[T]{Set: true, Value: v} }

// nilIfEmpty is s, or nil (null) when s is empty: the columns Nova
// leaves NULL that novalite keeps as "".
func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timeOrNil is t in layout (UTC), or nil (null) for the zero time.
func timeOrNil(t time.Time, layout string) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(layout)
	return &s
}

// adminPassBody is the answer of an action that sets a password (rescue,
// evacuate before 2.14).
type adminPassBody struct {
	AdminPass string `json:"adminPass"`
}
