package compute_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// wantFault checks a Nova fault body: {key: {code, message}}.
func wantFault(t *testing.T, what string, r apptest.Response, status int, key, msg string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
	var body map[string]struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || len(body) != 1 {
		t.Fatalf("%s: not a fault body: %s", what, r.Body)
	}
	f, ok := body[key]
	if !ok || f.Code != status || (msg != "" && f.Message != msg) {
		t.Errorf("%s: fault %s, want %s %d %q", what, r.Body, key, status, msg)
	}
}

// wantVersionHeaders checks the echoed microversion; mv "" means none.
func wantVersionHeaders(t *testing.T, what string, r apptest.Response, mv string) {
	t.Helper()
	if mv == "" {
		if h := r.Header.Get("OpenStack-API-Version") + r.Header.Get("X-OpenStack-Nova-API-Version"); h != "" {
			t.Errorf("%s: unexpected version headers %q", what, h)
		}
		return
	}
	if got := r.Header.Get("OpenStack-API-Version"); got != "compute "+mv {
		t.Errorf("%s: OpenStack-API-Version %q, want %q", what, got, "compute "+mv)
	}
	if got := r.Header.Get("X-OpenStack-Nova-API-Version"); got != mv {
		t.Errorf("%s: X-OpenStack-Nova-API-Version %q, want %q", what, got, mv)
	}
	var vary []string
	for _, v := range r.Header.Values("Vary") {
		for _, p := range strings.Split(v, ",") {
			vary = append(vary, strings.TrimSpace(p))
		}
	}
	for _, want := range []string{"OpenStack-API-Version", "X-OpenStack-Nova-API-Version"} {
		if !slices.Contains(vary, want) {
			t.Errorf("%s: Vary %v lacks %s", what, vary, want)
		}
	}
}

func TestMicroversionNegotiation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const (
		std    = "OpenStack-API-Version"
		legacy = "X-OpenStack-Nova-API-Version"
	)
	tests := []struct {
		name    string
		headers map[string]string
		status  int
		mv      string // echoed on success
		msg     string // fault message on failure
	}{
		{"none", nil, 200, "2.1", ""},
		{"legacy", map[string]string{legacy: "2.60"}, 200, "2.60", ""},
		{"standard", map[string]string{std: "compute 2.60"}, 200, "2.60", ""},
		{"standard wins over legacy", map[string]string{std: "compute 2.60", legacy: "2.30"}, 200, "2.60", ""},
		{"standard for another service only", map[string]string{std: "volume 3.10", legacy: "2.11"}, 200, "2.11", ""},
		{"list of services", map[string]string{std: "identity 3.0, compute 2.42"}, 200, "2.42", ""},
		{"last compute entry wins", map[string]string{std: "compute 2.5, compute 2.7"}, 200, "2.7", ""},
		{"service type in any case", map[string]string{std: "COMPUTE 2.5"}, 200, "2.5", ""},
		{"legacy last value wins", map[string]string{legacy: "2.5, 2.7"}, 200, "2.7", ""},
		{"latest", map[string]string{std: "compute latest"}, 200, "2.104", ""},
		{"latest legacy", map[string]string{legacy: "latest"}, 200, "2.104", ""},
		{"minimum", map[string]string{legacy: "2.1"}, 200, "2.1", ""},
		{"maximum", map[string]string{legacy: "2.104"}, 200, "2.104", ""},
		{"below the minimum", map[string]string{std: "compute 2.0"}, 406, "",
			"Version 2.0 is not supported by the API. Minimum is 2.1 and maximum is 2.104."},
		{"above the maximum", map[string]string{std: "compute 2.105"}, 406, "",
			"Version 2.105 is not supported by the API. Minimum is 2.1 and maximum is 2.104."},
		{"another major", map[string]string{legacy: "3.0"}, 406, "",
			"Version 3.0 is not supported by the API. Minimum is 2.1 and maximum is 2.104."},
		{"no minor", map[string]string{legacy: "2"}, 400, "",
			"API Version String 2 is of invalid format. Must be of format MajorNum.MinorNum."},
		{"leading zero", map[string]string{std: "compute 2.05"}, 400, "",
			"API Version String 2.05 is of invalid format. Must be of format MajorNum.MinorNum."},
		{"Latest is not latest", map[string]string{legacy: "Latest"}, 400, "",
			"API Version String Latest is of invalid format. Must be of format MajorNum.MinorNum."},
		{"garbage", map[string]string{std: "compute x.y"}, 400, "",
			"API Version String x.y is of invalid format. Must be of format MajorNum.MinorNum."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/compute/v2.1/servers", "/compute/v2.1/"} {
				r := b.srv.Do("GET", path, b.demo, nil, tt.headers)
				switch tt.status {
				case 200:
					if r.Status != 200 {
						t.Fatalf("%s: %d %s", path, r.Status, r.Body)
					}
				case 406:
					wantFault(t, path, r, 406, "computeFault", tt.msg)
				default:
					wantFault(t, path, r, tt.status, "badRequest", tt.msg)
				}
				// Nova echoes the version only once it has one
				// (nova/api/openstack/wsgi.py, Fault.__call__).
				wantVersionHeaders(t, path, r, tt.mv)
			}
		})
	}
}

