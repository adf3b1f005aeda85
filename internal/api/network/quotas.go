package network

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

// updateQuota is PUT /v2.0/quotas/{project}: {"quota": {"port": 5, …}}.
// Values are integers or their decimal strings (Neutron's convert_to_int)
// from -1 (unlimited) to 2^31-1.
func (a *API) updateQuota(w http.ResponseWriter, r *http.Request) error {
	t := targets{}
	raws := map[string]*json.RawMessage{}
	for k := range network.DefaultQuotas {
		raws[k] = new(json.RawMessage)
		t[k] = raws[k]
	}
	attrs, err := decodeResource(r, "quota", t)
	if err != nil {
		return err
	}
	values := map[string]int64{}
	for k := range attrs {
		if k == "project_id" {
			continue
		}
		v, err := quotaValue(k, *raws[k])
		if err != nil {
			return err
		}
		values[k] = v
	}
	q, err := a.svc.UpdateQuotas(r.Context(), httpx.Caller(r.Context()), r.PathValue("project"), values)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"quota": q})
	return nil
}

// quotaValue reads one limit as Neutron's convert_to_int and range
// validator do.
func quotaValue(name string, raw json.RawMessage) (int64, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.IsInf(f, 0) {
		return 0, &novalite.Error{Kind: novalite.Invalid, Reason: "InvalidInput",
			Message: "Invalid input for operation: '" + s + "' is not an integer."}
	}
	const maxLimit = 1<<31 - 1 // Neutron's DB_INTEGER_MAX_VALUE
	switch {
	case f < -1:
		return 0, badRequest("Invalid input for %s. Reason: '%s' is too small - must be at least '-1'.", name, s)
	case f > maxLimit:
		return 0, badRequest("Invalid input for %s. Reason: '%s' is too large - must be no larger than '%d'.", name, s, maxLimit)
	}
	return int64(f), nil
}

// deleteQuota is DELETE /v2.0/quotas/{project}: back to the defaults.
func (a *API) deleteQuota(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteQuotas(r.Context(), httpx.Caller(r.Context()), r.PathValue("project")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
