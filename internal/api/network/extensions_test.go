package network_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

// Every advertised extension that brings a collection answers it: a
// client that sees the alias calls the resource (openstackclient's
// "availability zone list" does).
func TestAdvertisedExtensionsAnswer(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	admin := srv.AdminToken()
	collections := map[string]string{
		"router": "/v2.0/routers", "security-group": "/v2.0/security-groups", "quotas": "/v2.0/quotas",
		"availability_zone": "/v2.0/availability_zones", "external-net": "/v2.0/networks?router:external=true",
	}
	exts := list(do(t, srv, admin, "GET", "/v2.0/extensions", nil, 200), "extensions")
	for _, e := range exts {
		alias := e.(map[string]any)["alias"].(string)
		switch alias {
		case "agent", "subnet_allocation", "agent_resources_synced":
			t.Errorf("extension %s advertised without its resources", alias)
		}
		if path, ok := collections[alias]; ok {
			do(t, srv, admin, "GET", path, nil, 200)
		}
	}
	azs := list(do(t, srv, admin, "GET", "/v2.0/availability_zones", nil, 200), "availability_zones")
	if len(azs) != 2 {
		t.Fatalf("zones: %v", azs)
	}
	for _, z := range azs {
		if m := z.(map[string]any); m["name"] != "nova" || m["state"] != "available" {
			t.Errorf("zone %v", m)
		}
	}
	routers := list(do(t, srv, srv.DemoToken(), "GET", "/v2.0/availability_zones?resource=router", nil, 200), "availability_zones")
	if len(routers) != 1 || routers[0].(map[string]any)["resource"] != "router" {
		t.Errorf("resource=router: %v", routers)
	}
	for _, path := range []string{"/v2.0/agents", "/v2.0/subnetpools"} {
		neutronError(t, srv, admin, "GET", path, nil, 404, "HTTPNotFound")
	}
}
