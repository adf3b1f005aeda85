package compute_test

import (
	"testing"

	"novalite/internal/app/apptest"
	"novalite/internal/image"
)

var (
	v235 = map[string]string{"X-OpenStack-Nova-API-Version": "2.35"}
	v236 = map[string]string{"X-OpenStack-Nova-API-Version": "2.36"}
)

func call(t *testing.T, srv *apptest.Server, tok, method, path string, body any, hdr map[string]string, want int) map[string]any {
	t.Helper()
	return srv.Expect(t, apptest.Request{Method: method, Path: "/compute/v2.1" + path, Token: tok, Body: body, Headers: hdr}, want)
}

func TestImageProxy(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	ims := call(t, srv, tok, "GET", "/images", nil, nil, 200)["images"].([]any)
	if len(ims) != 1 || ims[0].(map[string]any)["id"] != image.CirrosID || len(ims[0].(map[string]any)["links"].([]any)) != 3 {
		t.Fatalf("images: %v", ims)
	}
	d := call(t, srv, tok, "GET", "/images/detail", nil, v235, 200)["images"].([]any)[0].(map[string]any)
	for k, want := range map[string]any{"status": "ACTIVE", "progress": float64(100), "name": "cirros", "minRam": float64(0)} {
		if d[k] != want {
			t.Errorf("detail %s = %v, want %v", k, d[k], want)
		}
	}
	if _, ok := d["OS-EXT-IMG-SIZE:size"]; !ok {
		t.Error("no OS-EXT-IMG-SIZE:size")
	}
	call(t, srv, tok, "GET", "/images/"+image.CirrosID, nil, nil, 200)
	call(t, srv, tok, "GET", "/images?name=nothing", nil, nil, 200)
	if got := call(t, srv, tok, "GET", "/images/cirros", nil, nil, 404)["itemNotFound"].(map[string]any)["message"]; got != "Image not found." {
		t.Errorf("404 message %v", got)
	}
	for _, p := range []string{"/images", "/images/detail", "/images/" + image.CirrosID} {
		call(t, srv, tok, "GET", p, nil, v236, 404)
	}
	call(t, srv, tok, "DELETE", "/images/"+image.CirrosID, nil, nil, 403)
}

func TestSecurityGroupProxies(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	gs := call(t, srv, tok, "GET", "/os-security-groups", nil, nil, 200)["security_groups"].([]any)
	if len(gs) != 1 || gs[0].(map[string]any)["name"] != "default" || len(gs[0].(map[string]any)["rules"].([]any)) != 2 {
		t.Fatalf("groups: %v", gs)
	}
	g := call(t, srv, tok, "POST", "/os-security-groups", map[string]any{"security_group": map[string]any{"name": "web", "description": "d"}}, nil, 200)["security_group"].(map[string]any)
	gid := g["id"].(string)
	if g["name"] != "web" || len(g["rules"].([]any)) != 0 {
		t.Errorf("created: %v", g)
	}
	call(t, srv, tok, "POST", "/os-security-groups", map[string]any{"security_group": map[string]any{"name": "x"}}, nil, 400)
	rule := call(t, srv, tok, "POST", "/os-security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": gid, "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.0/8"}}, nil, 200)["security_group_rule"].(map[string]any)
	if rule["ip_protocol"] != "tcp" || rule["from_port"] != float64(22) || rule["ip_range"].(map[string]any)["cidr"] != "10.0.0.0/8" {
		t.Errorf("rule: %v", rule)
	}
	call(t, srv, tok, "POST", "/os-security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": gid, "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.0/8"}}, nil, 400)
	call(t, srv, tok, "POST", "/os-security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": "9b2ff3d4-9c5a-4a8e-8a5a-2b0f1d5e6c7a", "ip_protocol": "tcp"}}, nil, 404)
	if got := call(t, srv, tok, "GET", "/os-security-groups/"+gid, nil, nil, 200)["security_group"].(map[string]any); len(got["rules"].([]any)) != 1 {
		t.Errorf("show: %v", got)
	}
	call(t, srv, tok, "PUT", "/os-security-groups/"+gid, map[string]any{"security_group": map[string]any{"name": "web2", "description": "d2"}}, nil, 200)
	call(t, srv, tok, "DELETE", "/os-security-group-rules/"+rule["id"].(string), nil, nil, 202)
	call(t, srv, tok, "DELETE", "/os-security-groups/"+gid, nil, nil, 202)
	call(t, srv, tok, "GET", "/os-security-groups/"+gid, nil, nil, 404)
	call(t, srv, tok, "GET", "/os-security-groups", nil, v236, 404)
	other, _ := srv.NewMember("other")
	call(t, srv, other, "GET", "/os-security-groups/"+gs[0].(map[string]any)["id"].(string), nil, nil, 404)
}

func TestFloatingIPAndNetworkProxies(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	pools := call(t, srv, tok, "GET", "/os-floating-ip-pools", nil, nil, 200)["floating_ip_pools"].([]any)
	if len(pools) != 1 || pools[0].(map[string]any)["name"] != "public" {
		t.Fatalf("pools: %v", pools)
	}
	f := call(t, srv, tok, "POST", "/os-floating-ips", map[string]any{"pool": "public"}, nil, 200)["floating_ip"].(map[string]any)
	if f["pool"] != "public" || f["instance_id"] != nil || f["ip"] == "" {
		t.Errorf("floating ip: %v", f)
	}
	call(t, srv, tok, "POST", "/os-floating-ips", map[string]any{"pool": "nope"}, nil, 404)
	if got := call(t, srv, tok, "GET", "/os-floating-ips", nil, nil, 200)["floating_ips"].([]any); len(got) != 1 {
		t.Errorf("list: %v", got)
	}
	call(t, srv, tok, "GET", "/os-floating-ips/"+f["id"].(string), nil, nil, 200)
	call(t, srv, tok, "DELETE", "/os-floating-ips/"+f["id"].(string), nil, nil, 202)
	call(t, srv, tok, "GET", "/os-floating-ips/"+f["id"].(string), nil, nil, 404)
	call(t, srv, tok, "GET", "/os-floating-ips", nil, v236, 404)

	nets := call(t, srv, tok, "GET", "/os-networks", nil, nil, 200)["networks"].([]any)
	labels := map[string]string{}
	for _, n := range nets {
		labels[n.(map[string]any)["label"].(string)] = n.(map[string]any)["id"].(string)
	}
	if labels["private"] == "" {
		t.Fatalf("networks: %v", nets)
	}
	call(t, srv, tok, "GET", "/os-networks/"+labels["private"], nil, nil, 200)
	call(t, srv, tok, "GET", "/os-networks/nope", nil, nil, 404)
	call(t, srv, tok, "GET", "/os-networks", nil, v236, 404)
}
