package app_test

import (
	"net/http"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// bundle is a running novalite with loops and the ids lifecycle tests need.
type bundle struct {
	srv   *apptest.Server
	admin string
	demo  string
	image string
}

func setup(t *testing.T, opts ...func(*config.Config)) *bundle {
	t.Helper()
	srv := apptest.Start(t, opts...)
	b := &bundle{srv: srv, admin: srv.AdminToken(), demo: srv.DemoToken()}
	imgs, _ := srv.Do("GET", "/image/v2/images", b.demo, nil, nil).JSON(t)["images"].([]any)
	if len(imgs) == 0 {
		t.Fatal("no bootstrap image")
	}
	b.image = imgs[0].(map[string]any)["id"].(string)
	return b
}

func (b *bundle) do(method, path, token string, body any) apptest.Response {
	return b.srv.Do(method, "/compute/v2.1"+path, token, body,
		map[string]string{"OpenStack-API-Version": "compute 2.100"})
}

func (b *bundle) create(t *testing.T, server map[string]any) string {
	t.Helper()
	s := map[string]any{"name": "vm", "imageRef": b.image, "flavorRef": "1", "networks": "auto"}
	for k, v := range server {
		s[k] = v
	}
	resp := b.do("POST", "/servers", b.demo, map[string]any{"server": s})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)["server"].(map[string]any)["id"].(string)
}

// wait polls the server (as admin) until done says so, or fails after a
// generous deadline; it returns the last view (nil once 404).
func (b *bundle) wait(t *testing.T, id string, what string, done func(s map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last map[string]any
	for {
		resp := b.do("GET", "/servers/"+id, b.admin, nil)
		switch resp.Status {
		case http.StatusOK:
			last = resp.JSON(t)["server"].(map[string]any)
		case http.StatusNotFound:
			last = nil
		default:
			t.Fatalf("show %s: %d %s", id, resp.Status, resp.Body)
		}
		if done(last) {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("server %s never became %s; last: %v", id, what, last)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func status(want string) func(map[string]any) bool {
	return func(s map[string]any) bool {
		return s != nil && s["status"] == want && s["OS-EXT-STS:task_state"] == nil
	}
}

func gone(s map[string]any) bool { return s == nil }

func TestCreateToActiveAndDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, nil)
	s := b.wait(t, id, "ACTIVE", status("ACTIVE"))
	for k, want := range map[string]any{"OS-EXT-STS:vm_state": "active", "OS-EXT-STS:power_state": float64(1),
		"OS-EXT-SRV-ATTR:host": "novalite-compute-1", "OS-EXT-SRV-ATTR:hypervisor_hostname": "novalite-compute-1",
		"OS-EXT-AZ:availability_zone": "nova", "host_status": "UP"} {
		if s[k] != want {
			t.Errorf("%s = %v, want %v", k, s[k], want)
		}
	}
	if s["OS-SRV-USG:launched_at"] == nil || s["hostId"] == "" {
		t.Errorf("launched_at %v, hostId %v: want set", s["OS-SRV-USG:launched_at"], s["hostId"])
	}
	if resp := b.do("DELETE", "/servers/"+id, b.demo, nil); resp.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	b.wait(t, id, "gone", gone)
	// Its ports went with it.
	ports := b.srv.Do("GET", "/network/v2.0/ports?device_id="+id, b.admin, nil, nil).JSON(t)["ports"].([]any)
	if len(ports) != 0 {
		t.Errorf("ports left after delete: %v", ports)
	}
}
