package scheduler

import (
	"sort"

	"novalite"

	"novalite/internal/store"
)

// Host is a candidate host as placement sees it.
type Host struct {
	Name, Node, Zone string
	Free             novalite.Resources
	Enabled          bool // not disabled by an operator
	Up               bool // recent heartbeat and not forced down
}

// Request is what one server asks of placement.
type Request struct {
	Zone       string // "" = any
	Host, Node string // requested destination, "" = any
	Want       novalite.Resources
	// Group is the server group's policy and its members' hosts (nil:
	// no group): Nova's (anti-)affinity filters and soft weighers.
	Group *store.ServerGroupPlacement
	// SameHost and DifferentHost are the hosts of the servers named by
	// the same_host and different_host hints (nil: no hint).
	SameHost, DifferentHost map[string]bool
}

// Nova's NoValidHost reasons (nova/exception.py, NoValidHost: "No valid
// host was found. %(reason)s"): placement returning no candidate gives an
// empty reason; filters rejecting every candidate give the second one.
const (
	noCandidates = "No valid host was found. "
	notEnough    = "No valid host was found. There are not enough hosts available."
)

// place picks the host for r among hosts and returns its index, or -1
// and Nova's fault message. Placement (resources, zone, requested host,
// enabled) comes first, then the liveness filter; among the survivors the
// host with the most free RAM wins (Nova's default RAM weigher spreads),
// ties broken by fewest vCPUs used then by name so that the choice is
// deterministic.
func place(hosts []Host, r Request) (int, string) {
	var cands []int
	for i, h := range hosts {
		if h.Enabled && fits(h.Free, r.Want) && (r.Zone == "" || h.Zone == r.Zone) &&
			(r.Host == "" || h.Name == r.Host) && (r.Node == "" || h.Node == r.Node) {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return -1, noCandidates
	}
	up := cands[:0]
	for _, i := range cands {
		if hosts[i].Up && groupAllows(r.Group, hosts[i].Name) && hintsAllow(r, hosts[i].Name) {
			up = append(up, i)
		}
	}
	if len(up) == 0 {
		return -1, notEnough
	}
	sort.SliceStable(up, func(a, b int) bool {
		ha, hb := hosts[up[a]], hosts[up[b]]
		if w := groupWeight(r.Group, ha.Name) - groupWeight(r.Group, hb.Name); w != 0 {
			return w > 0
		}
		if ha.Free.MemoryMB != hb.Free.MemoryMB {
			return ha.Free.MemoryMB > hb.Free.MemoryMB
		}
		if ha.Free.VCPUs != hb.Free.VCPUs {
			return ha.Free.VCPUs > hb.Free.VCPUs
		}
		return ha.Name < hb.Name
	})
	return up[0], ""
}

func fits(free, want novalite.Resources) bool {
	return want.VCPUs <= free.VCPUs && want.MemoryMB <= free.MemoryMB && want.DiskGB <= free.DiskGB
}

// groupAllows is Nova's ServerGroupAffinityFilter and
// ServerGroupAntiAffinityFilter: with affinity, only a host that already
// runs members (any host for the first); with anti-affinity, only hosts
// with fewer than max_server_per_host members.
func groupAllows(g *store.ServerGroupPlacement, host string) bool {
	if g == nil {
		return true
	}
	switch g.Policy {
	case "affinity":
		return len(g.Hosts) == 0 || g.Hosts[host] > 0
	case "anti-affinity":
		return g.Hosts[host] < g.MaxPerHost
	}
	return true
}

// groupWeight is the soft policies' weigher: soft-affinity prefers hosts
// with more members, soft-anti-affinity fewer.
func groupWeight(g *store.ServerGroupPlacement, host string) int {
	if g == nil {
		return 0
	}
	switch g.Policy {
	case "soft-affinity":
		return g.Hosts[host]
	case "soft-anti-affinity":
		return -g.Hosts[host]
	}
	return 0
}

// hintsAllow is DevStack's SameHostFilter and DifferentHostFilter.
func hintsAllow(r Request, host string) bool {
	if r.SameHost != nil && !r.SameHost[host] {
		return false
	}
	return !r.DifferentHost[host]
}
