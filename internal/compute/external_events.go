package compute

import (
	"context"
	"time"

	"novalite"
	"novalite/internal/store"
)

// ExternalEvent is one event another service reports about a server
// (os-server-external-events).
type ExternalEvent struct {
	ServerID string
	Name     string
	Tag      *string // nil when the request had none
}

// externalEventsNeedingTag are the events Nova drops without a tag.
var externalEventsNeedingTag = map[string]bool{
	"volume-extended": true, "power-update": true, "accelerator-request-bound": true,
}

// ExternalEventResult is what became of one external event.
type ExternalEventResult int

// The results, which the API reports as Nova's per-event codes.
const (
	EventAccepted   ExternalEventResult = iota // 200
	EventTagMissing                            // 400: the event needs a tag
	EventNoServer                              // 404: no such live server
	EventNoHost                                // 422: the server has no host to deliver to
)

// ExternalEvents accepts events about servers (reported by c) and returns
// what became of each. An accepted power-update stops or starts the
// server (powerUpdate), a volume-extended tells its guest
// (VolumeExtended); the other events have no effect on the simulated
// hosts: they only ask a real hypervisor to refresh what it knows.
func (s *Service) ExternalEvents(ctx context.Context, c *novalite.Caller, events []ExternalEvent) ([]ExternalEventResult, error) {
	uuids := make([]string, 0, len(events))
	seen := map[string]bool{}
	for _, e := range events {
		if !seen[e.ServerID] {
			seen[e.ServerID] = true
			uuids = append(uuids, e.ServerID)
		}
	}
	var hosts map[string]string
	err := s.db.View(ctx, func(tx *store.Tx) (err error) {
		hosts, err = tx.InstanceHosts(ctx, uuids)
		return err
	})
	if err != nil {
		return nil, err
	}
	codes := make([]ExternalEventResult, len(events))
	for i, e := range events {
		host, ok := hosts[e.ServerID]
		switch {
		case !ok:
			codes[i] = EventNoServer
		case externalEventsNeedingTag[e.Name] && e.Tag == nil:
			codes[i] = EventTagMissing
		case host == "":
			codes[i] = EventNoHost
		default:
			codes[i] = EventAccepted
			switch e.Name {
			case "power-update":
				s.powerUpdate(ctx, c, e.ServerID, *e.Tag)
			case "volume-extended":
				// Best effort, as Nova's cast to the compute host.
				_ = s.VolumeExtended(ctx, c, e.ServerID, *e.Tag)
			}
		}
	}
	return codes, nil
}

// powerUpdate is Nova's power-update handling: the API records a start
// or stop action for POWER_ON or POWER_OFF (any other tag is skipped),
// and the compute manager acts only on an idle server in the opposite
// state (ACTIVE and running for POWER_OFF, STOPPED and shut down for
// POWER_ON), quietly doing nothing otherwise. Here the host's agent does
// the stop or start, as for the actions.
func (s *Service) powerUpdate(ctx context.Context, c *novalite.Caller, id, tag string) {
	act, vm, power := novalite.ActionStop, novalite.VMActive, novalite.PowerRunning
	switch tag {
	case "POWER_OFF":
	case "POWER_ON":
		act, vm, power = novalite.ActionStart, novalite.VMStopped, novalite.PowerShutdown
	default:
		return
	}
	valid := func(tx *store.Tx, v novalite.Server, _ time.Time) (bool, error) {
		return v.VMState != vm || v.TaskState != "" || v.PowerState != power, nil
	}
	// Best effort, as Nova's cast: a refusal is the event's no-op.
	_ = s.startTask(ctx, c, id, act, valid)
}
