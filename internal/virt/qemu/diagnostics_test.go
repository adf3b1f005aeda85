package qemu

import "testing"

// TestStatTicks: utime+stime of a stat line, whatever the command name
// holds.
func TestStatTicks(t *testing.T) {
	for _, tc := range []struct {
		line string
		want int64
		ok   bool
	}{
		{"42 (CPU 0/TCG) S 1 2 3 4 5 6 7 8 9 10 150 25 0 0 20 0 1", 175, true},
		{"42 (a) b) R 1 2 3 4 5 6 7 8 9 10 3 4 0", 7, true},
		{"42 (short) R 1 2", 0, false},
		{"garbage", 0, false},
	} {
		got, err := statTicks(tc.line)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("statTicks(%q) = %d, %v; want %d (ok %v)", tc.line, got, err, tc.want, tc.ok)
		}
	}
}

// TestParseLinkStats: a tap's counters turned round to be the guest's.
func TestParseLinkStats(t *testing.T) {
	b := []byte(`[{"ifname":"tap1","stats64":{"rx":{"bytes":100,"packets":2,"errors":3,"dropped":4},` +
		`"tx":{"bytes":500,"packets":6,"errors":7,"dropped":8}}}]`)
	c, err := parseLinkStats(b)
	if err != nil {
		t.Fatal(err)
	}
	if c.RxOctets != 500 || c.RxPackets != 6 || c.RxErrors != 7 || c.RxDrop != 8 ||
		c.TxOctets != 100 || c.TxPackets != 2 || c.TxErrors != 3 || c.TxDrop != 4 {
		t.Errorf("counters %+v", *c)
	}
	if _, err := parseLinkStats([]byte(`[]`)); err == nil {
		t.Error("no device: no error")
	}
}
