package compute

import (
	"context"
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
)

// Power and state actions: reboot, start/stop, pause, suspend, rescue,
// changePassword, resetState, trigger_crash_dump (schemas from
// nova/api/openstack/compute/schemas/*.py).

// value validates the action's value against the schema value(mv)
// builds and returns it decoded.
func (act actionCall) value(mv microversion.Version, value func(microversion.Version) obj) (any, error) {
	name := string(act.name)
	sch := schemaFor("action:"+name, mv, func(mv microversion.Version) obj {
		return obj{"type": "object", "properties": obj{name: value(mv)}, "required": []any{name}, "additionalProperties": false}
	})
	doc, err := schema.Decode([]byte(`{"` + name + `": ` + string(act.raw) + `}`))
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

// serviceCall is a compute service method taking a server.
type serviceCall func(*compute.Service, context.Context, *novalite.Caller, string) error

// noArgAction is an action without arguments: the row's policy rule,
// the service call, then status and no body.
func noArgAction(status int, call serviceCall) actionFunc {
	return func(a *API, w http.ResponseWriter, r *http.Request, act actionCall) error {
		s, err := a.findServer(r, act.rule)
		if err != nil {
			return err
		}
		c := httpx.Caller(r.Context())
		if err := call(a.svc.Compute, r.Context(), c, s.ID); err != nil {
			return err
		}
		httpx.WriteEmpty(w, status)
		return nil
	}
}

// taskAction is an action without arguments whose intent sets a task.
func taskAction(a *API, w http.ResponseWriter, r *http.Request, act actionCall) error {
	return noArgAction(http.StatusAccepted, func(svc *compute.Service, ctx context.Context, c *novalite.Caller, id string) error {
		return svc.SimpleAction(ctx, c, id, act.name)
	})(a, w, r, act)
}

var rebootValue = obj{"type": "object", "properties": obj{"type": obj{"type": "string",
	"enum": []any{"HARD", "Hard", "hard", "SOFT", "Soft", "soft"}}}, "required": []any{"type"}, "additionalProperties": false}

func (a *API) rebootServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, s, err := actionOn[struct {
		Type string `json:"type"`
	}](a, r, act, fixed(rebootValue))
	if err != nil {
		return err
	}
	hard := strings.EqualFold(q.Type, "hard") // the schema's enum: HARD, Hard, hard
	if err := a.svc.Compute.RebootServer(r.Context(), httpx.Caller(r.Context()), s.ID, hard); err != nil {
		return err
	}
	return accepted(w)
}

var rescueValue = obj{"type": []any{"object", "null"}, "properties": obj{
	"adminPass": obj{"type": "string"}, "rescue_image_ref": pUUID}, "additionalProperties": false}

// rescueServer answers 200 with the rescue password.
func (a *API) rescueServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, s, err := actionOn[struct {
		AdminPass string `json:"adminPass"`
		Image     string `json:"rescue_image_ref"`
	}](a, r, act, fixed(rescueValue))
	if err != nil {
		return err
	}
	pass, err := a.svc.Compute.RescueServer(r.Context(), httpx.Caller(r.Context()), s.ID,
		compute.RescueParams{Password: q.AdminPass, Image: q.Image, AllowVolumeBacked: requestMV(r).AtLeast(2, 87)})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, adminPassBody{pass})
	return nil
}

var changePasswordValue = obj{"type": "object", "properties": obj{"adminPass": obj{"type": "string"}},
	"required": []any{"adminPass"}, "additionalProperties": false}

func (a *API) changePassword(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, s, err := actionOn[struct {
		AdminPass string `json:"adminPass"`
	}](a, r, act, fixed(changePasswordValue))
	if err != nil {
		return err
	}
	if err := a.svc.Compute.ChangePassword(r.Context(), httpx.Caller(r.Context()), s.ID, q.AdminPass); err != nil {
		return err
	}
	return accepted(w)
}

var resetStateValue = obj{"type": "object", "properties": obj{"state": obj{"type": "string", "enum": []any{"active", "error"}}},
	"required": []any{"state"}, "additionalProperties": false}

func (a *API) resetState(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, s, err := actionOn[struct {
		State string `json:"state"`
	}](a, r, act, fixed(resetStateValue))
	if err != nil {
		return err
	}
	if err := a.svc.Compute.ResetState(r.Context(), httpx.Caller(r.Context()), s.ID, novalite.VMState(q.State)); err != nil {
		return err
	}
	return accepted(w)
}

// injectNetworkInfo is an admin action with nothing to inject into a
// simulated guest: checked and accepted.
func (a *API) injectNetworkInfo(w http.ResponseWriter, r *http.Request, act actionCall) error {
	if _, err := a.findServer(r, act.rule); err != nil {
		return err
	}
	return accepted(w)
}

func (a *API) triggerCrashDump(w http.ResponseWriter, r *http.Request, act actionCall) error {
	if _, err := act.value(requestMV(r), fixed(obj{"type": "null"})); err != nil {
		return err
	}
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return err
	}
	if err := a.svc.Compute.TriggerCrashDump(r.Context(), httpx.Caller(r.Context()), s.ID); err != nil {
		return err
	}
	return accepted(w)
}

// actionRequest validates an action's value against its schema for mv
// first (so that every failure reads as Nova's), then decodes it into the
// request type T.
func actionRequest[T any](act actionCall, mv microversion.Version, value func(microversion.Version) obj) (T, error) {
	var req T
	if _, err := act.value(mv, value); err != nil {
		return req, err
	}
	if err := unmarshal(act.raw, &req); err != nil {
		return req, novalite.Wrap(novalite.Invalid, err, "Malformed request body")
	}
	return req, nil
}

// actionOn reads an action's body, then finds the server the caller
// may run it on: a bad body is a 400 before any 404 or 403.
func actionOn[T any](a *API, r *http.Request, act actionCall, value func(microversion.Version) obj) (T, compute.ServerInfo, error) {
	q, err := actionRequest[T](act, requestMV(r), value)
	if err != nil {
		return q, compute.ServerInfo{}, err
	}
	s, err := a.findServer(r, act.rule)
	return q, s, err
}
