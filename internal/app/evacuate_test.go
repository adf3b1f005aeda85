package app_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"novalite/internal/agent"
	"novalite/internal/virt"
	"novalite/internal/virt/fake"
)

// TestReturningHostDestroysEvacuatedGuests evacuates a server from a
// host that is down, then starts that host's agent again with a driver
// that still runs the guest (a host that was only cut off): the agent
// destroys it instead of resurrecting it, and closes the evacuation as
// Nova's _destroy_evacuated_instances does.
func TestReturningHostDestroysEvacuatedGuests(t *testing.T) {
	t.Parallel()
	b, id, from := bootOnTwoHosts(t)

	svcs := b.do("GET", "/os-services?binary=nova-compute&host="+from, b.admin, nil).JSON(t)["services"].([]any)
	svc := svcs[0].(map[string]any)["id"].(string)
	if r := b.do("PUT", "/os-services/"+svc, b.admin, map[string]any{"forced_down": true}); r.Status != http.StatusOK {
		t.Fatalf("force down: %d %s", r.Status, r.Body)
	}
	if got := b.do("GET", "/servers/"+id, b.admin, nil).JSON(t)["server"].(map[string]any)["host_status"]; got != "DOWN" {
		t.Errorf("host_status of a server on a forced-down host: %v, want DOWN", got)
	}
	if r := b.do("POST", "/servers/"+id+"/action", b.admin, map[string]any{"evacuate": map[string]any{}}); r.Status != http.StatusOK {
		t.Fatalf("evacuate: %d %s", r.Status, r.Body)
	}
	b.wait(t, id, "ACTIVE elsewhere", func(s map[string]any) bool { return status("ACTIVE")(s) && s["OS-EXT-SRV-ATTR:host"] != from })

	ctx := context.Background()
	d := fake.New(fake.Config{})
	if err := d.Spawn(ctx, virt.Instance{ID: id}); err != nil {
		t.Fatal(err)
	}
	ag := agent.New(b.srv.App.DB, agent.Options{Host: from, DriverName: "fake", Driver: d})
	for _, want := range []int{1, 0} { // the second start finds nothing left
		n, err := ag.DestroyEvacuated(ctx)
		if err != nil || n != want {
			t.Fatalf("DestroyEvacuated: %d, %v; want %d", n, err, want)
		}
	}
	if _, err := d.State(ctx, virt.Instance{ID: id}); !errors.Is(err, virt.ErrNotFound) {
		t.Errorf("the evacuated guest still runs on %s: %v", from, err)
	}
	migs := b.do("GET", "/os-migrations?instance_uuid="+id, b.admin, nil).JSON(t)["migrations"].([]any)
	if len(migs) != 1 || migs[0].(map[string]any)["status"] != "completed" {
		t.Errorf("migrations after the host came back: %v, want one completed evacuation", migs)
	}
	if got := b.do("GET", "/servers/"+id, b.admin, nil).JSON(t)["server"].(map[string]any); got["status"] != "ACTIVE" || got["OS-EXT-SRV-ATTR:host"] == from {
		t.Errorf("server after its old host came back: %v on %v", got["status"], got["OS-EXT-SRV-ATTR:host"])
	}
}
