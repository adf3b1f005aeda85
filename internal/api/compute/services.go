package compute

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

const novaTime = "2006-01-02T15:04:05.000000"

// serviceView is Nova's _get_service_detail (services.py).
type serviceView struct {
	Binary         string         `json:"binary"`
	DisabledReason *string        `json:"disabled_reason"`
	ForcedDown     Optional[bool] `json:"forced_down,omitzero"` // 2.11
	Host           string         `json:"host"`
	ID             any            `json:"id"` // the integer id, its uuid from 2.53
	State          string         `json:"state"`
	Status         string         `json:"status"`
	UpdatedAt      *string        `json:"updated_at"`
	Zone           string         `json:"zone"`
}

func serviceViewOf(mv microversion.Version, s compute.ServiceInfo) serviceView {
	v := serviceView{Binary: s.Binary, DisabledReason: nilIfEmpty(s.DisabledReason),
		ForcedDown: optIf(mv.AtLeast(2, 11), s.ForcedDown), Host: s.Host, ID: s.ID,
		State:     map[bool]string{true: "up", false: "down"}[s.Up],
		Status:    map[bool]string{true: "disabled", false: "enabled"}[s.Disabled],
		UpdatedAt: timeOrNil(s.UpdatedAt, novaTime), Zone: s.Zone}
	if mv.AtLeast(2, 53) {
		v.ID = s.UUID
	}
	return v
}

// serviceChanged is the body of the actions on a service before 2.53:
// what the action set.
type serviceChanged struct {
	Binary         string           `json:"binary"`
	DisabledReason Optional[string] `json:"disabled_reason,omitzero"` // disable-log-reason
	ForcedDown     Optional[bool]   `json:"forced_down,omitzero"`     // force-down
	Host           string           `json:"host"`
	Status         Optional[string] `json:"status,omitzero"`
}

// serviceBody is the body of one service.
type serviceBody[T any] struct {
	Service T `json:"service"`
}

