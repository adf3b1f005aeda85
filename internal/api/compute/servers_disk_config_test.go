package compute_test

import (
	"testing"
)

// TestDiskConfigAgainstImage: OS-DCF:diskConfig on create, rebuild and
// resize against the image's auto_disk_config property, as Nova's
// compute/api.py _ensure_auto_disk_config_is_valid and
// _inherit_properties_from_image: only "disabled" (any case) refuses AUTO
// (400), "false" does not; left out, the server takes the image's
// bool_from_string of it, on create and again on rebuild.
func TestDiskConfigAgainstImage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	img := map[string]string{"none": b.image}
	for name, v := range map[string]string{"disabled": "disabled", "DISABLED": "DISABLED", "false": "false", "true": "true"} {
		img[name] = b.dataImage(t, name, map[string]any{"auto_disk_config": v}, []byte("disk"))
	}
	refused := func(name string) string {
		return "Requested image " + img[name] + " has automatic disk resize disabled."
	}
	shown := func(t *testing.T, id string) any { return b.show(t, b.demo, id, "2.1")["OS-DCF:diskConfig"] }

	t.Run("create", func(t *testing.T) {
		for _, tc := range []struct {
			image, asked string // asked "": left out
			status       int
			msg, want    string
		}{
			{"disabled", "AUTO", 400, refused("disabled"), ""},
			{"DISABLED", "AUTO", 400, refused("DISABLED"), ""},
			{"disabled", "MANUAL", 202, "", "MANUAL"},
			{"disabled", "", 202, "", "MANUAL"},
			{"false", "AUTO", 202, "", "AUTO"},
			{"false", "", 202, "", "MANUAL"},
			{"true", "", 202, "", "AUTO"},
			{"true", "MANUAL", 202, "", "MANUAL"},
			{"none", "", 202, "", "MANUAL"},
			{"none", "AUTO", 202, "", "AUTO"},
		} {
			label := tc.image + "/" + tc.asked
			s := map[string]any{"name": "dc", "imageRef": img[tc.image], "flavorRef": "1", "networks": "none"}
			if tc.asked != "" {
				s["OS-DCF:diskConfig"] = tc.asked
			}
			r := b.do("POST", "/servers", b.demo, "2.37", map[string]any{"server": s})
			status, msg := fault(t, r)
			expect(t, label, tc.status, tc.msg, status, msg)
			if tc.status != 202 || status != 202 {
				continue
			}
			id := r.JSON(t)["server"].(map[string]any)["id"].(string)
			if got := shown(t, id); got != tc.want {
				t.Errorf("%s: shows %v, want %s", label, got, tc.want)
			}
			if r := b.do("DELETE", "/servers/"+id, b.demo, "2.1", nil); r.Status != 204 {
				t.Fatalf("delete: %d %s", r.Status, r.Body)
			}
		}
	})

	t.Run("rebuild", func(t *testing.T) {
		id := b.create(t, b.demo, "rb", map[string]any{"OS-DCF:diskConfig": "AUTO"})
		for _, tc := range []struct {
			image, asked string
			status       int
			msg, want    string
		}{
			{"disabled", "AUTO", 400, refused("disabled"), "AUTO"},
			// Left out, the new image's value replaces the server's.
			{"disabled", "", 202, "", "MANUAL"},
			{"true", "", 202, "", "AUTO"},
			{"true", "MANUAL", 202, "", "MANUAL"},
			{"false", "AUTO", 202, "", "AUTO"},
		} {
			label := tc.image + "/" + tc.asked
			b.launch(t, id)
			rb := map[string]any{"imageRef": img[tc.image]}
			if tc.asked != "" {
				rb["OS-DCF:diskConfig"] = tc.asked
			}
			status, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, "2.1", map[string]any{"rebuild": rb}))
			expect(t, label, tc.status, tc.msg, status, msg)
			if got := shown(t, id); got != tc.want {
				t.Errorf("%s: shows %v, want %s", label, got, tc.want)
			}
		}
	})

	t.Run("resize", func(t *testing.T) {
		// A resize checks the image the server was built from.
		for _, tc := range []struct {
			image, asked string
			status       int
			msg          string
		}{
			{"disabled", "AUTO", 400, refused("disabled")},
			{"disabled", "MANUAL", 202, ""},
			{"false", "AUTO", 202, ""},
		} {
			label := tc.image + "/" + tc.asked
			id := b.create(t, b.demo, "rs", map[string]any{"imageRef": img[tc.image]})
			b.launch(t, id)
			status, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, "2.1",
				map[string]any{"resize": map[string]any{"flavorRef": "2", "OS-DCF:diskConfig": tc.asked}}))
			expect(t, label, tc.status, tc.msg, status, msg)
		}
	})
}
