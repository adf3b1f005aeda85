package compute_test

import (
	"fmt"
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

// Found by Tempest (docs/compatibility.md): behaviour its tests check.

// test_create_server.ServersTestJSON.test_verify_server_details: Nova keeps
// access IPs as address objects, so they come back in canonical form.
func TestAccessIPsCanonical(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "acc", map[string]any{
		"accessIPv4": "1.1.1.1", "accessIPv6": "0000:0000:0000:0000:0000:babe:220.12.22.2"})
	s := b.show(t, b.demo, id, "2.1")
	if s["accessIPv4"] != "1.1.1.1" || s["accessIPv6"] != "::babe:dc0c:1602" {
		t.Fatalf("after create: accessIPv4 %v accessIPv6 %v", s["accessIPv4"], s["accessIPv6"])
	}
	resp := b.do("PUT", "/servers/"+id, b.demo, "2.1",
		map[string]any{"server": map[string]any{"accessIPv6": "2001:DB8:0:0:0:0:0:1"}})
	if resp.Status != http.StatusOK {
		t.Fatalf("update: %d %s", resp.Status, resp.Body)
	}
	if got := resp.JSON(t)["server"].(map[string]any)["accessIPv6"]; got != "2001:db8::1" {
		t.Fatalf("after update: accessIPv6 %v", got)
	}
	b.launch(t, id)
	resp = b.do("POST", "/servers/"+id+"/action", b.demo, "2.1", map[string]any{"rebuild": map[string]any{
		"imageRef": b.image, "accessIPv4": "10.0.0.1", "accessIPv6": "2001:0DB8:0000::0002"}})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("rebuild: %d %s", resp.Status, resp.Body)
	}
	if got := resp.JSON(t)["server"].(map[string]any)["accessIPv6"]; got != "2001:db8::2" {
		t.Errorf("rebuild's answer: accessIPv6 %v", got)
	}
	if got := b.show(t, b.demo, id, "2.1")["accessIPv6"]; got != "2001:db8::2" {
		t.Errorf("after rebuild: accessIPv6 %v", got)
	}
}

// security_groups.test_security_group_rules(_negative): the proxy keeps the
// rule's CIDR as given (Neutron does) and, like Nova, wants group ids that
// look like UUIDs (400 "Security group id should be uuid").
func TestSecurityGroupRuleProxyTempest(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	g := call(t, srv, tok, "POST", "/os-security-groups", map[string]any{"security_group": map[string]any{"name": "web", "description": "d"}}, nil, 200)["security_group"].(map[string]any)
	gid := g["id"].(string)
	rule := call(t, srv, tok, "POST", "/os-security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": gid, "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.2.3.124/24"}}, nil, 200)["security_group_rule"].(map[string]any)
	if got := rule["ip_range"].(map[string]any)["cidr"]; got != "10.2.3.124/24" {
		t.Errorf("cidr %v, want 10.2.3.124/24", got)
	}
	// The same rule with the host bits cleared is a duplicate (Neutron compares normalized CIDRs).
	call(t, srv, tok, "POST", "/os-security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": gid, "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.2.3.0/24"}}, nil, 400)
	for _, bad := range []map[string]any{
		{"parent_group_id": "tempest-non_int_id-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22},
		{"parent_group_id": 1234, "ip_protocol": "tcp", "from_port": 22, "to_port": 22},
		{"parent_group_id": gid, "group_id": "nope", "ip_protocol": "tcp", "from_port": 23, "to_port": 23},
	} {
		resp := srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/os-security-group-rules", Token: tok, Body: map[string]any{"security_group_rule": bad}})
		if code, msg := fault(t, resp); code != http.StatusBadRequest || msg != "Security group id should be uuid" {
			t.Errorf("%v: %d %q", bad, code, msg)
		}
	}
}

