package compute

import (
	"context"

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

// ExternalEvents accepts events about servers and returns what became of
// each.
// Accepted events have no effect on the simulated hosts: the network
// and volume events only ask a real hypervisor to refresh what it knows.
func (s *Service) ExternalEvents(ctx context.Context, events []ExternalEvent) ([]ExternalEventResult, error) {
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
		}
	}
	return codes, nil
}
