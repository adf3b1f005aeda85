package compute_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// novaReference reads a recorded response of real Nova from testdata,
// with Nova's base URL replaced by base and the version numbers of that
// Nova replaced by novalite's.
func novaReference(t *testing.T, name, base string) (int, http.Header, any) {
	t.Helper()
	return apptest.Recorded(t, "testdata/"+name, "http://127.0.0.1:8774", base,
		`"version": "2.93"`, `"version": "2.104"`)
}

func TestComputeVersionDocuments(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	base := srv.URL + "/compute"
	for _, tc := range []struct{ path, ref string }{
		{"/compute/", "nova-GET-root.http"},
		{"/compute", "nova-GET-root.http"},
		{"/compute/v2.1", "nova-GET-v2.1.http"},
		{"/compute/v2.1/", "nova-GET-v2.1-slash.http"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, hdr, want := novaReference(t, tc.ref, base)
			r := srv.Do(apptest.Request{Method: "GET", Path: tc.path})
			if r.Status != status {
				t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
			}
			var got any
			if err := json.Unmarshal(r.Body, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body\n got %s\nwant %v", r.Body, want)
			}
			for _, h := range []string{"OpenStack-API-Version", "X-OpenStack-Nova-API-Version"} {
				if g, w := r.Header.Get(h), hdr.Get(h); g != w {
					t.Errorf("%s %q, want %q", h, g, w)
				}
			}
			if !slices2Equal(r.Header.Values("Vary"), hdr.Values("Vary")) {
				t.Errorf("Vary %q, want %q", r.Header.Values("Vary"), hdr.Values("Vary"))
			}
		})
	}
}

func slices2Equal(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

func TestMicroversionNegotiation(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	const invalid = "API Version String %s is of invalid format. Must be of format MajorNum.MinorNum."
	for _, tc := range []struct {
		name    string
		headers map[string]string
		status  int
		version string // echoed, or the fault message
	}{
		{"none", nil, 200, "2.1"},
		{"legacy header", map[string]string{"X-OpenStack-Nova-API-Version": "2.37"}, 200, "2.37"},
		{"new header", map[string]string{"OpenStack-API-Version": "compute 2.60"}, 200, "2.60"},
		{"new header wins", map[string]string{"OpenStack-API-Version": "compute 2.60", "X-OpenStack-Nova-API-Version": "2.10"}, 200, "2.60"},
		{"other service only", map[string]string{"OpenStack-API-Version": "volume 3.5", "X-OpenStack-Nova-API-Version": "2.10"}, 200, "2.10"},
		{"case-insensitive service", map[string]string{"OpenStack-API-Version": "COMPUTE 2.20"}, 200, "2.20"},
		{"list, last compute wins", map[string]string{"OpenStack-API-Version": "compute 2.3, volume 3.1, compute 2.5"}, 200, "2.5"},
		{"legacy list, last wins", map[string]string{"X-OpenStack-Nova-API-Version": "2.3,2.7"}, 200, "2.7"},
		{"latest", map[string]string{"OpenStack-API-Version": "compute latest"}, 200, "2.104"},
		{"legacy latest", map[string]string{"X-OpenStack-Nova-API-Version": "latest"}, 200, "2.104"},
		{"min", map[string]string{"OpenStack-API-Version": "compute 2.1"}, 200, "2.1"},
		{"max", map[string]string{"OpenStack-API-Version": "compute 2.104"}, 200, "2.104"},
		{"Latest is malformed", map[string]string{"OpenStack-API-Version": "compute Latest"}, 400, strings.Replace(invalid, "%s", "Latest", 1)},
		{"malformed", map[string]string{"OpenStack-API-Version": "compute 2.x"}, 400, strings.Replace(invalid, "%s", "2.x", 1)},
		{"leading zero", map[string]string{"X-OpenStack-Nova-API-Version": "2.01"}, 400, strings.Replace(invalid, "%s", "2.01", 1)},
		{"three parts", map[string]string{"X-OpenStack-Nova-API-Version": "2.1.1"}, 400, strings.Replace(invalid, "%s", "2.1.1", 1)},
		{"too high", map[string]string{"OpenStack-API-Version": "compute 2.200"}, 406, "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.104."},
		{"too low", map[string]string{"X-OpenStack-Nova-API-Version": "2.0"}, 406, "Version 2.0 is not supported by the API. Minimum is 2.1 and maximum is 2.104."},
		{"major 3", map[string]string{"X-OpenStack-Nova-API-Version": "3.0"}, 406, "Version 3.0 is not supported by the API. Minimum is 2.1 and maximum is 2.104."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/compute/v2.1/servers", "/compute/v2.1/"} {
				r := srv.Do(apptest.Request{Method: "GET", Path: path, Token: demo, Headers: tc.headers})
				if r.Status != tc.status {
					t.Fatalf("%s: status %d, want %d: %s", path, r.Status, tc.status, r.Body)
				}
				if tc.status != 200 {
					key := map[int]string{400: "badRequest", 406: "computeFault"}[tc.status]
					checkFault(t, r, key, tc.version)
					// Nova's Fault echoes the version it refused (406); a
					// malformed one never became the request's (400).
					if tc.status == 406 {
						checkVersionHeaders(t, r, strings.Fields(tc.version)[1])
					} else if h := r.Header.Get("OpenStack-API-Version"); h != "" {
						t.Errorf("%s: OpenStack-API-Version %q on a malformed version", path, h)
					}
					continue
				}
				checkVersionHeaders(t, r, tc.version)
			}
		})
	}
	// Nova's numbers have no bound: a well-formed version past an int is
	// past the maximum (406), and there is no Version of ours to echo.
	huge := "2.99999999999999999999"
	r := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers", Token: demo,
		Headers: map[string]string{"OpenStack-API-Version": "compute " + huge}})
	if r.Status != 406 {
		t.Fatalf("%s: status %d, want 406: %s", huge, r.Status, r.Body)
	}
	checkFault(t, r, "computeFault", "Version "+huge+" is not supported by the API. Minimum is 2.1 and maximum is 2.104.")
	if h := r.Header.Get("OpenStack-API-Version"); h != "" {
		t.Errorf("%s: OpenStack-API-Version %q", huge, h)
	}
}