// images.test_image_metadata(_negative): Nova's image metadata proxy (≤2.38)
// over the image's custom properties.
func TestImageMetadataProxy(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	resp := srv.Do(apptest.Request{Method: "POST", Path: "/image/v2/images", Token: tok, Body: map[string]any{"name": "md", "container_format": "bare",
		"disk_format": "raw", "visibility": "private"}})
	if resp.Status != http.StatusCreated {
		t.Fatalf("create image: %d %s", resp.Status, resp.Body)
	}
	id := resp.JSON(t)["id"].(string)
	base := "/images/" + id + "/metadata"
	md := func() map[string]any {
		return call(t, srv, tok, "GET", base, nil, nil, 200)["metadata"].(map[string]any)
	}
	call(t, srv, tok, "PUT", base, map[string]any{"metadata": map[string]any{"os_version": "value1", "os_distro": "value2"}}, nil, 200)
	if got := md(); len(got) != 2 || got["os_version"] != "value1" || got["os_distro"] != "value2" {
		t.Fatalf("after PUT: %v", got)
	}
	got := call(t, srv, tok, "POST", base, map[string]any{"metadata": map[string]any{"os_version": "alt1", "architecture": "value3"}}, nil, 200)["metadata"].(map[string]any)
	if len(got) != 3 || got["os_version"] != "alt1" || got["os_distro"] != "value2" {
		t.Errorf("after POST: %v", got)
	}
	call(t, srv, tok, "PUT", base, map[string]any{"metadata": map[string]any{"os_version": "value2", "architecture": "value3"}}, nil, 200)
	if got := md(); len(got) != 2 || got["os_distro"] != nil {
		t.Errorf("after replace: %v", got)
	}
	if m := call(t, srv, tok, "GET", base+"/architecture", nil, nil, 200)["meta"].(map[string]any); m["architecture"] != "value3" {
		t.Errorf("show item: %v", m)
	}
	call(t, srv, tok, "PUT", base+"/os_version", map[string]any{"meta": map[string]any{"os_version": "alt"}}, nil, 200)
	call(t, srv, tok, "PUT", base+"/os_version", map[string]any{"meta": map[string]any{"other": "x"}}, nil, 400)
	call(t, srv, tok, "DELETE", base+"/architecture", nil, nil, 204)
	if got := md(); len(got) != 1 || got["os_version"] != "alt" {
		t.Errorf("after item writes: %v", got)
	}
	call(t, srv, tok, "DELETE", base+"/architecture", nil, nil, 404)
	call(t, srv, tok, "GET", base+"/nope", nil, nil, 404)
	call(t, srv, tok, "GET", "/images/9b2ff3d4-9c5a-4a8e-8a5a-2b0f1d5e6c7a/metadata", nil, nil, 404)
	call(t, srv, tok, "GET", base, nil, map[string]string{"X-OpenStack-Nova-API-Version": "2.39"}, 404)
}

// test_tenant_networks: /os-tenant-networks (≤2.35), Nova's network_dict.
func TestTenantNetworksProxy(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	nets := call(t, srv, tok, "GET", "/os-tenant-networks", nil, nil, 200)["networks"].([]any)
	var private map[string]any
	for _, n := range nets {
		if m := n.(map[string]any); m["label"] == "private" {
			private = m
		}
	}
	if private == nil || private["cidr"] != "None" || len(private) != 3 {
		t.Fatalf("networks: %v", nets)
	}
	got := call(t, srv, tok, "GET", "/os-tenant-networks/"+private["id"].(string), nil, nil, 200)["network"].(map[string]any)
	if got["id"] != private["id"] || got["label"] != "private" {
		t.Errorf("show: %v", got)
	}
	if msg := call(t, srv, tok, "GET", "/os-tenant-networks/nope", nil, nil, 404)["itemNotFound"].(map[string]any)["message"]; msg != "Network not found" {
		t.Errorf("404 message %v", msg)
	}
	call(t, srv, tok, "GET", "/os-tenant-networks", nil, v236, 404)
}

// security_groups.test_security_groups_negative: Nova validates group and
// rule ids in the URL (validate_id) before looking them up: 400 for a
// non-UUID, 404 for an unknown UUID.
func TestSecurityGroupProxyIDs(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	body := map[string]any{"security_group": map[string]any{"name": "n", "description": "d"}}
	unknown := "9b2ff3d4-9c5a-4a8e-8a5a-2b0f1d5e6c7a"
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/os-security-groups/%s", nil},
		{"PUT", "/os-security-groups/%s", body},
		{"DELETE", "/os-security-groups/%s", nil},
		{"DELETE", "/os-security-group-rules/%s", nil},
	} {
		resp := srv.Do(apptest.Request{Method: tc.method, Path: "/compute/v2.1" + fmt.Sprintf(tc.path, "tempest-sg-1"), Token: tok, Body: tc.body})
		if code, msg := fault(t, resp); code != http.StatusBadRequest || msg != "Security group id should be uuid" {
			t.Errorf("%s %s non-UUID: %d %q", tc.method, tc.path, code, msg)
		}
		resp = srv.Do(apptest.Request{Method: tc.method, Path: "/compute/v2.1" + fmt.Sprintf(tc.path, unknown), Token: tok, Body: tc.body})
		if resp.Status != http.StatusNotFound {
			t.Errorf("%s %s unknown: %d %s", tc.method, tc.path, resp.Status, resp.Body)
		}
	}
	// An unknown group is a 404 even with a bad body: the look-up comes first.
	call(t, srv, tok, "PUT", "/os-security-groups/"+unknown, map[string]any{"security_group": map[string]any{"name": "n"}}, nil, 404)
}
