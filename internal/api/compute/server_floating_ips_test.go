package compute_test

import (
	"net/http"
	"testing"

	"novalite/internal/app/apptest"
)

func TestAddRemoveFloatingIP(t *testing.T) {
	b := setup(t)
	private := b.networkID(t, "private")
	public := b.networkID(t, "public")
	id := b.create(t, b.demo, "vm-fip", map[string]any{"networks": []any{map[string]any{"uuid": private}}})
	b.launch(t, id)
	resp := b.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/floatingips", Token: b.demo,
		Body: map[string]any{"floatingip": map[string]any{"floating_network_id": public}}})
	if resp.Status != http.StatusCreated {
		t.Fatalf("floating ip: %d %s", resp.Status, resp.Body)
	}
	addr := resp.JSON(t)["floatingip"].(map[string]any)["floating_ip_address"].(string)

	if r := b.do("POST", "/servers/"+id+"/action", b.demo, "2.43",
		map[string]any{"addFloatingIp": map[string]any{"address": addr}}); r.Status != http.StatusAccepted {
		t.Fatalf("addFloatingIp: %d %s", r.Status, r.Body)
	}
	found := false
	for _, a := range b.show(t, b.demo, id, "2.1")["addresses"].(map[string]any)["private"].([]any) {
		ad := a.(map[string]any)
		found = found || (ad["addr"] == addr && ad["OS-EXT-IPS:type"] == "floating")
	}
	if !found {
		t.Errorf("floating address %s not in the server's addresses", addr)
	}
	if r := b.do("POST", "/servers/"+id+"/action", b.demo, "2.44",
		map[string]any{"addFloatingIp": map[string]any{"address": addr}}); r.Status != http.StatusNotFound {
		t.Errorf("addFloatingIp at 2.44: %d, want 404", r.Status)
	}
	if r := b.do("POST", "/servers/"+id+"/action", b.demo, "2.1",
		map[string]any{"removeFloatingIp": map[string]any{"address": addr}}); r.Status != http.StatusAccepted {
		t.Fatalf("removeFloatingIp: %d %s", r.Status, r.Body)
	}
	code, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, "2.1",
		map[string]any{"removeFloatingIp": map[string]any{"address": addr}}))
	if code != http.StatusConflict || msg != "Floating IP "+addr+" is not associated with instance "+id+"." {
		t.Errorf("second remove: %d %q", code, msg)
	}
	if code, _ := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, "2.1",
		map[string]any{"addFloatingIp": map[string]any{"address": "203.0.113.9"}})); code != http.StatusNotFound {
		t.Errorf("unknown address: %d, want 404", code)
	}
}
