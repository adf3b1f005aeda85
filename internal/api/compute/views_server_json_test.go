package compute

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"novalite"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
)

// TestServerDetailSortedAndMarshalled: for servers of every shape, at every
// microversion and with every view option, the written view is JSON whose
// members are sorted and whose bytes are json.Marshal's for the same
// values — what WriteJSON gave when views were maps.
func TestServerDetailSortedAndMarshalled(t *testing.T) {
	a := New(Services{}, "/compute", func(*http.Request) string { return "" })
	now := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	str := func(s string) *string { return &s }
	base := novalite.Server{ID: "00000000-0000-4000-8000-000000000001", Name: "vm <1> & \"q\"", ProjectID: "p1",
		UserID: "u1", ImageRef: "img", VMState: novalite.VMActive, PowerState: novalite.PowerRunning,
		CreatedAt: now, UpdatedAt: now, Flavor: novalite.FlavorSnapshot{ID: "42", Name: "m1.nano", VCPUs: 1, MemoryMB: 128, RootGB: 1}}
	full := base
	full.Host, full.Node, full.AvailabilityZone, full.LaunchedAt, full.TerminatedAt = "h1", "h1", "nova", now, now
	full.Metadata = map[string]string{"b": "2", "a": "1 é"}
	full.Tags, full.TrustedCerts = []string{"t1", "t2"}, []string{"c1"}
	full.KeyName, full.Description, full.LockedReason, full.UserData = str("k"), str("d"), str("why"), str("aGk=")
	full.SchedulerHints = novalite.SchedulerHints{Group: []string{"g1"}}
	full.ImageProperties = map[string]string{"os": "linux"}
	full.Flavor.ExtraSpecs = map[string]string{"hw:cpu": "1"}
	full.Volumes = []novalite.BlockDeviceMapping{{VolumeID: "v1", DeleteOnTermination: true}, {VolumeID: "v2"}}
	full.ServerGroup, full.PinnedAZ, full.RootDeviceName, full.ReservationID = "sg1", "az1", "/dev/vda", "r-1"
	full.Locked, full.ConfigDrive, full.AutoDiskConfig, full.Progress, full.TaskState = true, true, true, 40, "rebooting"
	errored := base
	errored.VMState = novalite.VMError
	errored.ImageRef = ""
	errored.Fault = &novalite.Fault{Code: 500, Message: "boom", Details: "trace", Created: now}
	building := full
	building.VMState = novalite.VMBuilding
	addrs := []compute.ServerAddress{{Network: "zeta", Version: 4, Addr: "10.0.0.5", Type: "fixed", MAC: "fa:16:3e:00:00:01"},
		{Network: "alpha", Version: 6, Addr: "fd00::5", Type: "fixed", MAC: "fa:16:3e:00:00:02"},
		{Network: "zeta", Version: 4, Addr: "172.24.4.9", Type: "floating", MAC: "fa:16:3e:00:00:01"}}
	servers := []compute.ServerInfo{{Server: base}, {Server: full, Addresses: addrs, SecurityGroups: []string{"default", "web"}, HostStatus: "UP"},
		{Server: errored, HostStatus: "UNKNOWN"}, {Server: building, Addresses: addrs, SecurityGroups: []string{}}}
	views := []serverView{{}, {full: true}, {full: true, extended: true, extraSpecs: true, hostStatus: 2, admin: true, serverGroups: true},
		{full: true, extended: true, hostStatus: 1, noUserData: true, rebuild: true, adminPass: "pw"}, {extended: true, rebuild: true}}
	r := httptest.NewRequest("GET", "http://127.0.0.1:8774/compute/v2.1/servers/detail", nil)
	r = r.WithContext(context.WithValue(r.Context(), keyReq, reqInfo{}))
	for minor := 1; minor <= microversion.Max.Minor; minor++ {
		for si, s := range servers {
			for vi, o := range views {
				o.mv = microversion.Version{Major: 2, Minor: minor}
				got := a.appendServerDetail(nil, r, s, o)
				var m map[string]any
				if err := json.Unmarshal(got, &m); err != nil {
					t.Fatalf("2.%d server %d view %d: not JSON: %v\n%s", minor, si, vi, err, got)
				}
				want, _ := json.Marshal(m)
				if !bytes.Equal(got, want) {
					t.Fatalf("2.%d server %d view %d:\n got %s\nwant %s", minor, si, vi, got, want)
				}
			}
		}
	}
}

