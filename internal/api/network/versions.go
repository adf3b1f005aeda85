package network

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// versions answers GET /network with the one version, 200 as Neutron.
func (a *API) versions(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"versions": []any{map[string]any{
		"id": "v2.0", "status": "CURRENT",
		"links": []any{map[string]any{"rel": "self", "href": httpx.BaseURL(r) + a.prefix + "/v2.0/"}},
	}}})
	return nil
}

// version answers GET /v2.0 with the resources it offers.
func (a *API) version(w http.ResponseWriter, r *http.Request) error {
	base := httpx.BaseURL(r) + a.prefix + "/v2.0/"
	var rs []any
	for _, c := range [][2]string{{"subnet", "subnets"}, {"network", "networks"}, {"port", "ports"}} {
		rs = append(rs, map[string]any{"name": c[0], "collection": c[1],
			"links": []any{map[string]any{"rel": "self", "href": base + c[1]}}})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"resources": rs})
	return nil
}
