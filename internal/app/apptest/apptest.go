// Package apptest starts a whole novalite for tests: a real SQLite file in
// a temporary directory, a real listener on 127.0.0.1:0, and helpers to
// authenticate and make JSON requests over real HTTP.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"novalite/internal/app"
	"novalite/internal/config"
	"novalite/internal/store"
)

// Passwords of the bootstrap users in tests.
const (
	AdminPassword = "admin-secret"
	DemoPassword  = "demo-secret"
)

// Server is a running novalite.
type Server struct {
	App *app.App
	URL string // base URL, e.g. http://127.0.0.1:12345
	t   testing.TB

	mu     sync.Mutex
	tokens map[string]string
	stop   func()
}

// Start starts novalite with cfg adjusted by the given options and stops
// it when the test ends.
func Start(t testing.TB, opts ...func(*config.Config)) *Server {
	t.Helper()
	return StartLogging(t, nil, opts...)
}

// StartLogging is Start with the app's log going to h as well as to
// stderr (tests that count what an app logs); h nil is Start.
func StartLogging(t testing.TB, h slog.Handler, opts ...func(*config.Config)) *Server {
	t.Helper()
	return start(t, testConfig(t, opts), true, nil, h)
}

// testConfig is the configuration of a test's app: a scratch data dir
// (and database on PostgreSQL), bcrypt's minimum cost, known passwords,
// then opts.
func testConfig(t testing.TB, opts []func(*config.Config)) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.TransitionTime = 0 // tests wait for end states; some set delays of their own
	cfg.PasswordCost = bcrypt.MinCost
	cfg.AdminPassword, cfg.DemoPassword = AdminPassword, DemoPassword
	if Engine() == "postgres" {
		cfg.Database = postgresDatabase(t)
	}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// StartServing starts novalite as `novalite serve` does: the listener
// answers before setup (given the app; nil runs Bootstrap) has returned,
// and Serve holds the requests that need it (App.ServeAfter). It returns
// once the listener is open, not waiting for setup.
func StartServing(t testing.TB, setup func(context.Context, *app.App) error, opts ...func(*config.Config)) *Server {
	t.Helper()
	if setup == nil {
		setup = func(ctx context.Context, a *app.App) error { _, err := a.Bootstrap(ctx); return err }
	}
	return start(t, testConfig(t, opts), false, setup, nil)
}

// Replica starts a second novalite on the database of s, as another API
// replica would run: its own process state (token cache, Fernet keyring)
// and listener, no simulated hosts and no background loops, so that what
// one replica changes can be checked through the other. opts change its
// configuration further (another data dir).
func (s *Server) Replica(opts ...func(*config.Config)) *Server {
	s.t.Helper()
	cfg := s.App.Config
	cfg.Listen, cfg.PublicURL = "127.0.0.1:0", ""
	cfg.Hosts, cfg.NoLoops = 0, true
	for _, o := range opts {
		o(&cfg)
	}
	return start(s.t, cfg, false, nil, nil)
}

// start opens and starts an app, bootstrapped before it answers when
// bootstrap is set, and with setup run while it answers (ServeAfter).
func start(t testing.TB, cfg config.Config, bootstrap bool, setup func(context.Context, *app.App) error, h slog.Handler) *Server {
	t.Helper()
	level := slog.LevelWarn
	if os.Getenv("NOVALITE_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if h != nil {
		log = slog.New(teeHandler{h, log.Handler()})
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := a.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	if bootstrap {
		if _, err := a.Bootstrap(ctx); err != nil {
			t.Fatalf("bootstrap: %v", err)
		}
	}
	var during func(context.Context) error
	if setup != nil {
		during = func(ctx context.Context) error { return setup(ctx, a) }
	}
	done := make(chan error, 1)
	go func() { done <- a.ServeAfter(ctx, during) }()
	srv := &Server{App: a, URL: a.PublicURL(), t: t, tokens: map[string]string{}}
	srv.stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	t.Cleanup(srv.stop)
	return srv
}

// Stop shuts the server down as a signal would (requests drained,
// background loops stopped, store closed); the test's cleanup does it
// otherwise. A new Start on the same DataDir is a restart.
func (s *Server) Stop() { s.stop() }

// Token returns a project-scoped token for user (in the Default domain)
// on project, issuing it once per server.
func (s *Server) Token(user, password, project string) string {
	s.t.Helper()
	key := user + "/" + project
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok, ok := s.tokens[key]; ok {
		return tok
	}
	// A 503 says "try again": under load a test server with a short
	// request deadline (TestDatabaseOutage's 2 s) can miss it.
	var resp Response
	for try := 0; try < 5; try++ {
		resp = s.Do(Request{Method: "POST", Path: "/identity/v3/auth/tokens", Body: PasswordAuth(user, password, project)})
		if resp.Status != http.StatusServiceUnavailable {
			break
		}
		time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
	}
	if resp.Status != http.StatusCreated {
		s.t.Fatalf("token for %s on %s: %d %s", user, project, resp.Status, resp.Body)
	}
	tok := resp.Header.Get("X-Subject-Token")
	s.tokens[key] = tok
	return tok
}

// PasswordAuth is the body of POST /v3/auth/tokens that asks for a token
// of user (by name and password, in the Default domain) scoped to project
// (by name, in the Default domain).
func PasswordAuth(user, password, project string) map[string]any {
	domain := map[string]any{"name": "Default"}
	return map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": user, "password": password, "domain": domain}}},
		"scope": map[string]any{"project": map[string]any{"name": project, "domain": domain}},
	}}
}

// ExecSQL runs one statement in a transaction of its own, for tests that
// play the part of an agent by writing rows directly (the API packages
// themselves never import the store).
func (s *Server) ExecSQL(q string, args ...any) error {
	ctx := context.Background()
	return s.App.DB.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, q, args...)
		return err
	})
}

// AdminToken is a token of user admin on project admin.
func (s *Server) AdminToken() string { return s.Token("admin", AdminPassword, "admin") }

// DemoToken is a token of user demo (member) on project demo.
func (s *Server) DemoToken() string { return s.Token("demo", DemoPassword, "demo") }

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Expect sends r, fails t unless the status is want, and returns the
// decoded body (nil when empty).
func (s *Server) Expect(t testing.TB, r Request, want int) map[string]any {
	t.Helper()
	resp := s.Do(r)
	if resp.Status != want {
		t.Fatalf("%s %s: %d, want %d: %s", r.Method, r.Path, resp.Status, want, resp.Body)
	}
	if len(resp.Body) == 0 {
		return nil
	}
	return resp.JSON(t)
}

// JSON decodes the body into a generic value.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
	return v
}

// Request is what Do and Raw send.
type Request struct {
	Method string
	Path   string // relative to the server's URL; Raw sends it as it is
	Token  string // X-Auth-Token, when non-empty
	// Body is JSON-encoded unless it is a string or []byte; nil: none.
	Body    any
	Headers map[string]string // extra headers
}

// Do sends r and returns the finished exchange.
func (s *Server) Do(r Request) Response {
	s.t.Helper()
	method, path, token, headers := r.Method, r.Path, r.Token, r.Headers
	var rd io.Reader
	switch b := r.Body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
