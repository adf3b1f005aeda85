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

// TestRoutedNested: a Routed mux behind another one's prefix, as the
// APIs sit behind the app's mux. A route's answer passes through both
// untouched (headers, body, Flush); an unmatched path is answered once,
// in ew's dialect, with none of the mux's plain-text headers.
func TestRoutedNested(t *testing.T) {
	t.Parallel()
	inner := http.NewServeMux()
	inner.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Id", r.PathValue("id"))
		w.WriteHeader(201)
		_, _ = w.Write([]byte("thing " + r.PathValue("id")))
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through Routed: %v", err)
		}
	})
	ew := func(w http.ResponseWriter, r *http.Request, err error) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(599)
		_, _ = w.Write([]byte(novalite.KindOf(err).String()))
	}
	outer := http.NewServeMux()
	outer.Handle("/api/", http.StripPrefix("/api", httpx.Routed(inner, ew)))
	h := httpx.Routed(outer, ew)
	cases := []struct {
		path, body, xid string
		status          int
	}{
		{"/api/things/7", "thing 7", "7", 201},
		{"/api/nothing", novalite.NotFound.String(), "", 599},
		{"/elsewhere", novalite.NotFound.String(), "", 599},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", c.path, nil))
		if w.Code != c.status || w.Body.String() != c.body || w.Header().Get("X-Id") != c.xid {
			t.Errorf("GET %s = %d %q X-Id %q, want %d %q %q", c.path, w.Code, w.Body, w.Header().Get("X-Id"), c.status, c.body, c.xid)
		}
		if c.status == 599 && (w.Header().Get("X-Content-Type-Options") != "" || w.Header().Get("Content-Type") != "application/json") {
			t.Errorf("GET %s: the mux's own headers leaked: %v", c.path, w.Header())
		}
		if c.status == 201 && !w.Flushed {
			t.Errorf("GET %s: not flushed", c.path)
		}
	}
}