// TestServerDetailsMemo: a page of servers with view memos (as the view
// cache's hand them out) is written byte for byte as without them, the
// first time (memos filled) and the next ones (memos copied), when the
// hosts' status changed in between, and with another view (microversion,
// policy, links) of the same servers in between.
func TestServerDetailsMemo(t *testing.T) {
	a := New(Services{}, "/compute", func(*http.Request) string { return "" })
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var page []*compute.ServerInfo
	for i, st := range []string{"UP", "UNKNOWN", "", "DOWN"} {
		v := novalite.Server{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("vm-%d", i), ProjectID: "p1",
			UserID: "u1", ImageRef: "img", VMState: novalite.VMActive, Host: "h1", CreatedAt: now, UpdatedAt: now,
			Metadata: map[string]string{"i": fmt.Sprint(i)}, Flavor: novalite.FlavorSnapshot{ID: "42", Name: "m1.nano"}}
		page = append(page, &compute.ServerInfo{Server: v, HostStatus: st})
	}
	withMemos := func(list []*compute.ServerInfo, memos []*compute.ViewMemo) []*compute.ServerInfo {
		out := make([]*compute.ServerInfo, len(list))
		for i, v := range list {
			c := *v
			c.Memo = memos[i]
			out[i] = &c
		}
		return out
	}
	memos := []*compute.ViewMemo{new(compute.ViewMemo), new(compute.ViewMemo), nil, new(compute.ViewMemo)}
	views := []serverView{{full: true}, {full: true, extended: true, extraSpecs: true, hostStatus: 2, admin: true},
		{full: true, hostStatus: 1}}
	for _, host := range []string{"http://127.0.0.1:8774", "http://api.example:8774"} {
		r := httptest.NewRequest("GET", host+"/compute/v2.1/servers/detail", nil)
		r = r.WithContext(context.WithValue(r.Context(), keyReq, reqInfo{}))
		for _, minor := range []int{1, 16, 47, 100} {
			for vi, o := range views {
				o.mv = microversion.Version{Major: 2, Minor: minor}
				for round, status := range []string{"UP", "UNKNOWN", "MAINTENANCE"} {
					page[0].HostStatus = status
					want := a.appendServerDetails(nil, r, page, o)
					got := a.appendServerDetails(nil, r, withMemos(page, memos), o)
					if !bytes.Equal(got, want) {
						t.Fatalf("%s 2.%d view %d round %d:\n got %s\nwant %s", host, minor, vi, round, got, want)
					}
				}
			}
		}
	}
	if _, _, ok := memos[0].Get(nil); ok {
		t.Fatal("a memo answered for another key")
	}
}

// GET /servers' index views are the bytes json.Marshal gives for the
// {"id", "name", "links"} maps Nova's view builds.
func TestServerBriefsMarshalled(t *testing.T) {
	a := New(Services{}, "/compute", func(*http.Request) string { return "" })
	r := httptest.NewRequest("GET", "http://127.0.0.1:8774/compute/v2.1/servers", nil)
	r = r.WithContext(context.WithValue(r.Context(), keyReq, reqInfo{}))
	for _, names := range [][]string{nil, {"vm-1"}, {"vm <1> & \"q\"", "", "größe 名前 🚀 \u2028\\", "a\x00\n\tb", "\xff"}} {
		list := make([]*compute.ServerInfo, len(names))
		want := make([]map[string]any, len(names))
		for i, n := range names {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			list[i] = &compute.ServerInfo{}
			list[i].ID, list[i].Name = id, n
			want[i] = map[string]any{"id": id, "name": n, "links": a.links(r, "servers", id)}
		}
		got := a.appendServerBriefs(nil, r, list)
		wantJSON, _ := json.Marshal(want)
		if !bytes.Equal(got, wantJSON) {
			t.Errorf("%q:\n got %s\nwant %s", names, got, wantJSON)
		}
	}
}