func checkVersionHeaders(t *testing.T, r apptest.Response, v string) {
	t.Helper()
	if got := r.Header.Get("OpenStack-API-Version"); got != "compute "+v {
		t.Errorf("OpenStack-API-Version %q, want compute %s", got, v)
	}
	if got := r.Header.Get("X-OpenStack-Nova-API-Version"); got != v {
		t.Errorf("X-OpenStack-Nova-API-Version %q, want %s", got, v)
	}
	vary := strings.Join(r.Header.Values("Vary"), ",")
	if !strings.Contains(vary, "OpenStack-API-Version") || !strings.Contains(vary, "X-OpenStack-Nova-API-Version") {
		t.Errorf("Vary %q", vary)
	}
}

// checkFault checks Nova's {"<key>": {"code", "message"}}.
func checkFault(t *testing.T, r apptest.Response, key, msg string) {
	t.Helper()
	var body map[string]map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("fault body %q: %v", r.Body, err)
	}
	f, ok := body[key]
	if !ok || len(body) != 1 {
		t.Fatalf("fault %s, want key %s", r.Body, key)
	}
	if f["code"] != float64(r.Status) {
		t.Errorf("code %v, status %d", f["code"], r.Status)
	}
	if msg != "" && f["message"] != msg {
		t.Errorf("message %q, want %q", f["message"], msg)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

var requestID = regexp.MustCompile(`^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Every response, whatever produced it, has the two request id headers,
// and errors of the v2.1 API echo the microversion.
func TestFrameHeadersEverywhere(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	mv := map[string]string{"OpenStack-API-Version": "compute 2.42"}
	seen := map[string]bool{}
	for _, tc := range []struct {
		method, path, token string
		body                any
		status              int
		versioned           bool // version headers expected
	}{
		{"GET", "/compute/", "", nil, 200, false},
		{"GET", "/compute/v2.1/", "", nil, 200, true},
		{"GET", "/compute/v2.1/servers", demo, nil, 200, true},
		{"GET", "/compute/v2.1/servers/" + "00000000-0000-4000-8000-000000000000", demo, nil, 404, true},
		{"GET", "/compute/v2.1/servers/detail?all_tenants=1", demo, nil, 403, true},
		{"POST", "/compute/v2.1/servers", demo, "{", 400, true},
		{"GET", "/compute/v2.1/servers", "", nil, 401, false},
		{"GET", "/compute/v2.1/servers", "bad-token", nil, 401, false},
		{"GET", "/compute/v3", "", nil, 300, false},
		{"GET", "/identity/v3", "", nil, 200, false},
		{"GET", "/identity/v3/users", "", nil, 401, false},
		{"GET", "/image/v2/images", demo, nil, 200, false},
		{"GET", "/network/v2.0/networks", demo, nil, 200, false},
		{"GET", "/healthz", "", nil, 200, false},
		{"GET", "/nothing", "", nil, 404, false},
	} {
		r := srv.Do(apptest.Request{Method: tc.method, Path: tc.path, Token: tc.token, Body: tc.body, Headers: mv})
		if r.Status != tc.status {
			t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, r.Status, tc.status, r.Body)
			continue
		}
		id := r.Header.Get("X-Openstack-Request-Id")
		if !requestID.MatchString(id) || r.Header.Get("X-Compute-Request-Id") != id {
			t.Errorf("%s %s: request ids %q %q", tc.method, tc.path, id, r.Header.Get("X-Compute-Request-Id"))
		}
		if seen[id] {
			t.Errorf("%s %s: request id %s seen before", tc.method, tc.path, id)
		}
		seen[id] = true
		if tc.versioned {
			checkVersionHeaders(t, r, "2.42")
		} else if strings.HasPrefix(tc.path, "/compute/") && r.Header.Get("X-OpenStack-Nova-API-Version") != "" && tc.status != 401 {
			t.Errorf("%s %s: version headers on a response outside the v2.1 API", tc.method, tc.path)
		}
	}
	// An inbound request id is not echoed.
	in := "req-11111111-2222-4333-8444-555555555555"
	r := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers", Token: demo, Headers: map[string]string{"X-Openstack-Request-Id": in}})
	if r.Header.Get("X-Openstack-Request-Id") == in {
		t.Error("inbound request id echoed")
	}
}

func TestComputeAuth(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	for _, tok := range []string{"", "garbage", "gAAAAABnotreally"} {
		for _, path := range []string{"/compute/v2.1/servers", "/compute/v2.1/flavors/1", "/compute/v2/servers"} {
			r := srv.Do(apptest.Request{Method: "GET", Path: path, Token: tok})
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("%s with %q: %d %s", path, tok, r.Status, r.Body)
			}
			want := map[string]any{"error": map[string]any{"code": 401.0, "title": "Unauthorized",
				"message": "The request you have made requires authentication."}}
			var got any
			_ = json.Unmarshal(r.Body, &got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body %s", r.Body)
			}
			if got := r.Header.Get("WWW-Authenticate"); got != `Keystone uri="`+srv.URL+`/identity"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
		}
	}
	// The version document needs no token.
	if r := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/"}); r.Status != http.StatusOK {
		t.Errorf("version document without a token: %d", r.Status)
	}
}

