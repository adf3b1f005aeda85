package compute

import (
	"novalite"
	"novalite/internal/virt"
)

// needs maps the intents to the driver capability they need. An action
// the driver of the server's host lacks is answered at once, before any
// state changes, with Nova's answer for a driver that does not
// implement it (nova/api/openstack/common.py, raise_feature_not_supported)
// — never accepted and then failed. os-migrateLive is not here: Nova
// (2.34+) accepts it and its conductor's pre-checks fail on the host,
// the server going to ERROR (the agent does the same).
var needs = map[novalite.Action]func(virt.Capabilities) bool{
	novalite.ActionPause:          func(c virt.Capabilities) bool { return c.Pause },
	novalite.ActionUnpause:        func(c virt.Capabilities) bool { return c.Pause },
	novalite.ActionSuspend:        func(c virt.Capabilities) bool { return c.Suspend },
	novalite.ActionResume:         func(c virt.Capabilities) bool { return c.Suspend },
	novalite.ActionRescue:         func(c virt.Capabilities) bool { return c.Rescue },
	novalite.ActionUnrescue:       func(c virt.Capabilities) bool { return c.Rescue },
	novalite.ActionChangePassword: func(c virt.Capabilities) bool { return c.SetPassword },
	novalite.ActionShelve:         func(c virt.Capabilities) bool { return c.Snapshot },
	novalite.ActionCreateImage:    func(c virt.Capabilities) bool { return c.Snapshot },
	novalite.ActionCreateBackup:   func(c virt.Capabilities) bool { return c.Snapshot },
	novalite.ActionRebuild:        func(c virt.Capabilities) bool { return c.Rebuild },
	novalite.ActionEvacuate:       func(c virt.Capabilities) bool { return c.Rebuild },
	novalite.ActionResize:         func(c virt.Capabilities) bool { return c.Migrate },
	novalite.ActionMigrate:        func(c virt.Capabilities) bool { return c.Migrate },
}

// errNotSupported is Nova's 501 for a feature the driver lacks.
var errNotSupported = novalite.Errorf(novalite.NotImplemented, "The requested functionality is not supported.")

// supported checks that the driver of v's host can do act.
func (s *Service) supported(v novalite.Server, act novalite.Action) error {
	need, ok := needs[act]
	if !ok || v.Host == "" {
		return nil
	}
	if caps, ok := s.Drivers[v.Host]; ok && !need(caps) {
		if act == novalite.ActionChangePassword && caps.NoGuestAgent {
			// Nova's libvirt driver without hw_qemu_guest_agent raises
			// QemuGuestAgentNotEnabled, which the API answers 409.
			return novalite.Errorf(novalite.Conflict, "QEMU guest agent is not enabled")
		}
		return errNotSupported
	}
	return nil
}
