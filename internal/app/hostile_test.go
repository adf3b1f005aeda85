package app_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// routePattern finds the route patterns in an API's routes.go.
var routePattern = regexp.MustCompile(`"((?:GET|HEAD|POST|PUT|PATCH|DELETE) /[^"]*)"`)

// routeCounts are how many routes each API's table lists: a table that
// stops naming its routes literally (built in a loop, say) drops them
// from every test that walks routes(), so a change of count must be
// made here too, on purpose.
var routeCounts = map[string]int{"compute": 146, "identity": 50, "image": 22, "network": 48, "volume": 55, "control": 8}

// routes lists "METHOD /prefix/path" for every route the five APIs and
// the control API register in their route tables.
func routes(t *testing.T) []string {
	t.Helper()
	prefixes := map[string]string{"compute": "/compute/v2.1", "identity": "/identity", "image": "/image", "network": "/network",
		"volume": "/volume", "control": "/novalite/v1"}
	var out []string
	for api, prefix := range prefixes {
		found := 0
		file := "../api/" + api + "/routes.go"
		if api == "control" {
			file = "../api/control/control.go"
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range routePattern.FindAllStringSubmatch(string(b), -1) {
			method, path, _ := strings.Cut(m[1], " ")
			out = append(out, method+" "+prefix+strings.TrimSuffix(path, "{$}"))
			found++
		}
		if found != routeCounts[api] {
			t.Fatalf("%s lists %d routes, routeCounts says %d", file, found, routeCounts[api])
		}
	}
	return out
}

// Hostile parts: path segments, bodies and list filters.
var (
	hostileSegments = []string{"%00", "%ff", "..%2f..%2fidentity", "a%c3%28", strings.Repeat("9", 300), "-99999999999999999999"}
	hostileBodies   = []string{
		`{"x": "\u0000"}`,
		"{\"name\": \"\xff\xfe\"}",
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		`{"server": {"name": "a", "min_count": 1e999999, "max_count": 99999999999999999999999}}`,
		`{"a": ` + strings.Repeat(`{"a": `, 3000) + `1` + strings.Repeat(`}`, 3001),
		strings.Repeat("x", 200000),
	}
	hostileQueries = []string{"name=a%7B300%7D", "name=%28%3FP%3Cx%3Ea%29", "name=%5CpL", "name=%00",
		"limit=99999999999999999999", "marker=%ff", "sort_key=%00", "name=" + strings.Repeat("a", 5000)}
)

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// TestHostileInput sends NUL, 0xFF, invalid UTF-8, huge and deeply
// nested bodies, traversal, hostile regexes and huge numbers to every
// route of the five APIs: each answers a 4xx (or a success) with the
// addressed API's JSON error body, never a 5xx.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, func(c *config.Config) { c.ControlAPI = true })
	admin := srv.AdminToken()
	headers := map[string]string{"X-Auth-Token": admin, "Accept": "application/json"}
	type req struct{ method, target, body, ctype string }
	var reqs []req
	for _, r := range routes(t) {
		method, path, _ := strings.Cut(r, " ")
		if strings.HasSuffix(path, "/auth/tokens") && method == "DELETE" || path == "/novalite/v1/reset" {
			continue // would revoke the test's own token, or undo the cloud under it
		}
		if wildcard.MatchString(path) {
			for _, seg := range hostileSegments {
				reqs = append(reqs, req{method, wildcard.ReplaceAllString(path, seg), "", ""})
			}
		} else if method == "GET" {
			for _, q := range hostileQueries {
				reqs = append(reqs, req{method, path + "?" + q, "", ""})
			}
		}
		if method == "POST" || method == "PUT" || method == "PATCH" {
			target := wildcard.ReplaceAllString(path, "00000000-0000-0000-0000-000000000000")
			ctype := "application/json"
			if method == "PATCH" && strings.HasPrefix(path, "/image") {
				ctype = "application/openstack-images-v2.1-json-patch"
			}
			for _, b := range hostileBodies {
				reqs = append(reqs, req{method, target, b, ctype})
			}
		}
	}
	fivexx := 0
	for _, r := range reqs {
		h := map[string]string{}
		for k, v := range headers {
			h[k] = v
		}
		var body []byte
		if r.body != "" {
			body = []byte(r.body)
			h["Content-Type"] = r.ctype
		}
		resp := srv.Raw(apptest.Request{Method: r.method, Path: r.target, Headers: h, Body: body})
		short := r.body[:min(len(r.body), 40)]
		switch {
		case resp.Status >= 500:
			fivexx++
			t.Errorf("%s %s %q: %d %.200s", r.method, r.target[:min(len(r.target), 120)], short, resp.Status, resp.Body)
		case resp.Status >= 400 && r.method != "HEAD" && dialectOf(resp.Body) != apiOf(r.target):
			t.Errorf("%s %s %q: %d body %.200s is not %s's error", r.method, r.target[:min(len(r.target), 120)], short,
				resp.Status, resp.Body, apiOf(r.target))
		case resp.Status >= 301 && resp.Status < 400: // 300 is Keystone's version list
			t.Errorf("%s %.120s: redirect %d to %s", r.method, r.target, resp.Status, resp.Header.Get("Location"))
		}
	}
	t.Logf("%d hostile requests, %d answered 5xx", len(reqs), fivexx)
}