var requestID = regexp.MustCompile(`^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestFrameHeaders: request ids on every response, version headers on
// every response of the v2.1 API.
func TestFrameHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name, method, path, token string
		body                      any
		headers                   map[string]string
		status                    int
		mv                        string
	}{
		{"versions", "GET", "/compute/", "", nil, nil, 200, ""},
		{"version document", "GET", "/compute/v2.1/", "", nil, nil, 200, "2.1"},
		{"legacy document", "GET", "/compute/v2/", "", nil, nil, 200, ""},
		{"list", "GET", "/compute/v2.1/servers", b.demo, nil, mvHeader("2.47"), 200, "2.47"},
		{"legacy ignores versions", "GET", "/compute/v2/servers", b.demo, nil, mvHeader("2.200"), 200, ""},
		{"not found", "GET", "/compute/v2.1/nothing-here", b.demo, nil, mvHeader("2.10"), 404, "2.10"},
		{"server not found", "GET", "/compute/v2.1/servers/00000000-0000-0000-0000-000000000000", b.demo, nil, nil, 404, "2.1"},
		{"no token", "GET", "/compute/v2.1/servers", "", nil, mvHeader("2.3"), 401, "2.3"},
		{"policy", "GET", "/compute/v2.1/servers?all_tenants=1", b.demo, nil, nil, 403, "2.1"},
		{"media type", "POST", "/compute/v2.1/servers", b.demo, "<server/>", map[string]string{"Content-Type": "application/xml"}, 415, "2.1"},
		{"bad version", "GET", "/compute/v2.1/servers", b.demo, nil, mvHeader("2.0"), 406, ""},
		{"identity", "GET", "/identity/v3", "", nil, nil, 200, ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.srv.Do(tt.method, tt.path, tt.token, tt.body, tt.headers)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			id := r.Header.Get("X-Openstack-Request-Id")
			if !requestID.MatchString(id) || r.Header.Get("X-Compute-Request-Id") != id {
				t.Errorf("request ids %q and %q", id, r.Header.Get("X-Compute-Request-Id"))
			}
			if seen[id] {
				t.Errorf("request id %s reused", id)
			}
			seen[id] = true
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if strings.HasPrefix(tt.path, "/compute") {
				wantVersionHeaders(t, tt.name, r, tt.mv)
			}
		})
	}
	// An inbound request id is not echoed.
	const mine = "req-11111111-2222-4333-8444-555555555555"
	r := b.srv.Do("GET", "/compute/v2.1/servers", b.demo, nil, map[string]string{"X-OpenStack-Request-Id": mine})
	if r.Header.Get("X-Openstack-Request-Id") == mine {
		t.Error("inbound request id echoed")
	}
}

// TestAuthentication: keystonemiddleware's 401 for a missing, invalid or
// expired token.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tok := range []string{"", "not-a-token", "gAAAAABnot-a-fernet-token"} {
		r := b.srv.Do("GET", "/compute/v2.1/servers", tok, nil, nil)
		if r.Status != 401 {
			t.Fatalf("token %q: %d %s", tok, r.Status, r.Body)
		}
		want := `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`
		if string(r.Body) != want {
			t.Errorf("token %q: body %s", tok, r.Body)
		}
		if got := r.Header.Get("WWW-Authenticate"); got != `Keystone uri="`+b.srv.URL+`/identity"` {
			t.Errorf("WWW-Authenticate %q", got)
		}
	}
	// The token comes before the body: no token and a bad body is 401.
	r := b.srv.Do("POST", "/compute/v2.1/servers", "", "<x/>", map[string]string{"Content-Type": "application/xml"})
	if r.Status != 401 {
		t.Errorf("no token, bad media type: %d", r.Status)
	}
}

// TestProjectInURL: both URL forms; a project id not the token's is 400.
func TestProjectInURL(t *testing.T) {
	t.Parallel()
	b := setup(t)
	demoProject := str(b.srv.Do("GET", "/identity/v3/auth/tokens", b.demo, nil,
		map[string]string{"X-Subject-Token": b.demo}).JSON(t), "token", "project", "id")
	adminProject := str(b.srv.Do("GET", "/identity/v3/auth/tokens", b.admin, nil,
		map[string]string{"X-Subject-Token": b.admin}).JSON(t), "token", "project", "id")
	id := b.create(t, b.demo, "in-url", nil)
	r := b.srv.Do("GET", "/compute/v2.1/"+demoProject+"/servers/"+id, b.demo, nil, nil)
	if r.Status != 200 {
		t.Fatalf("with project: %d %s", r.Status, r.Body)
	}
	links := r.JSON(t)["server"].(map[string]any)["links"].([]any)
	wantLinks := []string{b.srv.URL + "/compute/v2.1/" + demoProject + "/servers/" + id, b.srv.URL + "/compute/" + demoProject + "/servers/" + id}
	for i, l := range links {
		if got := l.(map[string]any)["href"]; got != wantLinks[i] {
			t.Errorf("link %d %v, want %s", i, got, wantLinks[i])
		}
	}
	r = b.srv.Do("GET", "/compute/v2.1/servers/"+id, b.demo, nil, nil)
	if l := r.JSON(t)["server"].(map[string]any)["links"].([]any)[0].(map[string]any)["href"]; l != b.srv.URL+"/compute/v2.1/servers/"+id {
		t.Errorf("link without project %v", l)
	}
	r = b.srv.Do("GET", "/compute/v2.1/"+demoProject+"/servers", b.admin, nil, mvHeader("2.5"))
	wantFault(t, "mismatch", r, 400, "badRequest",
		"Malformed request URL: URL's project_id '"+demoProject+"' doesn't match Context's project_id '"+adminProject+"'")
	wantVersionHeaders(t, "mismatch", r, "2.5")

	resp := b.srv.Do("POST", "/identity/v3/auth/tokens", "", map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": "demo", "password": apptest.DemoPassword, "domain": map[string]any{"id": "default"}}}},
		"scope": "unscoped"}}, nil)
	unscoped := resp.Header.Get("X-Subject-Token")
	r = b.srv.Do("GET", "/compute/v2.1/servers", unscoped, nil, nil)
	wantFault(t, "unscoped", r, 403, "forbidden", "")
}

func str(v map[string]any, keys ...string) string {
	var x any = v
	for _, k := range keys {
		m, _ := x.(map[string]any)
		x = m[k]
	}
	s, _ := x.(string)
	return s
}

// TestRequestBodies: the size limit, undecodable JSON, Content-Type.
func TestRequestBodies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	big := `{"server": {"name": "` + strings.Repeat("x", 114688) + `"}}`
	tests := []struct {
		name    string
		body    string
		ct      string
		status  int
		key     string
		message string
	}{
		{"too large", big, "application/json", 413, "", ""},
		{"malformed", `{"server": `, "application/json", 400, "badRequest", "Malformed request body"},
		{"not JSON at all", `server=x`, "application/json", 400, "badRequest", "Malformed request body"},
		{"empty body", ``, "application/json", 400, "badRequest", ""},
		{"xml", `<server/>`, "application/xml", 415, "badMediaType", "Unsupported Content-Type"},
		{"form", `a=b`, "application/x-www-form-urlencoded", 415, "badMediaType", "Unsupported Content-Type"},
		{"text/plain is JSON", `{"server": `, "text/plain", 400, "badRequest", "Malformed request body"},
		{"compute media type", `{"server": `, "application/vnd.openstack.compute+json", 400, "badRequest", "Malformed request body"},
		{"charset", `{"server": `, "application/json; charset=UTF-8", 400, "badRequest", "Malformed request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.srv.Do("POST", "/compute/v2.1/servers", b.demo, tt.body, map[string]string{"Content-Type": tt.ct})
			if tt.status == 413 {
				if r.Status != 413 || !strings.Contains(string(r.Body), "Request is too large.") {
					t.Errorf("%d %s", r.Status, r.Body)
				}
				return
			}
			wantFault(t, tt.name, r, tt.status, tt.key, tt.message)
		})
	}
	// A chunked body (no Content-Length) over the limit is cut off too.
	req, _ := http.NewRequest("POST", b.srv.URL+"/compute/v2.1/servers", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("X-Auth-Token", b.demo)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.ContentLength != 0 && req.ContentLength != -1 {
		t.Fatalf("request was not chunked: %d", req.ContentLength)
	}
	if resp.StatusCode != 413 {
		t.Errorf("chunked: %d", resp.StatusCode)
	}
	// A GET with a foreign Content-Type is refused as Nova does.
	r := b.srv.Do("GET", "/compute/v2.1/servers", b.demo, nil, map[string]string{"Content-Type": "application/xml"})
	wantFault(t, "GET with xml", r, 415, "badMediaType", "Unsupported Content-Type")
}

// reference reads a captured Nova response body from testdata with the
// captured endpoint and max microversion replaced by ours.
func reference(t *testing.T, name, base string) any {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n\n")
	body = strings.ReplaceAll(body, "http://127.0.0.1:8774", base)
	body = strings.ReplaceAll(body, `"version": "2.93"`, `"version": "2.104"`)
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestComputeVersionDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := b.srv.URL + "/compute"
	tests := []struct{ path, ref string }{
		{"/compute", "nova-GET-root.http"},
		{"/compute/", "nova-GET-root.http"},
		{"/compute/v2.1", "nova-GET-v2.1.http"},
		{"/compute/v2.1/", "nova-GET-v2.1-slash.http"},
	}
	for _, tt := range tests {
		r := b.srv.Do("GET", tt.path, "", nil, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d", tt.path, r.Status)
		}
		if got, want := any(r.JSON(t)), reference(t, tt.ref, base); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %s\nwant %v", tt.path, r.Body, want)
		}
	}
	r := b.srv.Do("GET", "/compute/v2/", "", nil, nil)
	v := r.JSON(t)["version"].(map[string]any)
	if v["id"] != "v2.0" || v["version"] != "" || v["min_version"] != "" ||
		v["media-types"].([]any)[0].(map[string]any)["type"] != "application/vnd.openstack.compute+json;version=2" {
		t.Errorf("v2 document %s", r.Body)
	}
	r = b.srv.Do("GET", "/compute/v3", "", nil, nil)
	if r.Status != http.StatusMultipleChoices || len(r.JSON(t)["choices"].([]any)) != 2 {
		t.Errorf("other path: %d %s", r.Status, r.Body)
	}
}
