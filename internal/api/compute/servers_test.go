package compute_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// testBundle is a running novalite with the ids servers tests need.
type testBundle struct {
	srv   *apptest.Server
	admin string // token of admin on project admin
	demo  string // token of demo (member) on project demo
	image string // the bootstrap image
}

func setup(t *testing.T, opts ...func(*config.Config)) *testBundle {
	t.Helper()
	// These tests play the scheduler and agents themselves (launch). No
	// agent heartbeats then: the hosts stay up for an hour, not for
	// service_down_time's 60 s, which a long test on a loaded machine
	// outlasts (its moves then found no host).
	noLoops := func(c *config.Config) { c.NoLoops, c.ServiceDownTime = true, time.Hour }
	srv := apptest.Start(t, append([]func(*config.Config){noLoops}, opts...)...)
	b := &testBundle{srv: srv, admin: srv.AdminToken(), demo: srv.DemoToken()}
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images", Token: b.demo})
	imgs, _ := resp.JSON(t)["images"].([]any)
	if len(imgs) == 0 {
		t.Fatalf("no bootstrap image: %s", resp.Body)
	}
	b.image = imgs[0].(map[string]any)["id"].(string)
	return b
}

func mvHeader(mv string) map[string]string {
	return map[string]string{"OpenStack-API-Version": "compute " + mv}
}

// do sends a compute request at microversion mv.
func (b *testBundle) do(method, path, token, mv string, body any) apptest.Response {
	return b.srv.Do(apptest.Request{Method: method, Path: "/compute/v2.1" + path, Token: token, Body: body, Headers: mvHeader(mv)})
}

// create creates one server named name (extra fields merged in) and
// returns its id.
func (b *testBundle) create(t *testing.T, token, name string, extra map[string]any) string {
	t.Helper()
	s := map[string]any{"name": name, "imageRef": b.image, "flavorRef": "1", "networks": "none"}
	for k, v := range extra {
		s[k] = v
	}
	resp := b.do("POST", "/servers", token, "2.100", map[string]any{"server": s})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create %s: %d %s", name, resp.Status, resp.Body)
	}
	return resp.JSON(t)["server"].(map[string]any)["id"].(string)
}

// launch plays the part of the scheduler and agent: the server is ACTIVE
// on host1, as an agent would leave it.
func (b *testBundle) launch(t *testing.T, id string) {
	t.Helper()
	err := b.execSQL(`UPDATE instances SET vm_state = 'active', task_state = NULL, power_state = 1,
		host = 'host1', node = 'host1', availability_zone = 'nova', launched_at = $1 WHERE uuid = $2`,
		time.Now().UnixMicro(), id)
	if err != nil {
		t.Fatal(err)
	}
}

// execSQL writes to the database directly, as an agent would.
func (b *testBundle) execSQL(q string, args ...any) error { return b.srv.ExecSQL(q, args...) }

func (b *testBundle) show(t *testing.T, token, id, mv string) map[string]any {
	t.Helper()
	resp := b.do("GET", "/servers/"+id, token, mv, nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("show %s: %d %s", id, resp.Status, resp.Body)
	}
	return resp.JSON(t)["server"].(map[string]any)
}

func fault(t *testing.T, r apptest.Response) (int, string) {
	t.Helper()
	if r.Status < 400 {
		return r.Status, ""
	}
	for _, v := range r.JSON(t) {
		if m, ok := v.(map[string]any); ok {
			msg, _ := m["message"].(string)
			return r.Status, msg
		}
	}
	return r.Status, string(r.Body)
}

// okOrFault checks r against a table case: a fault of status (with msg,
// when given) or, for status 200, a 200. It reports whether r is the 200
// whose body the case goes on to check.
func okOrFault(t *testing.T, r apptest.Response, status int, msg string) bool {
	t.Helper()
	if status != 200 {
		if got, gotMsg := fault(t, r); got != status || (msg != "" && gotMsg != msg) {
			t.Errorf("got %d %q, want %d %q", got, gotMsg, status, msg)
		}
		return false
	}
	if r.Status != 200 {
		t.Fatalf("status %d %s", r.Status, r.Body)
	}
	return true
}

func names(t *testing.T, r apptest.Response) []string {
	t.Helper()
	var out []string
	for _, s := range r.JSON(t)["servers"].([]any) {
		out = append(out, s.(map[string]any)["name"].(string))
	}
	sort.Strings(out)
	return out
}

func TestCreateServerValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	img := b.image
	tests := []struct {
		name, mv   string
		body       any
		wantStatus int
		wantMsg    string
	}{
		{"no server", "2.1", map[string]any{}, 400, "'server' is a required property"},
		{"extra top key", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img}, "foo": 1},
			400, "Additional properties are not allowed ('foo' was unexpected)"},
		{"no name", "2.1", map[string]any{"server": map[string]any{"flavorRef": "1", "imageRef": img}},
			400, "Invalid input for field/attribute server. Value: {'flavorRef': '1', 'imageRef': '" + img + "'}. 'name' is a required property"},
		{"null flavor", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": nil, "imageRef": img}},
			400, "Invalid input for field/attribute flavorRef. Value: None. None is not of type 'string', 'integer'"},
		{"bad name", "2.1", map[string]any{"server": map[string]any{"name": " a", "flavorRef": "1", "imageRef": img}},
			400, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace."},
		{"networks required 2.37", "2.37", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img}},
			400, "Invalid input for field/attribute server. Value: {'flavorRef': '1', 'imageRef': '" + img + "', 'name': 'a'}. 'networks' is a required property"},
		{"missing image", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1"}},
			400, "Missing imageRef attribute"},
		{"unknown flavor", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "999", "imageRef": img}},
			400, "Flavor 999 could not be found."},
		{"unknown flavor, before the volumes", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "999",
			"block_device_mapping_v2": []any{map[string]any{"boot_index": 0, "uuid": "5f3a9c56-0d0c-4b6e-a7b1-2d7c3e0f9a11",
				"source_type": "volume", "destination_type": "volume"}}}},
			400, "Flavor 999 could not be found."},
		// Nova checks a mapping's format as it parses the request, before
		// the flavor; the boot sequence, the sizes and the image after it.
		{"unknown flavor, before the boot sequence", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "999",
			"block_device_mapping_v2": []any{map[string]any{"boot_index": 1, "uuid": "5f3a9c56-0d0c-4b6e-a7b1-2d7c3e0f9a11",
				"source_type": "volume", "destination_type": "volume"}}}},
			400, "Flavor 999 could not be found."},
		{"unknown flavor, before a volume's size", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "999",
			"block_device_mapping_v2": []any{map[string]any{"boot_index": 0, "uuid": img,
				"source_type": "image", "destination_type": "volume"}}}},
			400, "Flavor 999 could not be found."},
		{"unknown flavor, before an unknown image with volumes", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "999",
			"imageRef": "5f3a9c56-0d0c-4b6e-a7b1-2d7c3e0f9a11", "block_device_mapping_v2": []any{map[string]any{"boot_index": 1,
				"uuid": "5f3a9c56-0d0c-4b6e-a7b1-2d7c3e0f9a12", "source_type": "volume", "destination_type": "volume"}}}},
			400, "Flavor 999 could not be found."},
		{"a mapping's format, before an unknown flavor", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "999",
			"block_device_mapping_v2": []any{map[string]any{"boot_index": 0, "source_type": "volume", "destination_type": "volume"}}}},
			400, "Block Device Mapping is Invalid: Missing device UUID."},
		{"unknown image", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": "5f3a9c56-0d0c-4b6e-a7b1-2d7c3e0f9a11"}},
			400, "Can not find requested image"},
		{"min > max", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "min_count": 3, "max_count": 2}},
			400, "min_count must be <= max_count"},
		{"bad user_data", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "user_data": "%%%"}},
			400, "Invalid input for field/attribute user_data. Value: %%%. '%%%' is not a 'base64'"},
		{"unknown key", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "key_name": "nokey"}},
			400, "Invalid key_name provided."},
		{"unknown zone", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "availability_zone": "mars"}},
			400, "The requested availability zone is not available"},
		{"forced host by member", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "availability_zone": "nova:host1"}},
			403, "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed."},
		{"host by member 2.74", "2.74", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "networks": "none", "host": "host1"}},
			403, "Policy doesn't allow compute:servers:create:requested_destination to be performed."},
		{"hostname with max_count", "2.90", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "networks": "none", "hostname": "h1", "max_count": 2}},
			400, "Unable to allocate a single hostname to multiple instances"},
		{"port and fixed ip", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img,
			"networks": []any{map[string]any{"port": "5f3a9c56-0d0c-4b6e-a7b1-2d7c3e0f9a11", "fixed_ip": "10.0.0.3"}}}},
			400, "Specified Fixed IP '10.0.0.3' cannot be used with port '5f3a9c56-0d0c-4b6e-a7b1-2d7c3e0f9a11': the two cannot be specified together."},
		{"network without uuid", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img,
			"networks": []any{map[string]any{"fixed_ip": "10.0.0.3"}}}}, 400, "Bad network format: missing 'uuid'"},
		{"bad network uuid 2.1", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img,
			"networks": []any{map[string]any{"uuid": "net"}}}}, 400, "Bad networks format: network uuid is not in proper format (net)"},
		{"too much metadata", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img,
			"metadata": manyMetadata(129)}}, 403, "Maximum number of metadata items exceeds 128"},
		{"personality gone 2.57", "2.57", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "1", "imageRef": img, "networks": "none",
			"personality": []any{}}}, 400, ""},
		{"quota", "2.1", map[string]any{"server": map[string]any{"name": "a", "flavorRef": "5", "imageRef": img, "min_count": 4}},
			403, "Quota exceeded for cores, ram: Requested 32, 65536, but already used 0, 0 of 20, 51200 cores, ram"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := b.do("POST", "/servers", b.demo, tt.mv, tt.body)
			status, msg := fault(t, resp)
			if status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
				t.Errorf("got %d %q\nwant %d %q", status, msg, tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

func manyMetadata(n int) map[string]any {
	m := map[string]any{}
	for i := 0; i < n; i++ {
		m[fmt.Sprintf("k%d", i)] = "v"
	}
	return m
}

func TestCreateServer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{
		"name": "Web Server_1", "imageRef": b.image, "flavorRef": "1", "networks": "none",
		"metadata": map[string]any{"a": "b"}, "tags": []any{"t1"}, "description": "d"}})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	s := resp.JSON(t)["server"].(map[string]any)
	keys := sortedKeys(s)
	if want := []string{"OS-DCF:diskConfig", "adminPass", "id", "links", "security_groups"}; !slices.Equal(keys, want) {
		t.Errorf("create keys = %v, want %v", keys, want)
	}
	id := s["id"].(string)
	if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "/compute/v2.1/servers/"+id) {
		t.Errorf("Location = %q", loc)
	}
	if pw := s["adminPass"].(string); len(pw) != 12 {
		t.Errorf("adminPass = %q, want 12 characters", pw)
	}
	got := b.show(t, b.demo, id, "2.100")
	for k, want := range map[string]any{"status": "BUILD", "OS-EXT-STS:task_state": "scheduling", "OS-EXT-STS:vm_state": "building",
		"OS-EXT-STS:power_state": float64(0), "hostId": "", "OS-EXT-SRV-ATTR:hostname": "web-server-1", "description": "d",
		"progress": float64(0), "OS-SRV-USG:launched_at": nil} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	// Below 2.19 the description is the name.
	id2 := b.create(t, b.demo, "old", nil)
	if d := b.show(t, b.demo, id2, "2.19")["description"]; d != nil {
		t.Errorf("2.100 create without description: description = %v, want null", d)
	}
	resp = b.do("POST", "/servers", b.demo, "2.1", map[string]any{"server": map[string]any{
		"name": "legacy", "imageRef": b.image, "flavorRef": "1"}})
	id3 := resp.JSON(t)["server"].(map[string]any)["id"].(string)
	if d := b.show(t, b.demo, id3, "2.19")["description"]; d != "legacy" {
		t.Errorf("2.1 create: description = %v, want the name", d)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestMultipleCreate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{
		"name": "multi", "imageRef": b.image, "flavorRef": "1", "networks": "none", "min_count": 2, "max_count": 3,
		"return_reservation_id": true}})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	body := resp.JSON(t)
	rid, _ := body["reservation_id"].(string)
	if len(body) != 1 || !strings.HasPrefix(rid, "r-") || len(rid) != 10 {
		t.Fatalf("body = %v, want only a reservation_id", body)
	}
	list := b.do("GET", "/servers/detail?reservation_id="+rid, b.demo, "2.100", nil)
	if got, want := names(t, list), []string{"multi-1", "multi-2", "multi-3"}; !slices.Equal(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	for _, s := range list.JSON(t)["servers"].([]any) {
		m := s.(map[string]any)
		if !strings.HasPrefix(m["OS-EXT-SRV-ATTR:hostname"].(string), "multi-") {
			t.Errorf("hostname = %v", m["OS-EXT-SRV-ATTR:hostname"])
		}
	}
	// Quota: 10 instances; 3 used, so max 9 gives 7 (min 1), then nothing fits.
	resp = b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{
		"name": "fill", "imageRef": b.image, "flavorRef": "42", "networks": "none", "max_count": 9, "return_reservation_id": true}})
	rid = resp.JSON(t)["reservation_id"].(string)
	if n := len(names(t, b.do("GET", "/servers?reservation_id="+rid, b.demo, "2.100", nil))); n != 7 {
		t.Errorf("created %d servers, want the 7 that fit", n)
	}
	status, msg := fault(t, b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{
		"name": "over", "imageRef": b.image, "flavorRef": "42", "networks": "none"}}))
	if status != 403 || msg != "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances" {
		t.Errorf("over quota: %d %q", status, msg)
	}
}
