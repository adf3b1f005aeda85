package policy_test

import (
	"testing"

	"novalite"
	"novalite/internal/policy"
)

func caller(user, project string, roles ...string) *novalite.Caller {
	c := &novalite.Caller{UserID: user, ProjectID: project}
	for _, r := range roles {
		c.Roles = append(c.Roles, novalite.Role{ID: r + "-id", Name: r})
	}
	return c
}

// Callers as tokens carry them: implied roles expanded.
var (
	admin        = caller("u-admin", "p", "admin", "manager", "member", "reader")
	adminElse    = caller("u-admin2", "q", "admin", "manager", "member", "reader")
	manager      = caller("u-manager", "p", "manager", "member", "reader")
	member       = caller("u-member", "p", "member", "reader")
	memberUpper  = caller("u-member", "p", "Member")
	reader       = caller("u-reader", "p", "reader")
	otherMember  = caller("u-other", "q", "member", "reader")
	otherManager = caller("u-other", "q", "manager", "member", "reader")
	roleless     = caller("u-roleless", "p", "custom")
	unscoped     = caller("u-unscoped", "")
)

func TestRules(t *testing.T) {
	t.Parallel()
	onP := policy.Target{ProjectID: "p"}
	tests := []struct {
		name   string
		rule   policy.Rule
		caller *novalite.Caller
		target policy.Target
		want   bool
	}{
		{"admin: admin", policy.Admin, admin, onP, true},
		{"admin: admin of another project", policy.Admin, adminElse, onP, true},
		{"admin: manager", policy.Admin, manager, onP, false},
		{"admin: member", policy.Admin, member, onP, false},

		{"reader: admin elsewhere", policy.ReaderOrAdmin, adminElse, onP, true},
		{"reader: reader", policy.ReaderOrAdmin, reader, onP, true},
		{"reader: member", policy.ReaderOrAdmin, member, onP, true},
		{"reader: member of another project", policy.ReaderOrAdmin, otherMember, onP, false},
		{"reader: a custom role only", policy.ReaderOrAdmin, roleless, onP, false},
		{"reader: unscoped", policy.ReaderOrAdmin, unscoped, onP, false},
		{"reader: own project by default", policy.ReaderOrAdmin, reader, policy.Target{}, true},

		{"member: member", policy.MemberOrAdmin, member, onP, true},
		{"member: role names ignore case", policy.MemberOrAdmin, memberUpper, onP, true},
		{"member: manager", policy.MemberOrAdmin, manager, onP, true},
		{"member: reader", policy.MemberOrAdmin, reader, onP, false},
		{"member: member of another project", policy.MemberOrAdmin, otherMember, onP, false},
		{"member: admin elsewhere", policy.MemberOrAdmin, adminElse, onP, true},

		{"manager: manager", policy.ManagerOrAdmin, manager, onP, true},
		{"manager: member", policy.ManagerOrAdmin, member, onP, false},
		{"manager: manager of another project", policy.ManagerOrAdmin, otherManager, onP, false},
		{"manager: admin", policy.ManagerOrAdmin, admin, onP, true},

		{"owner: any role on the project", policy.ProjectOwner, roleless, onP, true},
		{"owner: another project", policy.ProjectOwner, otherMember, onP, false},
		{"owner: admin elsewhere", policy.ProjectOwner, adminElse, onP, true},
		{"owner: unscoped", policy.ProjectOwner, unscoped, onP, false},

		{"user: the user", policy.UserOrAdmin, member, policy.Target{UserID: "u-member"}, true},
		{"user: the caller by default", policy.UserOrAdmin, member, policy.Target{}, true},
		{"user: another user", policy.UserOrAdmin, member, policy.Target{UserID: "u-other"}, false},
		{"user: another user, same project manager", policy.UserOrAdmin, manager, policy.Target{UserID: "u-member"}, false},
		{"user: admin", policy.UserOrAdmin, admin, policy.Target{UserID: "u-member"}, true},

		{"any: unscoped", policy.Any, unscoped, onP, true},
		{"nobody: admin", policy.Nobody, admin, onP, false},
		{"nil caller", policy.Any, nil, onP, false},
	}
	for _, tt := range tests {
		if got := tt.rule.Allowed(tt.caller, tt.target); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rule string
		caller     *novalite.Caller
		target     policy.Target
		wantErr    string
	}{
		{"member lists own servers", "os_compute_api:servers:index", member, policy.Target{}, ""},
		{"member of another project", "os_compute_api:servers:show", otherMember, policy.Target{ProjectID: "p"},
			"Policy doesn't allow os_compute_api:servers:show to be performed."},
		{"reader may not create", "os_compute_api:servers:create", reader, policy.Target{},
			"Policy doesn't allow os_compute_api:servers:create to be performed."},
		{"member may not see all tenants", "os_compute_api:servers:detail:get_all_tenants", member, policy.Target{},
			"Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed."},
		{"manager migrates", "os_compute_api:os-migrate-server:migrate", manager, policy.Target{}, ""},
		{"member may not migrate", "os_compute_api:os-migrate-server:migrate", member, policy.Target{},
			"Policy doesn't allow os_compute_api:os-migrate-server:migrate to be performed."},
		{"keypairs are the user's", "os_compute_api:os-keypairs:show", member, policy.Target{UserID: "u-other"},
			"Policy doesn't allow os_compute_api:os-keypairs:show to be performed."},
		{"unknown rule is denied", "os_compute_api:no-such-rule", admin, policy.Target{},
			"Policy doesn't allow os_compute_api:no-such-rule to be performed."},
	}
	for _, tt := range tests {
		err := policy.Authorize(tt.caller, tt.rule, tt.target)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (!novalite.IsKind(err, novalite.Forbidden) || novalite.MessageOf(err) != tt.wantErr):
			t.Errorf("%s: %v, want Forbidden %q", tt.name, err, tt.wantErr)
		}
		if got := policy.Allowed(tt.caller, tt.rule, tt.target); got != (tt.wantErr == "") {
			t.Errorf("%s: Allowed %v", tt.name, got)
		}
	}
}

// TestRuleNames: every name in the table looks like a policy name, so a
// typo does not silently deny.
func TestRuleNames(t *testing.T) {
	t.Parallel()
	for name := range policy.Rules {
		ok := false
		for _, prefix := range []string{"os_compute_api:", "compute:", "network:", "identity:", "image:", "get_", "create_", "update_", "delete_"} {
			if len(name) > len(prefix) && name[:len(prefix)] == prefix {
				ok = true
			}
		}
		if !ok {
			t.Errorf("rule %q has no known prefix", name)
		}
	}
}
