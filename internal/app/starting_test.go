package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"novalite/internal/app"
	"novalite/internal/app/apptest"
)

// While serve's bootstrap runs, the listener already answers what reads
// nothing bootstrap writes; a token request waits for the users and is
// answered once bootstrap is done (not 401 for a user not made yet).
func TestAnswersWhileBootstrapping(t *testing.T) {
	release := make(chan struct{})
	s := apptest.StartServing(t, func(ctx context.Context, a *app.App) error {
		<-release
		_, err := a.Bootstrap(ctx)
		return err
	})
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/compute/v2.1/", 200},
		{"GET", "/compute/", 200},
		{"GET", "/identity/v3", 200},
		{"HEAD", "/identity/", 300},
		{"GET", "/image/versions", 200},
		{"GET", "/volume/", 300},
		{"GET", "/healthz", 200},
		{"GET", "/readyz", 503}, // "not ready: starting"
		{"GET", "/compute/v2.1/servers", 401},
	} {
		if got := s.Do(apptest.Request{Method: tt.method, Path: tt.path}); got.Status != tt.want {
			t.Errorf("%s %s while bootstrapping = %d %s, want %d", tt.method, tt.path, got.Status, got.Body, tt.want)
		}
	}
	if body := s.Do(apptest.Request{Method: "GET", Path: "/readyz"}).Body; !strings.Contains(string(body), "starting") {
		t.Errorf("/readyz while bootstrapping = %q, want it to say starting", body)
	}
	token := make(chan int, 1)
	go func() {
		body := `{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
			"password": "` + apptest.AdminPassword + `", "domain": {"name": "Default"}}}}}}`
		req, _ := http.NewRequest("POST", s.URL+"/identity/v3/auth/tokens", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			token <- 0
			return
		}
		resp.Body.Close()
		token <- resp.StatusCode
	}()
	select {
	case code := <-token:
		t.Fatalf("token request answered %d while bootstrapping, want it held", code)
	case <-time.After(300 * time.Millisecond): // held (a slow machine only holds it longer)
	}
	close(release)
	released = true
	if code := <-token; code != http.StatusCreated {
		t.Errorf("held token request = %d after bootstrap, want 201", code)
	}
	if got := s.Do(apptest.Request{Method: "GET", Path: "/readyz"}); got.Status != 200 {
		t.Errorf("/readyz after bootstrap = %d %s", got.Status, got.Body)
	}
}
