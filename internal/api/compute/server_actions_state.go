package compute

import (
	"context"
	"encoding/json"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
)

// Power and state actions: reboot, start/stop, pause, suspend, rescue,
// changePassword, resetState, trigger_crash_dump (schemas from
// nova/api/openstack/compute/schemas/*.py).

func init() {
	for name, a := range map[string]serverAction{
		"reboot":             {min: microversion.Min, handle: (*API).rebootServer},
		"os-start":           {min: microversion.Min, handle: simpleAction("start", "os_compute_api:servers:start")},
		"os-stop":            {min: microversion.Min, handle: simpleAction("stop", "os_compute_api:servers:stop")},
		"pause":              {min: microversion.Min, handle: simpleAction("pause", "os_compute_api:os-pause-server:pause")},
		"unpause":            {min: microversion.Min, handle: simpleAction("unpause", "os_compute_api:os-pause-server:unpause")},
		"suspend":            {min: microversion.Min, handle: simpleAction("suspend", "os_compute_api:os-suspend-server:suspend")},
		"resume":             {min: microversion.Min, handle: simpleAction("resume", "os_compute_api:os-suspend-server:resume")},
		"unrescue":           {min: microversion.Min, handle: simpleAction("unrescue", "os_compute_api:os-unrescue")},
		"shelveOffload":      {min: microversion.Min, handle: simpleAction("shelveOffload", "os_compute_api:os-shelve:shelve_offload")},
		"rescue":             {min: microversion.Min, handle: (*API).rescueServer},
		"changePassword":     {min: microversion.Min, handle: (*API).changePassword},
		"os-resetState":      {min: microversion.Min, handle: (*API).resetState},
		"injectNetworkInfo":  {min: microversion.Min, handle: (*API).injectNetworkInfo},
		"trigger_crash_dump": {min: microversion.Version{Major: 2, Minor: 17}, handle: (*API).triggerCrashDump},
	} {
		serverActions[name] = a
	}
}

// actionValue validates an action's value (raw) against the schema
// value(mv) builds and returns it decoded.
func actionValue(name string, mv microversion.Version, raw json.RawMessage, value func(microversion.Version) obj) (any, error) {
	sch := schemaFor("action:"+name, mv, func(mv microversion.Version) obj {
		return obj{"type": "object", "properties": obj{name: value(mv)}, "required": []any{name}, "additionalProperties": false}
	})
	doc, err := schema.Decode([]byte(`{"` + name + `": ` + string(raw) + `}`))
	if err != nil {
		return nil, novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	if err := sch.Validate(doc); err != nil {
		return nil, err
	}
	return doc.(map[string]any)[name], nil
}

func fixed(o obj) func(microversion.Version) obj { return func(microversion.Version) obj { return o } }

// accepted writes the empty 202 of most actions.
func accepted(w http.ResponseWriter) error {
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// serviceCall is a compute service method taking a server and a request id.
type serviceCall func(*compute.Service, context.Context, *novalite.Caller, string, string) error

// noArgAction is an action without arguments: the policy rule, the
// service call, then status and no body.
func noArgAction(rule string, status int, call serviceCall) actionFunc {
	return func(a *API, w http.ResponseWriter, r *http.Request, _ json.RawMessage) error {
		s, err := a.findServer(r, rule)
		if err != nil {
			return err
		}
		c, req := callerAndRequest(r)
		if err := call(a.svc.Compute, r.Context(), c, s.ID, req); err != nil {
			return err
		}
		httpx.WriteEmpty(w, status)
		return nil
	}
}

// simpleAction is an action without arguments that sets a task.
func simpleAction(name, rule string) actionFunc {
	return noArgAction(rule, http.StatusAccepted, func(svc *compute.Service, ctx context.Context, c *novalite.Caller, id, req string) error {
		return svc.SimpleAction(ctx, c, id, req, name)
	})
}

var rebootValue = obj{"type": "object", "properties": obj{"type": obj{"type": "string",
	"enum": []any{"HARD", "Hard", "hard", "SOFT", "Soft", "soft"}}}, "required": []any{"type"}, "additionalProperties": false}

func (a *API) rebootServer(w http.ResponseWriter, r *http.Request, raw json.RawMessage) error {
	v, err := actionValue("reboot", MV(r), raw, fixed(rebootValue))
	if err != nil {
		return err
	}
	hard := false
	switch v.(map[string]any)["type"] {
	case "HARD", "Hard", "hard":
		hard = true
	}
	s, err := a.findServer(r, "os_compute_api:servers:reboot")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.RebootServer(r.Context(), httpx.Caller(r.Context()), s.ID, httpx.RequestID(r.Context()), hard); err != nil {
		return err
	}
	return accepted(w)
}

var rescueValue = obj{"type": []any{"object", "null"}, "properties": obj{
	"adminPass": obj{"type": "string"}, "rescue_image_ref": pUUID}, "additionalProperties": false}

// rescueServer answers 200 with the rescue password.
func (a *API) rescueServer(w http.ResponseWriter, r *http.Request, raw json.RawMessage) error {
	v, err := actionValue("rescue", MV(r), raw, fixed(rescueValue))
	if err != nil {
		return err
	}
	m, _ := v.(map[string]any)
	pass, _ := m["adminPass"].(string)
	image, _ := m["rescue_image_ref"].(string)
	s, err := a.findServer(r, "os_compute_api:os-rescue")
	if err != nil {
		return err
	}
	pass, err = a.svc.Compute.RescueServer(r.Context(), httpx.Caller(r.Context()), s.ID, httpx.RequestID(r.Context()), pass, image)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"adminPass": pass})
	return nil
}

