package compute_test

import (
	"testing"
)

// TestResizeRefusals: what a resize refuses before it starts, in Nova's
// words (400 each), the server left as it was.
func TestResizeRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if r := b.do("POST", "/flavors", b.admin, "2.1", map[string]any{"flavor": map[string]any{
		"name": "zero", "ram": 64, "vcpus": 1, "disk": 0, "id": "zero"}}); r.Status != 200 {
		t.Fatalf("flavor: %d %s", r.Status, r.Body)
	}
	small := b.create(t, b.demo, "small", map[string]any{"flavorRef": "2"})
	b.launch(t, small)
	for _, tc := range []struct {
		name, flavor, msg string
	}{
		{"same flavor", "2", "When resizing, instances must change flavor!"},
		{"unknown flavor", "nope", "Unable to locate requested flavor."},
		{"zero disk", "zero", "Server disk was unable to be resized because: Resize to zero disk flavor is not allowed."},
		{"smaller disk", "1", "Resize error: Unable to resize disk down."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.do("POST", "/servers/"+small+"/action", b.demo, "2.1",
				map[string]any{"resize": map[string]any{"flavorRef": tc.flavor}})
			status, msg := fault(t, r)
			expect(t, tc.name, 400, tc.msg, status, msg)
		})
	}
	if s := b.show(t, b.demo, small, "2.1"); s["status"] != "ACTIVE" || s["flavor"].(map[string]any)["id"] != "2" {
		t.Errorf("after the refusals: %v, flavor %v", s["status"], s["flavor"])
	}
}
