package scheduler

import (
	"testing"

	"novalite"

	"novalite/internal/store"
)

func TestPlace(t *testing.T) {
	t.Parallel()
	big := novalite.Resources{VCPUs: 64, MemoryMB: 262144, DiskGB: 2048}
	small := novalite.Resources{VCPUs: 2, MemoryMB: 1024, DiskGB: 10}
	tiny := novalite.Resources{VCPUs: 1, MemoryMB: 512, DiskGB: 1}
	host := func(name, zone string, free novalite.Resources) Host {
		return Host{Name: name, Node: name, Zone: zone, Free: free, Enabled: true, Up: true}
	}
	down := host("c2", "nova", big)
	down.Up = false
	disabled := host("c2", "nova", big)
	disabled.Enabled = false
	tests := []struct {
		name   string
		hosts  []Host
		req    Request
		want   int
		reason string
	}{
		{"no hosts", nil, Request{Want: tiny}, -1, noCandidates},
		{"one host", []Host{host("c1", "nova", big)}, Request{Want: tiny}, 0, ""},
		{"most free RAM wins", []Host{host("c1", "nova", small), host("c2", "nova", big)}, Request{Want: tiny}, 1, ""},
		{"tie broken by name", []Host{host("c2", "nova", big), host("c1", "nova", big)}, Request{Want: tiny}, 1, ""},
		{"too big everywhere", []Host{host("c1", "nova", small)}, Request{Want: big}, -1, noCandidates},
		{"vcpus short", []Host{host("c1", "nova", novalite.Resources{VCPUs: 0, MemoryMB: 9999, DiskGB: 99})}, Request{Want: tiny}, -1, noCandidates},
		{"disk short", []Host{host("c1", "nova", novalite.Resources{VCPUs: 9, MemoryMB: 9999, DiskGB: 0})}, Request{Want: tiny}, -1, noCandidates},
		{"zone", []Host{host("c1", "nova", big), host("c2", "az2", small)}, Request{Zone: "az2", Want: tiny}, 1, ""},
		{"zone without hosts", []Host{host("c1", "nova", big)}, Request{Zone: "az2", Want: tiny}, -1, noCandidates},
		{"requested host", []Host{host("c1", "nova", big), host("c2", "nova", small)}, Request{Host: "c2", Want: tiny}, 1, ""},
		{"requested node", []Host{host("c1", "nova", big), host("c2", "nova", small)}, Request{Node: "c2", Want: tiny}, 1, ""},
		{"requested host full", []Host{host("c1", "nova", big), host("c2", "nova", small)}, Request{Host: "c2", Want: big}, -1, noCandidates},
		{"disabled host skipped", []Host{host("c1", "nova", small), disabled}, Request{Want: tiny}, 0, ""},
		{"affinity follows members", []Host{host("c1", "nova", small), host("c2", "nova", big)},
			Request{Want: tiny, Group: group("affinity", 1, "c1")}, 0, ""},
		{"affinity, first member anywhere", []Host{host("c1", "nova", small), host("c2", "nova", big)},
			Request{Want: tiny, Group: group("affinity", 1)}, 1, ""},
		{"affinity host full", []Host{host("c1", "nova", novalite.Resources{}), host("c2", "nova", big)},
			Request{Want: tiny, Group: group("affinity", 1, "c1")}, -1, notEnough},
		{"anti-affinity avoids members", []Host{host("c1", "nova", small), host("c2", "nova", big)},
			Request{Want: tiny, Group: group("anti-affinity", 1, "c2")}, 0, ""},
		{"anti-affinity, every host taken", []Host{host("c1", "nova", big)},
			Request{Want: tiny, Group: group("anti-affinity", 1, "c1")}, -1, notEnough},
		{"anti-affinity max_server_per_host 2", []Host{host("c1", "nova", big)},
			Request{Want: tiny, Group: group("anti-affinity", 2, "c1")}, 0, ""},
		{"same_host", []Host{host("c1", "nova", big), host("c2", "nova", small)},
			Request{Want: tiny, SameHost: map[string]bool{"c2": true}}, 1, ""},
		{"same_host of servers on no host", []Host{host("c1", "nova", big)},
			Request{Want: tiny, SameHost: map[string]bool{}}, -1, notEnough},
		{"different_host", []Host{host("c1", "nova", big), host("c2", "nova", small)},
			Request{Want: tiny, DifferentHost: map[string]bool{"c1": true}}, 1, ""},
		{"soft-affinity prefers members", []Host{host("c1", "nova", small), host("c2", "nova", big)},
			Request{Want: tiny, Group: group("soft-affinity", 1, "c1")}, 0, ""},
		{"soft-anti-affinity prefers others", []Host{host("c1", "nova", big), host("c2", "nova", small)},
			Request{Want: tiny, Group: group("soft-anti-affinity", 1, "c1")}, 1, ""},
		{"only a disabled host", []Host{disabled}, Request{Want: tiny}, -1, noCandidates},
		{"down host skipped", []Host{host("c1", "nova", small), down}, Request{Want: tiny}, 0, ""},
		{"only a down host", []Host{down}, Request{Want: tiny}, -1, notEnough},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, reason := place(tt.hosts, tt.req)
			if got != tt.want || reason != tt.reason {
				t.Errorf("Place = %d, %q; want %d, %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

// group is a server group of policy whose other members run on hosts.
func group(policy string, max int, hosts ...string) *store.ServerGroupPlacement {
	g := &store.ServerGroupPlacement{Policy: policy, MaxPerHost: max, Hosts: map[string]int{}}
	for _, h := range hosts {
		g.Hosts[h]++
	}
	return g
}
