package compute

import (
	"encoding/json"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// actionFunc handles one server action; body is the value under the
// action's key (raw JSON).
type actionFunc func(a *API, w http.ResponseWriter, r *http.Request, body json.RawMessage) error

// serverAction is an entry of the action table: the microversions it
// exists in (max zero = still there) and its handler.
type serverAction struct {
	min, max microversion.Version
	handle   actionFunc
}

// serverActions dispatches POST /servers/{id}/action by its one key.
// Other actions add their entries from their own files (init).
var serverActions = map[string]serverAction{
	"lock":        {min: microversion.Min, handle: (*API).lockServer},
	"unlock":      {min: microversion.Min, handle: (*API).unlockServer},
	"restore":     {min: microversion.Min, handle: (*API).restoreServer},
	"forceDelete": {min: microversion.Min, handle: (*API).forceDeleteServer},
	// Network proxy actions, gone at 2.44.
	"addFloatingIp":    {min: microversion.Min, max: microversion.Version{Major: 2, Minor: 43}, handle: (*API).addFloatingIP},
	"removeFloatingIp": {min: microversion.Min, max: microversion.Version{Major: 2, Minor: 43}, handle: (*API).removeFloatingIP},
}

// serverAction is POST /servers/{id}/action: exactly one key, naming an
// action that exists at this microversion.
func (a *API) serverAction(w http.ResponseWriter, r *http.Request) error {
	var body map[string]json.RawMessage
	isNull, err := httpx.ReadBody(r, &body, "Malformed request body")
	if err != nil {
		return err
	}
	if isNull || len(body) != 1 {
		return novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	for name, raw := range body {
		act, ok := serverActions[name]
		if !ok {
			return novalite.Errorf(novalite.Invalid, "There is no such action: %s", name)
		}
		mv := MV(r)
		if mv.Less(act.min) || (act.max.Major != 0 && act.max.Less(mv)) {
			return errNotFound
		}
		return act.handle(a, w, r, raw)
	}
	return nil
}

var lockSchema = schema.MustCompile("lock_v273", `{"type": "object", "properties": {"lock": {
	"type": ["object", "null"], "properties": {"locked_reason": {"type": "string", "minLength": 1, "maxLength": 255}},
	"additionalProperties": false}}, "required": ["lock"], "additionalProperties": false}`)

// lockServer is the lock action; 2.73 adds an optional locked_reason.
func (a *API) lockServer(w http.ResponseWriter, r *http.Request, raw json.RawMessage) error {
	var reason *string
	if MV(r).AtLeast(2, 73) {
		doc, err := schema.Decode([]byte(`{"lock": ` + string(raw) + `}`))
		if err != nil {
			return novalite.Errorf(novalite.Invalid, "Malformed request body")
		}
		if err := lockSchema.Validate(doc); err != nil {
			return err
		}
		if m, ok := doc.(map[string]any)["lock"].(map[string]any); ok {
			if s, ok := m["locked_reason"].(string); ok {
				reason = &s
			}
		}
	}
	s, err := a.findServer(r, "os_compute_api:os-lock-server:lock")
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := a.svc.Compute.LockServer(r.Context(), c, s.Server, reason, httpx.RequestID(r.Context())); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// unlockServer is the unlock action; undoing the other party's lock
// (an owner undoing an admin's) also needs unlock_override.
func (a *API) unlockServer(w http.ResponseWriter, r *http.Request, _ json.RawMessage) error {
	s, err := a.findServer(r, "os_compute_api:os-lock-server:unlock")
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if s.LockedBy != "" && s.LockedBy != compute.LockedBy(c, s.ProjectID) {
		if err := policy.Authorize(c, "os_compute_api:os-lock-server:unlock:unlock_override",
			policy.Target{ProjectID: s.ProjectID}); err != nil {
			return err
		}
	}
	if err := a.svc.Compute.UnlockServer(r.Context(), c, s.Server, httpx.RequestID(r.Context())); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// restoreServer is the restore action of a soft-deleted server.
func (a *API) restoreServer(w http.ResponseWriter, r *http.Request, _ json.RawMessage) error {
	s, err := a.findServer(r, "os_compute_api:os-deferred-delete:restore")
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := a.svc.Compute.RestoreServer(r.Context(), c, s.ID, httpx.RequestID(r.Context())); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// forceDeleteServer is the forceDelete action: a hard delete now.
func (a *API) forceDeleteServer(w http.ResponseWriter, r *http.Request, _ json.RawMessage) error {
	s, err := a.findServer(r, "os_compute_api:os-deferred-delete:force")
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := a.svc.Compute.ForceDeleteServer(r.Context(), c, s.ID, httpx.RequestID(r.Context())); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}
