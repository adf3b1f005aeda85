package novalite_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"novalite"
)

// TestSchedulerHintsJSON: the typed hints are stored and shown as the
// object of lists they were before they had fields, and read back the
// same; Nova's hint names land in their fields, the rest in Other.
func TestSchedulerHintsJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		in    string // the stored form
		typed novalite.SchedulerHints
	}{
		{"none", `{}`, novalite.SchedulerHints{}},
		{"named", `{"build_near_host_ip":["10.0.0.1"],"cidr":["/24"],"different_cell":["c1","c2"],` +
			`"different_host":["a","b"],"group":["g"],"query":["[\"=\",\"$free_ram_mb\",1024]"],` +
			`"same_host":["s"],"target_cell":["t"]}`,
			novalite.SchedulerHints{Group: []string{"g"}, DifferentHost: []string{"a", "b"}, SameHost: []string{"s"},
				Query: []string{`["=","$free_ram_mb",1024]`}, TargetCell: []string{"t"}, DifferentCell: []string{"c1", "c2"},
				BuildNearHostIP: []string{"10.0.0.1"}, CIDR: []string{"/24"}}},
		{"other", `{"foo":["1"],"group":["g"],"zz":["x","y"]}`,
			novalite.SchedulerHints{Group: []string{"g"}, Other: map[string][]string{"foo": {"1"}, "zz": {"x", "y"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var h novalite.SchedulerHints
			if err := json.Unmarshal([]byte(tc.in), &h); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.typed, h); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
			out, err := json.Marshal(tc.typed)
			if err != nil || string(out) != tc.in {
				t.Errorf("encoded %s, %v; want %s", out, err, tc.in)
			}
			c := h.Clone()
			c.Add("group", "other")
			c.Add("foo", "2")
			if diff := cmp.Diff(tc.typed, h); diff != "" {
				t.Errorf("a clone's change reached the original (-want +got):\n%s", diff)
			}
		})
	}
}