// listServices is GET /os-services: the controller's scheduler and
// conductor and each host's nova-compute, filtered by host and binary.
func (a *API) listServices(w http.ResponseWriter, r *http.Request) error {
	mv, q := requestMV(r), r.URL.Query()
	if mv.AtLeast(2, 75) {
		for k := range q {
			if k != "host" && k != "binary" {
				return novalite.Errorf(novalite.Invalid, "Additional properties are not allowed ('%s' was unexpected)", k)
			}
		}
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-services:list", policy.Target{}); err != nil {
		return err
	}
	list, err := a.svc.Compute.Services(r.Context())
	if err != nil {
		return err
	}
	host, binary := q.Get("host"), q.Get("binary")
	out := struct {
		Services []serviceView `json:"services"`
	}{[]serviceView{}}
	for _, s := range list {
		if (host == "" || s.Host == host) && (binary == "" || s.Binary == binary) {
			out.Services = append(out.Services, serviceViewOf(mv, s))
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

var pServiceReason = obj{"type": "string", "minLength": 1, "maxLength": 255}

func serviceUpdateSchemaDoc(mv microversion.Version) obj {
	if mv.AtLeast(2, 53) {
		return obj{"type": "object", "properties": obj{
			"status":          obj{"type": "string", "enum": []any{"enabled", "disabled"}},
			"disabled_reason": pServiceReason, "forced_down": pBoolean}, "additionalProperties": false}
	}
	props := obj{"host": pFQDN, "binary": obj{"type": "string", "minLength": 1, "maxLength": 255},
		"disabled_reason": pServiceReason}
	if mv.AtLeast(2, 11) {
		props["forced_down"] = pBoolean
	}
	return obj{"type": "object", "properties": props, "required": []any{"host", "binary"}, "additionalProperties": false}
}

// serviceUpdateRequest is PUT /os-services/{id}'s body, in both shapes:
// host and binary name the service before 2.53, status from 2.53.
type serviceUpdateRequest struct {
	Host           string              `json:"host"`
	Binary         string              `json:"binary"`
	Status         Optional[string]    `json:"status"`
	DisabledReason Nullable[string]    `json:"disabled_reason"`
	ForcedDown     Optional[looseBool] `json:"forced_down"`
}

func onlyCompute(binary string) error {
	return novalite.Errorf(novalite.Invalid, "Updating a %s service is not supported. Only nova-compute services can be updated.", binary)
}

// updateService is PUT /os-services/{id}: from 2.53 {id} is a service
// uuid and the body sets status, disabled_reason and forced_down; before,
// {id} is an action (enable, disable, disable-log-reason, force-down from
// 2.11) on the service the body names by host and binary.
func (a *API) updateService(w http.ResponseWriter, r *http.Request) error {
	mv, id := requestMV(r), r.PathValue("id")
	if mv.AtLeast(2, 53) {
		if _, err := uuid.Parse(id); err != nil {
			return novalite.Errorf(novalite.Invalid, "Invalid uuid %s", id)
		}
	}
	body, err := decodeRequest[serviceUpdateRequest](r, schemaFor("service-update", mv, serviceUpdateSchemaDoc))
	if err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-services:update", policy.Target{}); err != nil {
		return err
	}
	if mv.AtLeast(2, 53) {
		return a.updateServiceV253(w, r, id, body)
	}
	host, binary := body.Host, body.Binary
	var u novalite.ComputeServiceUpdate
	resp := serviceChanged{Binary: binary, Host: host}
	t, f := true, false
	switch id {
	case "enable":
		u.Disabled = &f
		resp.Status = some("enabled")
	case "disable":
		u.Disabled = &t
		resp.Status = some("disabled")
	case "disable-log-reason":
		reason := body.DisabledReason.Ptr()
		if reason == nil {
			return novalite.Errorf(novalite.Invalid, "Missing disabled reason field")
		}
		u.Disabled, u.DisabledReason = &t, reason
		resp.Status, resp.DisabledReason = some("disabled"), some(*reason)
	case "force-down":
		if !mv.AtLeast(2, 11) {
			return novalite.Errorf(novalite.NotFound, "Unknown action")
		}
		if !body.ForcedDown.Set {
			return novalite.Errorf(novalite.Invalid, "Missing forced_down field")
		}
		down := bool(body.ForcedDown.Value)
		u.ForcedDown = &down
		resp.ForcedDown = some(down)
	default:
		return novalite.Errorf(novalite.NotFound, "Unknown action")
	}
	if binary != compute.BinaryCompute {
		return onlyCompute(binary)
	}
	_, found, err := a.svc.Compute.UpdateComputeService(r.Context(), host, u)
	if err != nil {
		return err
	}
	if !found {
		return novalite.Errorf(novalite.NotFound, "Could not find binary %s on host %s.", binary, host)
	}
	httpx.WriteJSON(w, http.StatusOK, serviceBody[serviceChanged]{resp})
	return nil
}

func (a *API) updateServiceV253(w http.ResponseWriter, r *http.Request, id string, body serviceUpdateRequest) error {
	svc, found, err := a.svc.Compute.ServiceByID(r.Context(), id, true)
	if err != nil {
		return err
	}
	if !found {
		return novalite.Errorf(novalite.NotFound, "Service %s could not be found.", id)
	}
	if svc.Binary != compute.BinaryCompute {
		return onlyCompute(svc.Binary)
	}
	var u novalite.ComputeServiceUpdate
	if body.Status.Set {
		reason := body.DisabledReason.Ptr()
		if body.Status.Value == "enabled" {
			if reason != nil && *reason != "" {
				return novalite.Errorf(novalite.Invalid, "Specifying 'disabled_reason' with status 'enabled' is invalid.")
			}
			f := false
			u.Disabled = &f
		} else {
			t := true
			u.Disabled = &t
			u.DisabledReason = reason
		}
	}
	if body.ForcedDown.Set {
		down := bool(body.ForcedDown.Value)
		u.ForcedDown = &down
	}
	if u.Disabled == nil && u.ForcedDown == nil { // Nova: nothing set on the service object
		return novalite.Errorf(novalite.Invalid, "No updates were requested. Fields 'status' or 'forced_down' should be specified.")
	}
	v, found, err := a.svc.Compute.UpdateComputeService(r.Context(), svc.Host, u)
	if err != nil {
		return err
	}
	if !found {
		return novalite.Errorf(novalite.NotFound, "Service %s could not be found.", id)
	}
	httpx.WriteJSON(w, http.StatusOK, serviceBody[serviceView]{serviceViewOf(requestMV(r), v)})
	return nil
}

// deleteService is DELETE /os-services/{id}: a compute host without
// servers goes, with its aggregate memberships. The controller's own
// services cannot be deleted: Nova would drop their record (and they
// would come back on restart); novalite has no record of them to drop,
// so it answers 409 instead.
func (a *API) deleteService(w http.ResponseWriter, r *http.Request) error {
	mv, id := requestMV(r), r.PathValue("id")
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-services:delete", policy.Target{}); err != nil {
		return err
	}
	byUUID := mv.AtLeast(2, 53)
	if byUUID {
		if _, err := uuid.Parse(id); err != nil {
			return novalite.Errorf(novalite.Invalid, "Invalid uuid %s", id)
		}
	} else if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return novalite.Errorf(novalite.Invalid, "Invalid input received: id must be an integer")
	}
	svc, found, err := a.svc.Compute.ServiceByID(r.Context(), id, byUUID)
	if err != nil {
		return err
	}
	if !found {
		return novalite.Errorf(novalite.NotFound, "Service %s not found.", id)
	}
	if svc.Binary != compute.BinaryCompute {
		return novalite.Errorf(novalite.Conflict, "The %s service of the controller cannot be deleted.", svc.Binary)
	}
	if err := a.svc.Compute.DeleteComputeService(r.Context(), svc.Host); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
