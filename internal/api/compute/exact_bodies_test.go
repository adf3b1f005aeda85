package compute_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"novalite/internal/app/apptest"
)

// TestExactVersions pins the version documents: the list at the root,
// each version's own (v2 without microversions), and 300 with the
// choices for any other path.
func TestExactVersions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"versions", "/compute/", 200},
		{"version-2.1", "/compute/v2.1/", 200},
		{"version-2", "/compute/v2/", 200},
		{"version-choices", "/compute/v3/servers", 300},
	} {
		r := b.srv.Do(apptest.Request{Method: "GET", Path: c.path})
		if r.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.path, r.Status, c.status, r.Body)
			continue
		}
		compareExact(t, c.name, r.Body)
	}
}

// reConsoleToken is the token in a console's URL, new each time.
var reConsoleToken = regexp.MustCompile(`token(%3D|=)[0-9A-Za-z_-]+`)

// TestExactServerBodies pins the smaller bodies about one server:
// diagnostics before and from 2.48, the password, the consoles (old actions, remote-consoles, the token's show before
// and from 2.99), an image's id from createImage (2.45), a create's
// answer and reservation id, a page of servers with its next link, the
// external events' answer, a rescue's password, a removed API's 410.
func TestExactServerBodies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "bodies", nil)
	b.launch(t, id)
	s := "/servers/" + id
	act := func(name string, v any) map[string]any { return map[string]any{name: v} }
	r := b.do("POST", s+"/remote-consoles", b.demo, "2.6",
		act("remote_console", map[string]any{"protocol": "vnc", "type": "novnc"}))
	u := r.JSON(t)["remote_console"].(map[string]any)["url"].(string)
	token := reConsoleToken.FindString(u)
	if token == "" {
		t.Fatalf("no token in %q", u)
	}
	token, _ = url.QueryUnescape(token[len("token%3D"):])
	normalize := func(c exactCase) {
		r := b.do(c.method, c.path, c.token, c.mv, c.body)
		if r.Status >= 300 {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			return
		}
		compareExact(t, c.name, reConsoleToken.ReplaceAll(r.Body, []byte("token$1<token>")))
	}
	for _, c := range []exactCase{
		{"remote-console-2.6", "POST", s + "/remote-consoles", b.demo, "2.6",
			act("remote_console", map[string]any{"protocol": "vnc", "type": "novnc"})},
		{"console-vnc-2.1", "POST", s + "/action", b.demo, "2.1", act("os-getVNCConsole", map[string]any{"type": "novnc"})},
		{"console-xvpvnc-2.1", "POST", s + "/action", b.demo, "2.1", act("os-getVNCConsole", map[string]any{"type": "xvpvnc"})},
		{"create-reservation-2.37", "POST", "/servers", b.demo, "2.37", act("server", map[string]any{"name": "rr",
			"imageRef": b.image, "flavorRef": "1", "networks": "none", "return_reservation_id": true})},
	} {
		normalize(c)
	}
	checkExact(t, b, []exactCase{
		{"diagnostics-2.1", "GET", s + "/diagnostics", b.admin, "2.1", nil},
		{"diagnostics-2.48", "GET", s + "/diagnostics", b.admin, "2.48", nil},
		{"server-password-2.1", "GET", s + "/os-server-password", b.demo, "2.1", nil},
		{"console-auth-token-2.31", "GET", "/os-console-auth-tokens/" + token, b.admin, "2.31", nil},
		{"console-auth-token-2.99", "GET", "/os-console-auth-tokens/" + token, b.admin, "2.99", nil},
		{"create-image-2.45", "POST", s + "/action", b.demo, "2.45", act("createImage", map[string]any{"name": "snap"})},
		{"external-events-2.1", "POST", "/os-server-external-events", b.admin, "2.1",
			act("events", []any{map[string]any{"name": "network-changed", "server_uuid": id}})},
		{"server-create-2.37", "POST", "/servers", b.demo, "2.37", act("server", map[string]any{"name": "second",
			"imageRef": b.image, "flavorRef": "1", "networks": "none"})},
		{"servers-page-2.1", "GET", "/servers?limit=1", b.demo, "2.1", nil},
	})
	b.launch(t, id) // createImage left it image_snapshot
	checkExact(t, b, []exactCase{
		{"rescue-2.1", "POST", s + "/action", b.demo, "2.1", act("rescue", nil)},
	})
	r = b.do("GET", "/os-cells", b.demo, "2.1", nil)
	if r.Status != 410 {
		t.Fatalf("os-cells: %d %s", r.Status, r.Body)
	}
	compareExact(t, "gone-2.1", r.Body)
}

