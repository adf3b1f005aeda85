package compute_test

import (
	"fmt"
	"slices"
	"testing"

	"novalite/internal/app/apptest"
	"novalite/internal/compute"
	"novalite/internal/config"
	"novalite/internal/virt/fake"
)

// Extending an attached volume, as Cinder and Nova do it together: the
// in-use extend is refused below volume 3.42, accepted from it; Cinder
// then sends Nova volume-extended, which records an extend_volume action
// with its compute event and tells the guest the new size. The external
// events API delivers the same event.
func TestExtendAttachedVolume(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.NoLoops, c.Hosts = false, 1 })
	vol := b.vol(t, b.demo, map[string]any{"size": 1})
	id := b.create(t, b.demo, "vm", nil)
	b.waitStatus(t, id, "ACTIVE")
	if r := b.do("POST", "/servers/"+id+"/os-volume_attachments", b.demo, "2.1",
		map[string]any{"volumeAttachment": map[string]any{"volumeId": vol}}); r.Status != 200 {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	}
	steps := []struct {
		name, mv string
		size     int
		status   int
		message  string // Cinder's badRequest message
	}{
		{"in-use before 3.42", "3.41", 2, 400,
			"Invalid volume: Volume " + vol + " status must be '{'status': 'available'}' to extend, currently in-use."},
		{"not larger", "3.42", 1, 400,
			"Invalid input received: New size for extend must be greater than current size. (current: 1, extended: 1)."},
		{"in-use at 3.42", "3.42", 2, 202, ""},
	}
	for _, s := range steps {
		r := b.srv.Do(apptest.Request{Method: "POST", Path: "/volume/v3/volumes/" + vol + "/action", Token: b.demo,
			Headers: map[string]string{"OpenStack-API-Version": "volume " + s.mv},
			Body:    map[string]any{"os-extend": map[string]any{"new_size": s.size}}})
		if r.Status != s.status {
			t.Fatalf("%s: %d %s, want %d", s.name, r.Status, r.Body, s.status)
		}
		if s.message != "" {
			if got := r.JSON(t)["badRequest"].(map[string]any)["message"]; got != s.message {
				t.Errorf("%s: message %q, want %q", s.name, got, s.message)
			}
		}
	}
	if v := b.volume(t, b.demo, vol); v["size"] != float64(2) || v["status"] != "in-use" {
		t.Errorf("volume after extend: size %v status %v, want 2 in-use", v["size"], v["status"])
	}
	if got := b.guestSize(t, id, vol); got != 2<<30 {
		t.Errorf("guest told size %d, want %d", got, 2<<30)
	}
	if got := b.extendEvents(t, id); !slices.Equal(got, []string{"compute_extend_volume/Success"}) {
		t.Errorf("extend_volume actions' events %v, want one compute_extend_volume/Success", got)
	}
	// Nova's own door: the event as Cinder posts it, tag the volume.
	r := b.do("POST", "/os-server-external-events", b.admin, "2.51", map[string]any{"events": []any{
		map[string]any{"server_uuid": id, "name": "volume-extended", "tag": vol}}})
	if r.Status != 200 {
		t.Fatalf("external event: %d %s", r.Status, r.Body)
	}
	// A volume the server does not have: the action is recorded, its
	// compute event fails (Nova's compute finds no mapping).
	other := b.vol(t, b.demo, map[string]any{"size": 1})
	r = b.do("POST", "/os-server-external-events", b.admin, "2.51", map[string]any{"events": []any{
		map[string]any{"server_uuid": id, "name": "volume-extended", "tag": other}}})
	if r.Status != 200 {
		t.Fatalf("external event, volume not attached: %d %s", r.Status, r.Body)
	}
	want := []string{"compute_extend_volume/Error", "compute_extend_volume/Success", "compute_extend_volume/Success"}
	if got := b.extendEvents(t, id); !slices.Equal(got, want) {
		t.Errorf("extend_volume actions' events (newest first) %v, want %v", got, want)
	}
}

// guestSize is the size the fake driver's guest was told a volume has.
func (b *testBundle) guestSize(t *testing.T, id, vol string) int64 {
	t.Helper()
	host := b.do("GET", "/servers/"+id, b.admin, "2.1", nil).JSON(t)["server"].(map[string]any)["OS-EXT-SRV-ATTR:host"].(string)
	d, ok := b.srv.App.Compute.VolumeHosts.(compute.LocalConsoles)[host].(*fake.Driver)
	if !ok {
		t.Fatalf("no fake driver for host %q", host)
	}
	return d.VolumeSize(id, vol)
}

// extendEvents are the events of the server's extend_volume actions,
// as event/result, newest action first.
func (b *testBundle) extendEvents(t *testing.T, id string) []string {
	t.Helper()
	var out []string
	for _, a := range b.do("GET", "/servers/"+id+"/os-instance-actions", b.demo, "2.51", nil).JSON(t)["instanceActions"].([]any) {
		a := a.(map[string]any)
		if a["action"] != "extend_volume" {
			continue
		}
		one := b.do("GET", "/servers/"+id+"/os-instance-actions/"+a["request_id"].(string), b.demo, "2.51", nil).JSON(t)
		for _, e := range one["instanceAction"].(map[string]any)["events"].([]any) {
			e := e.(map[string]any)
			out = append(out, fmt.Sprint(e["event"], "/", e["result"]))
		}
	}
	return out
}
