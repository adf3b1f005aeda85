package compute_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGoldenResponses")

// Values that differ between runs, and what a golden file shows instead.
var (
	reUUID    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	reTime    = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?`)
	reHex     = regexp.MustCompile(`"[0-9a-f]{56}"`) // hostId
	reBase    = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	reReq     = regexp.MustCompile(`req-<uuid>`)
	reHexName = regexp.MustCompile(`instance-[0-9a-f]{8}`)
	rePass    = regexp.MustCompile(`"adminPass": "[^"]*"`)
	reID32    = regexp.MustCompile(`"[0-9a-f]{32}"`) // Keystone ids
	reResv    = regexp.MustCompile(`"r-[0-9a-z]{8}"`)
)

// normalize makes a response body comparable across runs: sorted keys,
// indented, run-specific values replaced by placeholders.
func normalize(t *testing.T, body []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	out = reUUID.ReplaceAll(out, []byte("<uuid>"))
	out = reTime.ReplaceAll(out, []byte("<time>"))
	out = reHex.ReplaceAll(out, []byte(`"<hostId>"`))
	out = reBase.ReplaceAll(out, []byte("http://<host>"))
	out = reReq.ReplaceAll(out, []byte("req-<uuid>"))
	out = reHexName.ReplaceAll(out, []byte("instance-<n>"))
	out = rePass.ReplaceAll(out, []byte(`"adminPass": "<password>"`))
	out = reID32.ReplaceAll(out, []byte(`"<id>"`))
	out = reResv.ReplaceAll(out, []byte(`"r-<id>"`))
	return append(out, '\n')
}

// TestGoldenResponses compares whole response bodies of the servers API
// and its neighbours, at the microversions where they change shape, with
// the files in testdata/golden (go test -run TestGoldenResponses -update
// rewrites them; review the diff).
func TestGoldenResponses(t *testing.T) {
	b := setup(t)
	id := b.create(t, b.demo, "golden", map[string]any{"metadata": map[string]any{"role": "web"},
		"OS-DCF:diskConfig": "MANUAL", "description": "a server"})
	b.launch(t, id)
	if err := b.execSQL(`UPDATE instances SET host = 'novalite-compute-1', node = 'novalite-compute-1' WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	project := b.show(t, b.demo, id, "2.1")["tenant_id"].(string)
	cases := []struct {
		name, method, path, token, mv string
		body                          any
	}{
		{"server-show-2.1", "GET", "/servers/" + id, b.demo, "2.1", nil},
		{"server-show-2.47", "GET", "/servers/" + id, b.demo, "2.47", nil},
		{"server-show-2.100", "GET", "/servers/" + id, b.demo, "2.100", nil},
		{"server-show-admin-2.100", "GET", "/servers/" + id, b.admin, "2.100", nil},
		{"servers-list-2.1", "GET", "/servers", b.demo, "2.1", nil},
		{"servers-detail-2.100", "GET", "/servers/detail", b.demo, "2.100", nil},
		{"server-update-2.1", "PUT", "/servers/" + id, b.demo, "2.1", map[string]any{"server": map[string]any{"name": "golden"}}},
		{"server-rebuild-2.1", "POST", "/servers/" + id + "/action", b.demo, "2.1",
			map[string]any{"rebuild": map[string]any{"imageRef": b.image}}},
		{"server-actions-2.100", "GET", "/servers/" + id + "/os-instance-actions", b.demo, "2.100", nil},
		{"flavor-show-2.100", "GET", "/flavors/1", b.demo, "2.100", nil},
		{"limits-2.1", "GET", "/limits", b.demo, "2.1", nil},
		{"quota-defaults-2.1", "GET", "/os-quota-sets/" + project + "/defaults", b.demo, "2.1", nil},
		// From 2.75 rebuild answers GET's view: the admin sees the
		// extended attributes (not OS-EXT-SRV-ATTR:user_data, which is
		// rebuild's own user_data) and host_status.
		{"server-update-admin-2.75", "PUT", "/servers/" + id, b.admin, "2.75", map[string]any{"server": map[string]any{"name": "golden"}}},
		{"server-rebuild-admin-2.75", "POST", "/servers/" + id + "/action", b.admin, "2.75",
			map[string]any{"rebuild": map[string]any{"imageRef": b.image}}},
		{"server-rebuild-2.75", "POST", "/servers/" + id + "/action", b.demo, "2.75",
			map[string]any{"rebuild": map[string]any{"imageRef": b.image}}},
	}
	// These find the server ACTIVE again on its host (after a rebuild).
	relaunch := map[string]bool{"server-rebuild-admin-2.75": true, "server-rebuild-2.75": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if relaunch[c.name] {
				b.launch(t, id)
				if err := b.execSQL(`UPDATE instances SET host = 'novalite-compute-1', node = 'novalite-compute-1' WHERE uuid = $1`, id); err != nil {
					t.Fatal(err)
				}
			}
			resp := b.do(c.method, c.path, c.token, c.mv, c.body)
			if resp.Status >= 300 {
				t.Fatalf("%s %s: %d %s", c.method, c.path, resp.Status, resp.Body)
			}
			compareFile(t, filepath.Join("testdata", "golden", c.name+".json"), normalize(t, resp.Body))
		})
	}
}

// compareFile compares got with file, or with -update writes it there.
func compareFile(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Errorf("%v (run with -update to create it)", err)
		return
	}
	if !bytes.Equal(got, want) {
		diff := lineDiff(string(want), string(got))
		if diff == "" {
			diff = "(the same lines in another order)"
		}
		t.Errorf("%s differs:\n%s", file, diff)
	}
}

// lineDiff lists the lines of got that want lacks (+) and the reverse (-).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	in := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	var out []string
	for _, l := range w {
		if !in(g, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range g {
		if !in(w, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
