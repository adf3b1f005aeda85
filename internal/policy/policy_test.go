package policy_test

import (
	"testing"

	"novalite"
	"novalite/internal/policy"
)

// caller returns a caller with role (and the roles it implies, as tokens
// carry them) on project p.
func caller(role, project, user string) *novalite.Caller {
	implied := map[string][]string{
		"admin":   {"admin", "manager", "member", "reader"},
		"manager": {"manager", "member", "reader"},
		"member":  {"member", "reader"},
		"reader":  {"reader"},
		"other":   {"other"},
		"service": {"service"},
	}
	c := &novalite.Caller{UserID: user, ProjectID: project}
	for _, n := range implied[role] {
		c.Roles = append(c.Roles, novalite.Role{ID: n + "-id", Name: n})
	}
	return c
}

func TestRules(t *testing.T) {
	const (
		a, b   = "project-a", "project-b"
		me, it = "user-me", "user-it"
	)
	// Every building block against every kind of caller, on the caller's
	// own project (same) and on another (other). ProjectID "" in the target
	// means the caller's project.
	type want struct{ same, other bool }
	for _, tc := range []struct {
		rule  policy.Rule
		name  string
		cases map[string]want // role → allowed on same / other project
	}{
		{policy.Admin, "Admin", map[string]want{
			"admin": {true, true}, "manager": {false, false}, "member": {false, false}, "reader": {false, false}, "other": {false, false}}},
		{policy.ManagerOrAdmin, "ManagerOrAdmin", map[string]want{
			"admin": {true, true}, "manager": {true, false}, "member": {false, false}, "reader": {false, false}, "other": {false, false}}},
		{policy.MemberOrAdmin, "MemberOrAdmin", map[string]want{
			"admin": {true, true}, "manager": {true, false}, "member": {true, false}, "reader": {false, false}, "other": {false, false}}},
		{policy.ReaderOrAdmin, "ReaderOrAdmin", map[string]want{
			"admin": {true, true}, "manager": {true, false}, "member": {true, false}, "reader": {true, false}, "other": {false, false}}},
		{policy.ProjectOwner, "ProjectOwner", map[string]want{
			"admin": {true, true}, "manager": {true, false}, "member": {true, false}, "reader": {true, false}, "other": {true, false}}},
		{policy.Any, "Any", map[string]want{
			"admin": {true, true}, "manager": {true, true}, "member": {true, true}, "reader": {true, true}, "other": {true, true}}},
		{policy.Nobody, "Nobody", map[string]want{
			"admin": {false, false}, "manager": {false, false}, "member": {false, false}, "reader": {false, false}, "other": {false, false}}},
		{policy.ServiceOrAdmin, "ServiceOrAdmin", map[string]want{
			"admin": {true, true}, "service": {true, true}, "manager": {false, false}, "member": {false, false}, "other": {false, false}}},
	} {
		for role, w := range tc.cases {
			c := caller(role, a, me)
			if got := tc.rule.Allowed(c, policy.Target{ProjectID: a}); got != w.same {
				t.Errorf("%s, %s on the same project: %v, want %v", tc.name, role, got, w.same)
			}
			if got := tc.rule.Allowed(c, policy.Target{}); got != w.same {
				t.Errorf("%s, %s with the default target: %v, want %v", tc.name, role, got, w.same)
			}
			if got := tc.rule.Allowed(c, policy.Target{ProjectID: b}); got != w.other {
				t.Errorf("%s, %s on another project: %v, want %v", tc.name, role, got, w.other)
			}
		}
	}
	// UserOrAdmin looks at the user, not the project.
	for _, tc := range []struct {
		role, user string
		want       bool
	}{
		{"reader", me, true}, {"member", me, true}, {"member", it, false}, {"manager", it, false},
		{"admin", it, true}, {"", me, true}, {"", "", true},
	} {
		c := caller(tc.role, a, me)
		if got := policy.UserOrAdmin.Allowed(c, policy.Target{UserID: tc.user, ProjectID: b}); got != tc.want {
			t.Errorf("UserOrAdmin, %s on user %q: %v, want %v", tc.role, tc.user, got, tc.want)
		}
	}
}

