package compute_test

import (
	"slices"
	"testing"
)

func TestExtensions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fields := []string{"alias", "description", "links", "name", "namespace", "updated"}
	r := b.do("GET", "/extensions", b.demo, "2.1", nil)
	list := r.JSON(t)["extensions"].([]any)
	if len(list) != 99 {
		t.Errorf("%d extensions, want Nova's 99", len(list))
	}
	aliases := map[string]bool{}
	for _, e := range list {
		e := e.(map[string]any)
		if keys := sortedKeys(e); !slices.Equal(keys, fields) {
			t.Errorf("%v: keys %v", e["alias"], keys)
		}
		aliases[e["alias"].(string)] = true
	}
	for _, a := range []string{"os-consoles", "os-hosts", "OS-EXT-STS", "os-volumes"} {
		if !aliases[a] {
			t.Errorf("no %s", a)
		}
	}
	for _, tt := range []struct {
		name, path, mv string
		wantStatus     int
		wantMsg        string
	}{
		{"show", "/extensions/os-consoles", "2.1", 200, ""},
		{"unknown", "/extensions/os-nope", "2.1", 404, "The resource could not be found."},
		{"query ignored", "/extensions?x=1", "2.101", 200, ""},
		{"query at 2.102", "/extensions/os-consoles?x=1", "2.102", 400,
			"Additional properties are not allowed ('x' was unexpected)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("GET", tt.path, b.demo, tt.mv, nil)
			status, msg := fault(t, r)
			if status != tt.wantStatus || msg != tt.wantMsg {
				t.Fatalf("got %d %q", status, msg)
			}
			if tt.name == "show" {
				e := r.JSON(t)["extension"].(map[string]any)
				if e["alias"] != "os-consoles" || e["name"] != "Consoles" || !slices.Equal(sortedKeys(e), fields) {
					t.Errorf("show: %s", r.Body)
				}
			}
		})
	}
}
