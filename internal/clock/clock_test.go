package clock

import (
	"testing"
	"time"
)

// TestSetNeverGoesBack: the offset follows the database's as it grows,
// and a stale (smaller) one read before a newer one was set is ignored.
func TestSetNeverGoesBack(t *testing.T) {
	for _, c := range []struct {
		name string
		sets []time.Duration
		want time.Duration
	}{
		{"none", nil, 0},
		{"forward", []time.Duration{time.Minute, 10 * time.Minute}, 10 * time.Minute},
		{"stale read after a newer one", []time.Duration{10 * time.Minute, 9*time.Minute + 30*time.Second}, 10 * time.Minute},
		{"same again", []time.Duration{time.Hour, time.Hour}, time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			var k Clock
			for _, d := range c.sets {
				k.Set(d)
			}
			if got := k.Offset(); got != c.want {
				t.Errorf("offset %v, want %v", got, c.want)
			}
			if ahead := time.Until(k.Now()); ahead < c.want-time.Second || ahead > c.want+time.Second {
				t.Errorf("Now is %v ahead, want about %v", ahead, c.want)
			}
		})
	}
}
