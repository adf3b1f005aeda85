// Package policy holds the default authorization rules of Nova (and the
// few of Keystone, Glance and Neutron that novalite needs) in one table,
// and evaluates them against a caller. It imports only the vocabulary.
package policy

import (
	"novalite"
)

// Rule is a default check string of oslo.policy, reduced to the shapes
// that the OpenStack defaults use.
type Rule int

// The building blocks of Nova's defaults (nova/policies/base.py).
const (
	Nobody             Rule = iota // denied to everyone
	Admin                          // role:admin
	ReaderOrAdmin                  // role:reader on the target project, or admin
	MemberOrAdmin                  // role:member on the target project, or admin
	ManagerOrAdmin                 // role:manager on the target project, or admin
	Any                            // any authenticated caller
	UserOrAdmin                    // the target user, or admin (keypairs)
	ProjectOwner                   // any role on the target project, or admin
	ServiceOrAdmin                 // role:service, or admin (service-to-service APIs)
	UserServiceOrAdmin             // the target user, role:service, or admin (token validation)
)

// Target is what a rule is checked against. ProjectID defaults to the
// caller's project; UserID (for UserOrAdmin) to the caller's user.
type Target struct {
	ProjectID, UserID string
}

// Allowed reports whether caller passes rule for target.
func (r Rule) Allowed(c *novalite.Caller, t Target) bool {
	if c == nil {
		return false
	}
	if t.ProjectID == "" {
		t.ProjectID = c.ProjectID
	}
	if t.UserID == "" {
		t.UserID = c.UserID
	}
	admin := c.IsAdmin()
	same := c.ProjectID != "" && c.ProjectID == t.ProjectID
	switch r {
	case Admin:
		return admin
	case ReaderOrAdmin:
		return admin || (same && c.HasRole("reader"))
	case MemberOrAdmin:
		return admin || (same && c.HasRole("member"))
	case ManagerOrAdmin:
		return admin || (same && c.HasRole("manager"))
	case Any:
		return true
	case UserOrAdmin:
		return admin || c.UserID == t.UserID
	case ProjectOwner:
		return admin || (same && len(c.Roles) > 0)
	case ServiceOrAdmin:
		return admin || c.HasRole("service")
	case UserServiceOrAdmin:
		return admin || c.HasRole("service") || c.UserID == t.UserID
	}
	return false
}

// Authorize checks the rule called name; a denial is Forbidden with
// Nova's message. An unknown name is denied (and is a bug).
func Authorize(c *novalite.Caller, name string, t Target) error {
	r, ok := Rules[name]
	if !ok || !r.Allowed(c, t) {
		return denied(name)
	}
	return nil
}

// Allowed reports whether the rule called name passes, for checks that
// change what is shown rather than refuse (host_status, extended attrs).
func Allowed(c *novalite.Caller, name string, t Target) bool {
	r, ok := Rules[name]
	return ok && r.Allowed(c, t)
}

// IsAdmin is the context_is_admin rule: what Nova's context.is_admin (and
// the admin contexts of Glance, Neutron and Cinder) is made from. The
// services read it where behaviour, not access, depends on it: locked
// servers, non-public flavors and volume types, all-projects lookups.
func IsAdmin(c *novalite.Caller) bool { return Allowed(c, "context_is_admin", Target{}) }

// AllowedOwned reports whether the rule called name passes on a resource
// of project owner. Unlike a Target's, an empty owner does not stand for
// the caller's project: a resource of no project is nobody's own.
func AllowedOwned(c *novalite.Caller, name, owner string) bool {
	if owner == "" {
		owner = noProject
	}
	return Allowed(c, name, Target{ProjectID: owner})
}

// noProject is the target of a resource without a project; no caller's
// project id can equal it.
const noProject = "\x00"

// denied is Nova's policy failure.
func denied(name string) error {
	return novalite.Errorf(novalite.Forbidden, "Policy doesn't allow %s to be performed.", name)
}

// addRules adds the rules another file of the table keeps; a name already
// in Rules keeps its rule.
func addRules(rules map[string]Rule) {
	for name, r := range rules {
		if _, ok := Rules[name]; !ok {
			Rules[name] = r
		}
	}
}
