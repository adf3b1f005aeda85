package compute

import (
	"testing"

	"novalite"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// TestActionTable checks each row of the action table on its own: a
// handler, and a policy rule the policy table knows (an unknown rule
// would deny every caller).
func TestActionTable(t *testing.T) {
	t.Parallel()
	for name, row := range serverActions {
		if row.handle == nil {
			t.Errorf("%s: no handler", name)
		}
		if _, ok := policy.Rules[row.rule]; !ok {
			t.Errorf("%s: rule %q is not in the policy table", name, row.rule)
		}
	}
}

// TestIntentsHaveActions checks that every action the compute service
// runs as an intent is one a client can ask for.
func TestIntentsHaveActions(t *testing.T) {
	t.Parallel()
	for act := range compute.IntentTasks() {
		if _, ok := serverActions[act]; !ok {
			t.Errorf("intent %s has no row in the action table", act)
		}
	}
}

// TestActionVersions checks the ranges of the actions that come and go
// with the microversion.
func TestActionVersions(t *testing.T) {
	t.Parallel()
	v := func(minor int) microversion.Version { return microversion.Version{Major: 2, Minor: minor} }
	for _, c := range []struct {
		act novalite.Action
		mv  microversion.Version
		has bool
	}{
		{novalite.ActionTriggerCrashDump, v(16), false},
		{novalite.ActionTriggerCrashDump, v(17), true},
		{novalite.ActionVNCConsole, v(5), true},
		{novalite.ActionVNCConsole, v(6), false},
		{novalite.ActionAddFloatingIP, v(43), true},
		{novalite.ActionAddFloatingIP, v(44), false},
		{novalite.ActionReboot, microversion.Min, true},
		{novalite.ActionReboot, microversion.Max, true},
	} {
		if got := serverActions[c.act].in.has(c.mv); got != c.has {
			t.Errorf("%s at %s: %v, want %v", c.act, c.mv, got, c.has)
		}
	}
}

// TestVersionRanges checks since and until at and around their ends.
func TestVersionRanges(t *testing.T) {
	t.Parallel()
	v := func(minor int) microversion.Version { return microversion.Version{Major: 2, Minor: minor} }
	for _, c := range []struct {
		name string
		in   versions
		mv   microversion.Version
		want bool
	}{
		{"always at min", always, microversion.Min, true},
		{"always at max", always, microversion.Max, true},
		{"since before", since(2, 26), v(25), false},
		{"since at", since(2, 26), v(26), true},
		{"since after", since(2, 26), microversion.Max, true},
		{"until at", until(2, 35), v(35), true},
		{"until after", until(2, 35), v(36), false},
		{"until at min", until(2, 35), microversion.Min, true},
	} {
		if got := c.in.has(c.mv); got != c.want {
			t.Errorf("%s: has(%s) = %v, want %v", c.name, c.mv, got, c.want)
		}
	}
}
