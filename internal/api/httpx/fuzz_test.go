package httpx

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"novalite"
)

// FuzzReadBody: any request body decodes or is refused as Invalid or
// TooLarge, and what decodes holds only text every engine stores.
func FuzzReadBody(f *testing.F) {
	for _, s := range []string{`{"server": {"name": "vm", "imageRef": "1", "flavorRef": "1"}}`,
		`{"a": "\u0000"}`, "{\"a\": \"\xff\"}", `[1, 2`, `null`, ``, `{"a": "\\u0000"}`, `{} {}`,
		`{"a": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}`, `{"n": 1e400}`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(string(body)))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<16)
		var v any
		_, err := ReadBody(r, &v, "Malformed request body")
		if err != nil {
			if k := novalite.KindOf(err); k != novalite.Invalid && k != novalite.TooLarge {
				t.Fatalf("kind %v: %v", k, err)
			}
			return
		}
		b, _ := json.Marshal(v)
		if !validJSONText(b) {
			t.Fatalf("accepted %q holding NUL or invalid UTF-8", body)
		}
	})
}

// FuzzEdge: any path and query is passed on only as valid, clean text,
// and refused otherwise with 404 or 400 in the dialect given.
func FuzzEdge(f *testing.F) {
	for _, s := range [][2]string{{"/compute/v2.1/servers/x", "name=a"}, {"/a/../b", ""}, {"/a//b", "x=%00"},
		{"/a/%ff", "%zz"}, {"/", "a=%ff&b"}, {"/compute/v2.1/servers", "name=%5E%28a%7Cb%29%24"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path, r.URL.RawQuery = path, query
		var passed bool
		h := Edge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { passed = true }),
			func(*http.Request) ErrorWriter {
				return func(w http.ResponseWriter, r *http.Request, err error) {
					if k := novalite.KindOf(err); k != novalite.NotFound && k != novalite.Invalid {
						t.Fatalf("kind %v", k)
					}
				}
			})
		h.ServeHTTP(httptest.NewRecorder(), r)
		if passed && (!cleanPath(path) || checkQuery(query) != nil) {
			t.Fatalf("passed %q ? %q", path, query)
		}
	})
}