var changePasswordValue = obj{"type": "object", "properties": obj{"adminPass": obj{"type": "string"}},
	"required": []any{"adminPass"}, "additionalProperties": false}

func (a *API) changePassword(w http.ResponseWriter, r *http.Request, raw json.RawMessage) error {
	v, err := actionValue("changePassword", MV(r), raw, fixed(changePasswordValue))
	if err != nil {
		return err
	}
	pass, _ := v.(map[string]any)["adminPass"].(string)
	s, err := a.findServer(r, "os_compute_api:os-admin-password")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.ChangePassword(r.Context(), httpx.Caller(r.Context()), s.ID, httpx.RequestID(r.Context()), pass); err != nil {
		return err
	}
	return accepted(w)
}

var resetStateValue = obj{"type": "object", "properties": obj{"state": obj{"type": "string", "enum": []any{"active", "error"}}},
	"required": []any{"state"}, "additionalProperties": false}

func (a *API) resetState(w http.ResponseWriter, r *http.Request, raw json.RawMessage) error {
	v, err := actionValue("os-resetState", MV(r), raw, fixed(resetStateValue))
	if err != nil {
		return err
	}
	state, _ := v.(map[string]any)["state"].(string)
	s, err := a.findServer(r, "os_compute_api:os-admin-actions:reset_state")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.ResetState(r.Context(), httpx.Caller(r.Context()), s.ID, httpx.RequestID(r.Context()), novalite.VMState(state)); err != nil {
		return err
	}
	return accepted(w)
}

// injectNetworkInfo is an admin action with nothing to inject into a
// simulated guest: checked and accepted.
func (a *API) injectNetworkInfo(w http.ResponseWriter, r *http.Request, _ json.RawMessage) error {
	if _, err := a.findServer(r, "os_compute_api:os-admin-actions:inject_network_info"); err != nil {
		return err
	}
	return accepted(w)
}

func (a *API) triggerCrashDump(w http.ResponseWriter, r *http.Request, raw json.RawMessage) error {
	if _, err := actionValue("trigger_crash_dump", MV(r), raw, fixed(obj{"type": "null"})); err != nil {
		return err
	}
	s, err := a.findServer(r, "os_compute_api:servers:trigger_crash_dump")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.TriggerCrashDump(r.Context(), httpx.Caller(r.Context()), s.ID, httpx.RequestID(r.Context())); err != nil {
		return err
	}
	return accepted(w)
}