// Role names compare case-insensitively, as in oslo.policy; an unscoped
// caller (no project) is never "the same project".
func TestRulesEdges(t *testing.T) {
	c := &novalite.Caller{UserID: "u", ProjectID: "p", Roles: []novalite.Role{{Name: "Member"}, {Name: "READER"}}}
	if !policy.MemberOrAdmin.Allowed(c, policy.Target{}) {
		t.Error("Member (capitalised) is not a member")
	}
	unscoped := &novalite.Caller{UserID: "u", Roles: []novalite.Role{{Name: "member"}}}
	if policy.MemberOrAdmin.Allowed(unscoped, policy.Target{}) || policy.ReaderOrAdmin.Allowed(unscoped, policy.Target{ProjectID: ""}) {
		t.Error("an unscoped caller passes a project rule")
	}
	for r := policy.Nobody; r <= policy.ServiceOrAdmin; r++ {
		if r.Allowed(nil, policy.Target{}) {
			t.Errorf("rule %d allows a nil caller", r)
		}
	}
}

func TestAuthorize(t *testing.T) {
	member, admin := caller("member", "p", "u"), caller("admin", "q", "v")
	for _, tc := range []struct {
		c      *novalite.Caller
		rule   string
		target policy.Target
		ok     bool
	}{
		{member, "os_compute_api:servers:create", policy.Target{}, true},
		{member, "os_compute_api:servers:index:get_all_tenants", policy.Target{}, false},
		{admin, "os_compute_api:servers:index:get_all_tenants", policy.Target{}, true},
		{member, "os_compute_api:servers:show", policy.Target{ProjectID: "other"}, false},
		{admin, "os_compute_api:servers:show", policy.Target{ProjectID: "other"}, true},
		{member, "os_compute_api:os-shelve:shelve_offload", policy.Target{}, false},
		{member, "identity:get_user", policy.Target{UserID: "u"}, true},
		{member, "identity:get_user", policy.Target{UserID: "x"}, false},
		{member, "identity:validate_token", policy.Target{UserID: "u"}, true},
		{member, "identity:validate_token", policy.Target{UserID: "x"}, false},
		{caller("service", "p", "s"), "identity:validate_token", policy.Target{UserID: "x"}, true},
		{caller("service", "p", "s"), "identity:revoke_token", policy.Target{UserID: "x"}, false},
		{admin, "identity:check_token", policy.Target{UserID: "x"}, true},
		{admin, "no:such:rule", policy.Target{}, false},
	} {
		err := policy.Authorize(tc.c, tc.rule, tc.target)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v, want allowed %v", tc.rule, err, tc.ok)
		}
		if got := policy.Allowed(tc.c, tc.rule, tc.target); got != tc.ok {
			t.Errorf("Allowed(%s) = %v", tc.rule, got)
		}
		if err != nil {
			if !novalite.IsKind(err, novalite.Forbidden) || novalite.MessageOf(err) != "Policy doesn't allow "+tc.rule+" to be performed." {
				t.Errorf("%s: denial %v", tc.rule, err)
			}
		}
	}
}

// Every rule of the table is one of the building blocks, and the names
// follow the services' naming.
func TestRuleTable(t *testing.T) {
	if len(policy.Rules) < 50 {
		t.Fatalf("only %d rules", len(policy.Rules))
	}
	for name, r := range policy.Rules {
		if r < policy.Nobody || r > policy.UserServiceOrAdmin {
			t.Errorf("%s: unknown rule %d", name, r)
		}
		if name == "" || name[len(name)-1] == ':' {
			t.Errorf("bad rule name %q", name)
		}
	}
}
