package app

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A start that fails answers the requests it held 503, in their API's
// dialect, and never passes them on.
func TestStartGateFailed(t *testing.T) {
	g := newStartGate()
	srv := httptest.NewServer(g.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("%s %s passed a failed start", r.Method, r.URL.Path)
	})))
	defer srv.Close()
	type answer struct {
		code int
		body string
	}
	held := make(chan answer, 1)
	go func() {
		resp, err := http.Post(srv.URL+"/compute/v2.1/servers", "application/json", strings.NewReader("{}"))
		if err != nil {
			held <- answer{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		held <- answer{resp.StatusCode, string(b)}
	}()
	g.open(errors.New("bootstrap: disk full"))
	got := <-held
	if got.code != http.StatusServiceUnavailable || !strings.Contains(got.body, "The server failed to start.") ||
		strings.Contains(got.body, "disk full") {
		t.Errorf("held request after a failed start = %d %s, want 503 without the cause", got.code, got.body)
	}
}