func TestProjectInURL(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	tok := srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: demo, Headers: map[string]string{"X-Subject-Token": demo}}).JSON(t)["token"].(map[string]any)
	own := tok["project"].(map[string]any)["id"].(string)
	other := strings.Repeat("ab", 16)
	if r := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/" + own + "/servers", Token: demo}); r.Status != http.StatusOK {
		t.Errorf("own project in URL: %d %s", r.Status, r.Body)
	}
	r := srv.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/" + other + "/servers", Token: demo})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("other project in URL: %d %s", r.Status, r.Body)
	}
	checkFault(t, r, "badRequest", "Malformed request URL: URL's project_id '"+other+"' doesn't match Context's project_id '"+own+"'")
	checkVersionHeaders(t, r, "2.1")
}

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	big := `{"server": {"name": "` + strings.Repeat("x", 114688) + `"}}`
	r := srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: demo, Body: big})
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d %s", r.Status, r.Body)
	}
	// The same without Content-Length (chunked): refused while reading.
	req, _ := http.NewRequest("POST", srv.URL+"/compute/v2.1/servers", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("X-Auth-Token", demo)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ContentLength == 0 || resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("X-Openstack-Request-Id") == "" {
		t.Errorf("chunked large body: %d", resp.StatusCode)
	}
	// Just under the limit passes the limit (and fails validation instead).
	under := `{"server": {"name": "` + strings.Repeat("x", 114688-40) + `"}}`
	if r := srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: demo, Body: under}); r.Status != http.StatusBadRequest {
		t.Errorf("body under the limit: %d", r.Status)
	}

	r = srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: demo, Body: `{"server": `})
	checkFault(t, r, "badRequest", "Malformed request body")
	r = srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: demo, Body: `{"server": {}} trailing`})
	checkFault(t, r, "badRequest", "Malformed request body")

	for _, ct := range []string{"text/xml", "application/xml", "multipart/form-data"} {
		r := srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: demo, Body: `{"server": {}}`, Headers: map[string]string{"Content-Type": ct}})
		if r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %s: %d", ct, r.Status)
			continue
		}
		checkFault(t, r, "badMediaType", "Unsupported Content-Type")
	}
	for _, ct := range []string{"application/json; charset=UTF-8", "application/vnd.openstack.compute+json", "text/plain"} {
		r := srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: demo, Body: `{"server": {}}`, Headers: map[string]string{"Content-Type": ct}})
		if r.Status == http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %s refused", ct)
		}
	}
}

// Nova's Fault sets the version headers on every fault of a negotiated
// request, whatever raised it.
func TestVersionHeadersOnFaults(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	h := map[string]string{"OpenStack-API-Version": "compute 2.60"}
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/compute/v2.1/servers/00000000-0000-4000-8000-000000000000", nil, 404},
		{"POST", "/compute/v2.1/servers", map[string]any{"server": map[string]any{}}, 400},
		{"GET", "/compute/v2.1/os-hypervisors", nil, 403},
		{"POST", "/compute/v2.1/servers/00000000-0000-4000-8000-000000000000/action", map[string]any{"nope": nil}, 400},
		{"DELETE", "/compute/v2.1/os-keypairs/none", nil, 404},
	} {
		r := srv.Do(apptest.Request{Method: tc.method, Path: tc.path, Token: demo, Body: tc.body, Headers: h})
		if r.Status != tc.status {
			t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, r.Status, tc.status, r.Body)
			continue
		}
		checkVersionHeaders(t, r, "2.60")
	}
}
