package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"novalite"
	"novalite/internal/api/httpx"
)

func TestRouted(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	mux.HandleFunc("DELETE /things/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	var gotKind novalite.Kind
	h := httpx.Routed(mux, func(w http.ResponseWriter, r *http.Request, err error) {
		gotKind = novalite.KindOf(err)
		w.WriteHeader(599)
	})
	cases := []struct {
		method, path string
		status       int
		kind         novalite.Kind
		allow        string
	}{
		{"GET", "/things", 200, 0, ""},
		{"DELETE", "/things/x", 204, 0, ""},
		{"POST", "/things", 599, novalite.NotAllowed, "GET, HEAD"},
		{"GET", "/things/x", 599, novalite.NotAllowed, "DELETE"},
		{"GET", "/nothing", 599, novalite.NotFound, ""},
	}
	for _, c := range cases {
		gotKind = 0
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if w.Code != c.status || gotKind != c.kind || w.Header().Get("Allow") != c.allow {
			t.Errorf("%s %s = %d kind %v Allow %q, want %d %v %q", c.method, c.path, w.Code, gotKind,
				w.Header().Get("Allow"), c.status, c.kind, c.allow)
		}
	}
}
