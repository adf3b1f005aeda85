//go:build guests

package cli_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
)

// TestGuestFigures prints the figures for 1 and 10 guests
// booted at once: POST → ACTIVE, POST → first console line, and resident
// memory per guest. It asserts only that every guest boots; the times
// are a printed table (they depend on the machine and its load).
// make guests leaves it out (its -run does not match); run it with
// go test -tags guests -run GuestFigures -v ./internal/cli/
func TestGuestFigures(t *testing.T) {
	// Ten 1-vCPU guests exceed a 2-core machine's 8 schedulable vCPUs
	// (Nova's cpu_allocation_ratio 4.0): say there are 16.
	c := guestCloud(t, "--shutdown-timeout", "10s", "--host-vcpus", "16")
	for _, n := range []int{1, 10} {
		active, console := make([]time.Duration, n), make([]time.Duration, n)
		ids := make([]string, n)
		start := time.Now()
		for i := range n {
			ids[i] = c.boot(fmt.Sprintf("fig%d-%d", n, i), "")
		}
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Go(func() {
				c.wait(id, "ACTIVE")
				active[i] = time.Since(start)
				c.waitConsole(id, "novalite-guest: booted", 1)
				console[i] = time.Since(start)
			})
		}
		wg.Wait()
		rss := 0
		for _, id := range ids {
			rss += rssMiB(t, onePid(t, id))
		}
		t.Logf("%2d guests: POST → ACTIVE p50 %v max %v; POST → first console line p50 %v max %v; %d MiB resident each",
			n, p50(active), maxOf(active), p50(console), maxOf(console), rss/n)
		for _, id := range ids {
			c.action("delete", servers.Delete(context.Background(), c.compute, id).ExtractErr())
		}
		for _, id := range ids {
			c.waitGone(id)
		}
	}
}

func p50(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2].Round(100 * time.Millisecond)
}

func maxOf(d []time.Duration) time.Duration {
	m := time.Duration(0)
	for _, x := range d {
		m = max(m, x)
	}
	return m.Round(100 * time.Millisecond)
}
