package volume_test

import (
	"testing"

	"novalite/internal/app/apptest"
)

// mv is the microversion header of a request.
func mv(v string) map[string]string { return map[string]string{"OpenStack-API-Version": "volume " + v} }

// do sends a request under /volume at microversion 3.71 and checks the
// status; it returns the decoded body (nil when empty).
func do(t *testing.T, srv *apptest.Server, tok, method, path string, body any, want int) map[string]any {
	t.Helper()
	return doAt(t, srv, "3.71", tok, method, path, body, want)
}

func doAt(t *testing.T, srv *apptest.Server, version, tok, method, path string, body any, want int) map[string]any {
	t.Helper()
	return srv.Expect(t, apptest.Request{Method: method, Path: "/volume" + path, Token: tok, Body: body, Headers: mv(version)}, want)
}

// fault checks a Cinder fault body of the given key and returns its
// message.
func fault(t *testing.T, srv *apptest.Server, tok, method, path string, body any, status int, key string) string {
	t.Helper()
	resp := srv.Do(apptest.Request{Method: method, Path: "/volume" + path, Token: tok, Body: body, Headers: mv("3.71")})
	if resp.Status != status {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.Status, status, resp.Body)
	}
	f, ok := resp.JSON(t)[key].(map[string]any)
	if !ok || f["code"] != float64(status) {
		t.Fatalf("%s %s: body %s, want a %s fault", method, path, resp.Body, key)
	}
	return f["message"].(string)
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func list(m map[string]any, key string) []any { return m[key].([]any) }

// createVolume creates a volume of size GiB and returns it (status
// available: creation finishes within the request).
func createVolume(t *testing.T, srv *apptest.Server, tok string, body map[string]any) map[string]any {
	t.Helper()
	return obj(do(t, srv, tok, "POST", "/v3/volumes", map[string]any{"volume": body}, 202), "volume")
}

func status(t *testing.T, srv *apptest.Server, tok, id string) string {
	t.Helper()
	return obj(do(t, srv, tok, "GET", "/v3/volumes/"+id, nil, 200), "volume")["status"].(string)
}
