package identity_test

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// testBundle is a running novalite and the tokens most tests need.
type testBundle struct {
	srv   *apptest.Server
	admin string // admin on project admin
	demo  string // demo (member) on project demo
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	srv := apptest.Start(t)
	return &testBundle{srv: srv, admin: srv.AdminToken(), demo: srv.DemoToken()}
}

// auth builds a POST /v3/auth/tokens body.
func auth(identity map[string]any, scope any) map[string]any {
	a := map[string]any{"identity": identity}
	if scope != nil {
		a["scope"] = scope
	}
	return map[string]any{"auth": a}
}

func password(user map[string]any) map[string]any {
	return map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": user}}
}

func tokenMethod(id string) map[string]any {
	return map[string]any{"methods": []string{"token"}, "token": map[string]any{"id": id}}
}

// get walks a decoded JSON value along keys ("token", "project", "id").
func get(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %q: %v is not an object", k, v)
		}
		v = m[k]
	}
	return v
}

func str(t *testing.T, v any, keys ...string) string {
	t.Helper()
	s, _ := get(t, v, keys...).(string)
	return s
}

// id returns the "id" of the object under key in a create/show response.
func id(t *testing.T, resp apptest.Response, key string) string {
	t.Helper()
	return str(t, resp.JSON(t), key, "id")
}

// names returns the values of field in the objects of list.
func names(t *testing.T, list any, field string) []string {
	t.Helper()
	var out []string
	for _, x := range list.([]any) {
		out = append(out, x.(map[string]any)[field].(string))
	}
	sort.Strings(out)
	return out
}

// wantStatus fails unless resp has status.
func wantStatus(t *testing.T, what string, resp apptest.Response, status int) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, resp.Status, status, resp.Body)
	}
}

// wantKeystoneError checks Keystone's error body and, for 401, the
// WWW-Authenticate header.
func wantKeystoneError(t *testing.T, b *testBundle, what string, resp apptest.Response, status int, msg string) {
	t.Helper()
	wantStatus(t, what, resp, status)
	var body struct {
		Error struct {
			Code    int    `json:"code"`
			Title   string `json:"title"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatalf("%s: %v: %s", what, err, resp.Body)
	}
	if body.Error.Code != status || body.Error.Title != http.StatusText(status) {
		t.Errorf("%s: error code/title %d %q, want %d %q", what, body.Error.Code, body.Error.Title, status, http.StatusText(status))
	}
	if msg != "" && body.Error.Message != msg {
		t.Errorf("%s: message %q, want %q", what, body.Error.Message, msg)
	}
	if status == http.StatusUnauthorized {
		if got, want := resp.Header.Get("WWW-Authenticate"), `Keystone uri="`+b.srv.URL+`/identity"`; got != want {
			t.Errorf("%s: WWW-Authenticate %q, want %q", what, got, want)
		}
	}
}

// keystoneTime is Keystone's token time format: six fractional digits, Z.
var keystoneTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)

// reference reads a captured real response from testdata (for .http
// files, the body after the headers), with the captured host replaced.
func reference(t *testing.T, name, from, to string) any {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.HasSuffix(name, ".http") {
		_, s, _ = strings.Cut(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n")
	}
	var v any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(s, from, to)), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// shape reduces a JSON value to its structure: object keys with the
// shapes of their values, the shape of the first element of arrays, and
// the JSON type of scalars.
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			m[k] = shape(e)
		}
		return m
	case []any:
		if len(x) == 0 {
			return []any{}
		}
		return []any{shape(x[0])}
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return reflect.TypeOf(v).String()
}
