package novalitetest

import (
	"encoding/json"
	"fmt"
	"time"
)

// The test cloud's knobs, through its control API (/novalite/v1, on in
// test clouds; docs/control-api.md).

// HostName is the name of the i-th simulated compute host (from 1).
func HostName(i int) string { return fmt.Sprintf("novalite-compute-%d", i) }

// Advance moves the cloud's clock d forward and runs its periodic jobs as
// if d had passed: soft-deleted servers past the reclaim interval go,
// resizes past the confirm window are confirmed, shelved servers are
// offloaded. Tokens are not affected.
func (c *Cloud) Advance(d time.Duration) {
	c.t.Helper()
	c.AdminDo(Request{Method: "POST", Path: "/novalite/v1/clock/advance", Body: map[string]any{"seconds": d.Seconds()}})
}

// SetHostDown marks host down (its agent stops heartbeating and working,
// as a crashed nova-compute: host_status UNKNOWN, os-services down, no
// new servers) or up again (it finishes what waited).
func (c *Cloud) SetHostDown(host string, down bool) {
	c.t.Helper()
	c.setHost(host, map[string]any{"down": down})
}

// SetHostFaults sets the fake driver knobs of every server on host (the
// fake:* metadata keys, e.g. "fake:fail_spawn": "disk on fire"); a
// server's own metadata wins. An empty map clears them.
func (c *Cloud) SetHostFaults(host string, knobs map[string]string) {
	c.t.Helper()
	if knobs == nil {
		knobs = map[string]string{}
	}
	c.setHost(host, map[string]any{"fake_knobs": knobs})
}

// SetHostCapacity changes host's vCPUs, RAM (MiB) and disk (GiB).
func (c *Cloud) SetHostCapacity(host string, size Size) {
	c.t.Helper()
	c.setHost(host, map[string]any{"vcpus": size.VCPUs, "memory_mb": size.RAMMB, "disk_gb": size.DiskGB})
}

// SetHostZone moves host to availability zone zone.
func (c *Cloud) SetHostZone(host, zone string) {
	c.t.Helper()
	c.setHost(host, map[string]any{"zone": zone})
}

func (c *Cloud) setHost(host string, change map[string]any) {
	c.t.Helper()
	c.AdminDo(Request{Method: "PATCH", Path: "/novalite/v1/hosts/" + host, Body: map[string]any{"host": change}})
}

// Export returns the cloud's state as JSON (docs/control-api.md): its
// projects, users, flavors, images' records, networks, servers and the
// rest, with their ids. Import it into a cloud of the same engine.
func (c *Cloud) Export() []byte {
	c.t.Helper()
	var st json.RawMessage
	c.AdminDo(Request{Method: "GET", Path: "/novalite/v1/state", Out: &st})
	return st
}

// Import replaces the cloud's state with one Export returned (by this
// cloud or another of the same engine). Tokens of users it keeps stay
// valid.
func (c *Cloud) Import(state []byte) {
	c.t.Helper()
	c.AdminDo(Request{Method: "PUT", Path: "/novalite/v1/state", Body: json.RawMessage(state)})
	c.refreshDefaults()
}

// Reset brings the cloud back to its state right after bootstrap: for
// suites that share one cloud between tests.
func (c *Cloud) Reset() {
	c.t.Helper()
	c.AdminDo(Request{Method: "POST", Path: "/novalite/v1/reset"})
	c.refreshDefaults()
}

// refreshDefaults forgets the tokens (the users may be others now) and
// finds the default flavor, image and network again; a state without
// them leaves their ids empty.
func (c *Cloud) refreshDefaults() {
	c.t.Helper()
	c.mu.Lock()
	clear(c.tokens)
	c.mu.Unlock()
	c.FlavorID, c.ImageID, c.NetworkID = "", "", ""
	_ = c.findDefaults()
}
