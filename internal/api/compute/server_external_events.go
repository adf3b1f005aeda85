package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// externalEventNames are the event names the request schema takes at mv
// (nova/api/openstack/compute/schemas/server_external_events.py).
func externalEventNames(mv microversion.Version) []any {
	names := []any{"network-changed", "network-vif-plugged", "network-vif-unplugged", "network-vif-deleted"}
	for _, n := range []struct {
		minor int
		name  string
	}{{51, "volume-extended"}, {76, "power-update"}, {82, "accelerator-request-bound"}, {93, "volume-reimaged"}} {
		if mv.AtLeast(2, n.minor) {
			names = append(names, n.name)
		}
	}
	return names
}

func externalEventsSchemaDoc(mv microversion.Version) obj {
	event := obj{"type": "object", "properties": obj{
		"name":        obj{"type": "string", "enum": externalEventNames(mv)},
		"server_uuid": pUUID,
		"status":      obj{"type": "string", "enum": []any{"failed", "completed", "in-progress"}},
		"tag":         obj{"type": "string", "maxLength": 255},
	}, "required": []any{"name", "server_uuid"}, "additionalProperties": false}
	return obj{"type": "object", "properties": obj{"events": obj{"type": "array", "minItems": 1, "items": event}},
		"required": []any{"events"}, "additionalProperties": false}
}

// externalEventCodes are the per-event codes of the response.
var externalEventCodes = map[compute.ExternalEventResult]int{
	compute.EventAccepted: http.StatusOK, compute.EventTagMissing: http.StatusBadRequest,
	compute.EventNoServer: http.StatusNotFound, compute.EventNoHost: http.StatusUnprocessableEntity,
}

// externalEvent is one event of the request, and of the response, which
// is the event as sent with its status and code.
type externalEvent struct {
	Code       int     `json:"code"`
	Name       string  `json:"name"`
	ServerUUID string  `json:"server_uuid"`
	Status     string  `json:"status"`
	Tag        *string `json:"tag,omitempty"`
}

// createExternalEvents is POST /os-server-external-events (service or
// admin): each event comes back as sent with its status and code; the
// response is 207 when any event failed, else 200.
func (a *API) createExternalEvents(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeRequest[struct {
		Events []externalEvent `json:"events"`
	}](r, schemaFor("server-external-events", requestMV(r), externalEventsSchemaDoc))
	if err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-server-external-events:create",
		policy.Target{}); err != nil {
		return err
	}
	items := body.Events
	events := make([]compute.ExternalEvent, len(items))
	for i, it := range items {
		events[i] = compute.ExternalEvent{ServerID: it.ServerUUID, Name: it.Name, Tag: it.Tag}
	}
	results, err := a.svc.Compute.ExternalEvents(r.Context(), httpx.Caller(r.Context()), events)
	if err != nil {
		return err
	}
	status := http.StatusOK
	for i, res := range results {
		items[i].Code = externalEventCodes[res]
		if res == compute.EventAccepted {
			items[i].Status = "completed"
		} else {
			items[i].Status = "failed"
			status = http.StatusMultiStatus
		}
	}
	httpx.WriteJSON(w, status, struct {
		Events []externalEvent `json:"events"`
	}{items})
	return nil
}
