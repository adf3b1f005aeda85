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
var needs = map[string]func(virt.Capabilities) bool{
	"pause":          func(c virt.Capabilities) bool { return c.Pause },
	"unpause":        func(c virt.Capabilities) bool { return c.Pause },
	"suspend":        func(c virt.Capabilities) bool { return c.Suspend },
	"resume":         func(c virt.Capabilities) bool { return c.Suspend },
	"rescue":         func(c virt.Capabilities) bool { return c.Rescue },
	"unrescue":       func(c virt.Capabilities) bool { return c.Rescue },
	"changePassword": func(c virt.Capabilities) bool { return c.SetPassword },
	"shelve":         func(c virt.Capabilities) bool { return c.Snapshot },
	"createImage":    func(c virt.Capabilities) bool { return c.Snapshot },
	"createBackup":   func(c virt.Capabilities) bool { return c.Snapshot },
	"rebuild":        func(c virt.Capabilities) bool { return c.Rebuild },
	"evacuate":       func(c virt.Capabilities) bool { return c.Rebuild },
	"resize":         func(c virt.Capabilities) bool { return c.Migrate },
	"migrate":        func(c virt.Capabilities) bool { return c.Migrate },
}

// errNotSupported is Nova's 501 for a feature the driver lacks.
var errNotSupported = novalite.Errorf(novalite.NotImplemented, "The requested functionality is not supported.")

// supported checks that the driver of v's host can do intent name.
func (s *Service) supported(v novalite.Server, name string) error {
	need, ok := needs[name]
	if !ok || v.Host == "" {
		return nil
	}
	if caps, ok := s.Drivers[v.Host]; ok && !need(caps) {
		if name == "changePassword" && caps.NoGuestAgent {
			// Nova's libvirt driver without hw_qemu_guest_agent raises
			// QemuGuestAgentNotEnabled, which the API answers 409.
			return novalite.Errorf(novalite.Conflict, "QEMU guest agent is not enabled")
		}
		return errNotSupported
	}
	return nil
}
