package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// /servers/{id}/os-server-password (server_password.py).

// showServerPassword is GET: the encrypted password the guest posted, or "".
func (a *API) showServerPassword(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServerSub(r, "os_compute_api:os-server-password:show")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Password string `json:"password"`
	}{s.EncryptedPassword})
	return nil
}

// clearServerPassword is DELETE: forget it (no lock or state check).
func (a *API) clearServerPassword(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:os-server-password:clear")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.ClearServerPassword(r.Context(), httpx.Caller(r.Context()), s.ID); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
