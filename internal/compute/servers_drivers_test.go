package compute

import (
	"testing"

	"novalite"
	"novalite/internal/virt"
)

// TestIntentNeeds decides, for every intent, the driver capability it
// needs, or none: an intent added without a row here fails, as does a
// needs row no intent reaches, one that reads another capability, or
// one missing (the action would be accepted and then fail on the host).
func TestIntentNeeds(t *testing.T) {
	t.Parallel()
	// lack takes away the capability the action needs; nil: it needs none.
	type lack func(*virt.Capabilities)
	var (
		pause    lack = func(c *virt.Capabilities) { c.Pause = false }
		suspend  lack = func(c *virt.Capabilities) { c.Suspend = false }
		rescue   lack = func(c *virt.Capabilities) { c.Rescue = false }
		password lack = func(c *virt.Capabilities) { c.SetPassword = false }
		snapshot lack = func(c *virt.Capabilities) { c.Snapshot = false }
		rebuild  lack = func(c *virt.Capabilities) { c.Rebuild = false }
		migrate  lack = func(c *virt.Capabilities) { c.Migrate = false }
	)
	rows := map[novalite.Action]lack{
		novalite.ActionReboot: nil, novalite.ActionStop: nil, novalite.ActionStart: nil,
		novalite.ActionPause: pause, novalite.ActionUnpause: pause,
		novalite.ActionSuspend: suspend, novalite.ActionResume: suspend,
		novalite.ActionRescue: rescue, novalite.ActionUnrescue: rescue,
		novalite.ActionChangePassword: password,
		novalite.ActionShelve:         snapshot, novalite.ActionCreateImage: snapshot, novalite.ActionCreateBackup: snapshot,
		novalite.ActionShelveOffload: nil, novalite.ActionUnshelve: nil,
		novalite.ActionRebuild: rebuild, novalite.ActionEvacuate: rebuild,
		novalite.ActionResize: migrate, novalite.ActionMigrate: migrate, novalite.ActionRevertResize: nil,
		// Nova accepts it; the host's pre-checks fail (see needs).
		novalite.ActionLiveMigrate: nil,
	}
	for act := range intents {
		if _, ok := rows[act]; !ok {
			t.Errorf("intent %s has no row: which capability does it need?", act)
		}
	}
	for act := range rows {
		if _, ok := intents[act]; !ok {
			t.Errorf("row %s: no intent", act)
		}
	}
	for act := range needs {
		if _, ok := intents[act]; !ok {
			t.Errorf("needs %s: no intent reaches it", act)
		}
	}
	all := virt.Capabilities{Pause: true, Suspend: true, Console: true, Rescue: true, Rebuild: true,
		Snapshot: true, Migrate: true, LiveMigrate: true, SetPassword: true}
	v := novalite.Server{ID: "s1", Host: "h1"}
	for act, lack := range rows {
		s := Service{Drivers: map[string]virt.Capabilities{"h1": all}}
		if err := s.supported(v, act); err != nil {
			t.Errorf("%s on a driver that can do everything: %v", act, err)
		}
		if lack == nil {
			if _, ok := needs[act]; ok {
				t.Errorf("%s needs a capability, its row says none", act)
			}
			continue
		}
		caps := all
		lack(&caps)
		s.Drivers["h1"] = caps
		if err := s.supported(v, act); !novalite.IsKind(err, novalite.NotImplemented) {
			t.Errorf("%s on a driver without its capability = %v, want 501", act, err)
		}
		if err := s.supported(novalite.Server{ID: "s2"}, act); err != nil {
			t.Errorf("%s on a server with no host = %v, want nil (nothing to ask)", act, err)
		}
	}
}

// TestChangePasswordNoGuestAgent: a driver that could set passwords but
// has no guest agent answers Nova's 409, not the 501.
func TestChangePasswordNoGuestAgent(t *testing.T) {
	t.Parallel()
	s := Service{Drivers: map[string]virt.Capabilities{"h1": {NoGuestAgent: true}}}
	err := s.supported(novalite.Server{ID: "s1", Host: "h1"}, novalite.ActionChangePassword)
	if !novalite.IsKind(err, novalite.Conflict) {
		t.Errorf("changePassword without a guest agent = %v, want 409", err)
	}
}
