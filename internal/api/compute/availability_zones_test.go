package compute_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"novalite/internal/config"
)

func TestAvailabilityZones(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.Hosts = 2 })
	var got any
	resp := b.do("GET", "/os-availability-zone", b.demo, "2.1", nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("list: %d %s", resp.Status, resp.Body)
	}
	_ = json.Unmarshal(resp.Body, &got)
	want := map[string]any{"availabilityZoneInfo": []any{
		map[string]any{"zoneName": "nova", "zoneState": map[string]any{"available": true}, "hosts": nil}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("list (-want +got):\n%s", d)
	}
	if st, msg := fault(t, b.do("GET", "/os-availability-zone/detail", b.demo, "2.1", nil)); st != 403 ||
		msg != "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed." {
		t.Errorf("detail as member: %d %q", st, msg)
	}
	resp = b.do("GET", "/os-availability-zone/detail", b.admin, "2.1", nil)
	var detail struct {
		Info []struct {
			ZoneName  string
			ZoneState map[string]bool
			Hosts     map[string]map[string]struct {
				Available, Active bool
				UpdatedAt         *string `json:"updated_at"`
			}
		} `json:"availabilityZoneInfo"`
	}
	if err := json.Unmarshal(resp.Body, &detail); err != nil || len(detail.Info) != 2 {
		t.Fatalf("detail: %d %s", resp.Status, resp.Body)
	}
	internal, nova := detail.Info[0], detail.Info[1]
	if internal.ZoneName != "internal" || len(internal.Hosts["novalite-controller"]) != 2 {
		t.Errorf("internal zone = %+v", internal)
	}
	if nova.ZoneName != "nova" || len(nova.Hosts) != 2 {
		t.Fatalf("nova zone = %+v", nova)
	}
	svc := nova.Hosts["novalite-compute-2"]["nova-compute"]
	if !svc.Available || !svc.Active || svc.UpdatedAt == nil {
		t.Errorf("nova-compute of host 2 = %+v", svc)
	} else if _, err := time.Parse("2006-01-02T15:04:05.000000", *svc.UpdatedAt); err != nil {
		t.Errorf("updated_at %q: %v", *svc.UpdatedAt, err)
	}

	// Disabled hosts leave the zone listed as not available, last.
	if err := b.execSQL(`UPDATE compute_nodes SET disabled = $1`, true); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(b.do("GET", "/os-availability-zone", b.demo, "2.1", nil).Body, &got)
	want = map[string]any{"availabilityZoneInfo": []any{
		map[string]any{"zoneName": "nova", "zoneState": map[string]any{"available": false}, "hosts": nil}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("list with disabled hosts (-want +got):\n%s", d)
	}
	// ... and creating a server in it is refused.
	st, msg := fault(t, b.do("POST", "/servers", b.demo, "2.1", map[string]any{"server": map[string]any{
		"name": "x", "imageRef": b.image, "flavorRef": "1", "availability_zone": "nova"}}))
	if st != 400 || msg != "The requested availability zone is not available" {
		t.Errorf("create in disabled zone: %d %q", st, msg)
	}
}

func TestHostStatus(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vm", nil)
	b.launch(t, id)
	if err := b.execSQL(`UPDATE instances SET host = 'novalite-compute-1' WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	stale := time.Now().Add(-2 * time.Hour).UnixMicro() // past setup's service_down_time
	tests := []struct {
		name, update string
		args         []any
		want         string
		memberSees   bool
	}{
		{"up", `UPDATE compute_nodes SET heartbeat_at = $1`, []any{time.Now().UnixMicro()}, "UP", false},
		{"stale heartbeat", `UPDATE compute_nodes SET heartbeat_at = $1`, []any{stale}, "UNKNOWN", false},
		{"disabled", `UPDATE compute_nodes SET disabled = $1`, []any{true}, "MAINTENANCE", false},
		{"forced down", `UPDATE compute_nodes SET forced_down = $1`, []any{true}, "DOWN", false},
	}
	for _, tt := range tests { // in order: each adds to the previous state
		if err := b.execSQL(tt.update, tt.args...); err != nil {
			t.Fatal(err)
		}
		if got := b.show(t, b.admin, id, "2.16")["host_status"]; got != tt.want {
			t.Errorf("%s: host_status = %v, want %s", tt.name, got, tt.want)
		}
		if _, ok := b.show(t, b.demo, id, "2.16")["host_status"]; ok {
			t.Errorf("%s: member sees host_status", tt.name)
		}
	}
	if err := b.execSQL(`UPDATE instances SET host = 'unregistered' WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got := b.show(t, b.admin, id, "2.16")["host_status"]; got != "" {
		t.Errorf("unregistered host: host_status = %v, want \"\"", got)
	}
}
