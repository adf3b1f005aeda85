package store

import (
	"reflect"
	"testing"

	"novalite"
)

// TestJSONMemo: a remembered text decodes as json.Unmarshal decodes it,
// every caller gets its own copy, and a text that is not JSON leaves the
// value alone.
func TestJSONMemo(t *testing.T) {
	raw := `{"id":"42","name":"m1.nano","vcpus":1,"ram":128,"disk":1,"ephemeral":0,"swap":0,"extra_specs":{"hw:cpu":"1"}}`
	want := novalite.FlavorSnapshot{ID: "42", Name: "m1.nano", VCPUs: 1, MemoryMB: 128, RootGB: 1,
		ExtraSpecs: map[string]string{"hw:cpu": "1"}}
	for i := range 3 {
		var f novalite.FlavorSnapshot
		flavorMemo.decode(raw, &f)
		if !reflect.DeepEqual(f, want) {
			t.Fatalf("decode %d: %+v", i, f)
		}
		f.ExtraSpecs["hw:cpu"] = "changed" // must not reach the next caller
	}
	for _, c := range []struct {
		raw  string
		want novalite.SchedulerHints
	}{{`{}`, novalite.SchedulerHints{}}, {`null`, novalite.SchedulerHints{}},
		{`{"group":["g1"],"x":["y"]}`, novalite.SchedulerHints{Group: []string{"g1"}, Other: map[string][]string{"x": {"y"}}}}} {
		for range 2 {
			var h novalite.SchedulerHints
			hintsMemo.decode(c.raw, &h)
			if !reflect.DeepEqual(h, c.want) {
				t.Fatalf("%s: %#v", c.raw, h)
			}
			if g := h.Group; len(g) > 0 {
				g[0] = "changed"
				h.Other["x"][0] = "changed"
			}
		}
	}
	m := map[string]string{"kept": "yes"}
	stringMapMemo.decode(`not json`, &m)
	if m["kept"] != "yes" {
		t.Fatalf("a bad text changed the value: %v", m)
	}
}