// TestExactProxyBodies pins the block storage and network proxies
// (≤2.35) and the extension list.
func TestExactProxyBodies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, booted, private := b.withVolume(t, "proxied")
	r := b.do("POST", "/os-snapshots", b.demo, "2.1", map[string]any{"snapshot": map[string]any{
		"volume_id": booted, "force": true, "display_name": "s1"}})
	if r.Status != 200 {
		t.Fatalf("snapshot: %d %s", r.Status, r.Body)
	}
	snap := r.JSON(t)["snapshot"].(map[string]any)["id"].(string)
	checkExact(t, b, []exactCase{
		{"volume-proxy-show-2.1", "GET", "/os-volumes/" + booted, b.demo, "2.1", nil},
		{"volume-proxy-create-2.1", "POST", "/os-volumes", b.demo, "2.1", map[string]any{"volume": map[string]any{
			"size": 1, "display_name": "v1", "display_description": "d", "metadata": map[string]any{"k": "v"}}}},
		{"volume-proxy-list-2.1", "GET", "/os-volumes?limit=1", b.demo, "2.1", nil},
		{"volume-proxy-detail-2.1", "GET", "/os-volumes/detail?offset=1", b.demo, "2.1", nil},
		{"snapshot-proxy-show-2.1", "GET", "/os-snapshots/" + snap, b.demo, "2.1", nil},
		{"snapshot-proxy-list-2.1", "GET", "/os-snapshots", b.demo, "2.1", nil},
		{"network-proxy-2.1", "GET", "/os-networks/" + private, b.admin, "2.1", nil},
		{"tenant-network-2.1", "GET", "/os-tenant-networks/" + private, b.demo, "2.1", nil},
		{"extensions-2.1", "GET", "/extensions", b.demo, "2.1", nil},
		{"extension-2.1", "GET", "/extensions/os-volumes", b.demo, "2.1", nil},
	})
}

// TestExactNetworkLists pins the network proxies' lists, whose order
// (by id) differs between runs: the networks are compared sorted by all
// but their ids, each as sent.
func TestExactNetworkLists(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []exactCase{
		{"networks-proxy-2.1", "GET", "/os-networks", b.admin, "2.1", nil},
		{"tenant-networks-2.1", "GET", "/os-tenant-networks", b.demo, "2.1", nil},
	} {
		r := b.do(c.method, c.path, c.token, c.mv, c.body)
		var body struct {
			Networks []json.RawMessage `json:"networks"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != 200 || len(body.Networks) < 2 {
			t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
		}
		items := make([][]byte, len(body.Networks))
		for i, n := range body.Networks {
			items[i] = n
		}
		slices.SortFunc(items, func(x, y []byte) int {
			return bytes.Compare(reUUID.ReplaceAll(x, nil), reUUID.ReplaceAll(y, nil))
		})
		sorted := append([]byte(`{"networks":[`), bytes.Join(items, []byte(","))...)
		compareExact(t, c.name, append(sorted, "]}"...))
	}
}

// withVolume creates a demo server named name on the private network,
// booted from a new volume, and launches it.
func (b *testBundle) withVolume(t *testing.T, name string) (id, volume, network string) {
	t.Helper()
	volume = b.vol(t, b.demo, map[string]any{"size": 1})
	network = b.networkID(t, "private")
	id = b.create(t, b.demo, name, map[string]any{"networks": []any{map[string]any{"uuid": network}},
		"block_device_mapping_v2": []any{map[string]any{"source_type": "volume", "destination_type": "volume",
			"uuid": volume}}})
	b.launch(t, id)
	return id, volume, network
}
