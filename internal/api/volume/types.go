package volume

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// listTypes is GET /v3/types.
func (a *API) listTypes(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:type_get_all", ""); err != nil {
		return err
	}
	ts, err := a.svc.Types(r.Context(), httpx.Caller(r.Context()))
	if err != nil {
		return err
	}
	out := make([]any, 0, len(ts))
	for _, t := range ts {
		out = append(out, typeView(r, t))
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume_types": out})
	return nil
}

// showType is GET /v3/types/{id} ("default" for the default type).
func (a *API) showType(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:type_get", ""); err != nil {
		return err
	}
	t, err := a.svc.Type(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume_type": typeView(r, t)})
	return nil
}
