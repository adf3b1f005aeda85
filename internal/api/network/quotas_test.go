package network_test

import (
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

func TestQuotaUpdate(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin := srv.AdminToken()
	member, project := srv.NewMember("quota-member")
	path := "/v2.0/quotas/" + project
	tests := []struct {
		name    string
		token   string
		body    any
		status  int
		typ     string
		message string
	}{
		{"member", member, map[string]any{"quota": map[string]any{"port": 1}}, 403, "HTTPForbidden",
			"Only admin can view or configure quota"},
		{"unknown resource", admin, map[string]any{"quota": map[string]any{"ports": 1}}, 400, "HTTPBadRequest",
			"Unrecognized attribute(s) 'ports'"},
		{"not an integer", admin, map[string]any{"quota": map[string]any{"port": "x"}}, 400, "InvalidInput",
			"Invalid input for operation: 'x' is not an integer."},
		{"fraction", admin, map[string]any{"quota": map[string]any{"port": 1.5}}, 400, "InvalidInput",
			"Invalid input for operation: '1.5' is not an integer."},
		{"below -1", admin, map[string]any{"quota": map[string]any{"port": -2}}, 400, "HTTPBadRequest",
			"Invalid input for port. Reason: '-2' is too small - must be at least '-1'."},
		{"above int32", admin, map[string]any{"quota": map[string]any{"port": 1 << 31}}, 400, "HTTPBadRequest",
			"Invalid input for port. Reason: '2147483648' is too large - must be no larger than '2147483647'."},
		{"no body", admin, map[string]any{}, 400, "HTTPBadRequest", "Resource body required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := neutronError(t, srv, tt.token, "PUT", path, tt.body, tt.status, tt.typ); msg != tt.message {
				t.Errorf("message %q, want %q", msg, tt.message)
			}
		})
	}

	// A limit set (a string is converted, as Neutron's convert_to_int) is
	// shown, listed, enforced, and reset by DELETE.
	q := obj(do(t, srv, admin, "PUT", path, map[string]any{"quota": map[string]any{"network": "1", "router": -1}}, 200), "quota")
	if q["network"] != float64(1) || q["router"] != float64(-1) || q["port"] != float64(500) {
		t.Errorf("after PUT: %v", q)
	}
	if q := obj(do(t, srv, member, "GET", path, nil, 200), "quota"); q["network"] != float64(1) {
		t.Errorf("GET: %v", q)
	}
	all := list(do(t, srv, admin, "GET", "/v2.0/quotas", nil, 200), "quotas")
	if len(all) != 1 || all[0].(map[string]any)["project_id"] != project || all[0].(map[string]any)["network"] != float64(1) {
		t.Errorf("list: %v", all)
	}
	do(t, srv, member, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "one"}}, 201)
	msg := neutronError(t, srv, member, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "two"}},
		409, "OverQuota")
	if msg != "Quota exceeded for resources: ['network']." {
		t.Errorf("over quota: %q", msg)
	}
	neutronError(t, srv, member, "DELETE", path, nil, 403, "HTTPForbidden")
	do(t, srv, admin, "DELETE", path, nil, http.StatusNoContent)
	if q := obj(do(t, srv, member, "GET", path, nil, 200), "quota"); q["network"] != float64(100) {
		t.Errorf("after DELETE: %v", q)
	}
	do(t, srv, member, "POST", "/v2.0/networks", map[string]any{"network": map[string]any{"name": "two"}}, 201)
}
