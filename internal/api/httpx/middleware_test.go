package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"novalite"
)

var quiet = slog.New(slog.DiscardHandler)

// serve runs h behind a real listener on loopback for the test.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func send(t *testing.T, method, url string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// writeKind is a minimal error dialect: the kind's name as the body.
func writeKind(w http.ResponseWriter, _ *http.Request, err error) {
	status := map[novalite.Kind]int{novalite.TooLarge: 413, novalite.Invalid: 400, novalite.Unavailable: 503}[novalite.KindOf(err)]
	if status == 0 {
		status = 500
	}
	WriteJSON(w, status, map[string]string{"kind": novalite.KindOf(err).String()})
}

// TestCommon checks what every request gets: one request id, the same
// in both headers and in the context; a panic becomes Nova's 500 fault
// unless the handler already answered; the observer sees the status.
func TestCommon(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantBody   string // substring
	}{
		{"answer", func(w http.ResponseWriter, r *http.Request) {
			WriteJSON(w, http.StatusTeapot, map[string]string{"id": requestID(r.Context())})
		}, http.StatusTeapot, `"id":"req-`},
		{"panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") }, 500, `"computeFault"`},
		{"panic after answering", func(w http.ResponseWriter, r *http.Request) {
			WriteEmpty(w, http.StatusAccepted)
			panic("late")
		}, http.StatusAccepted, ""},
		{"body without a status", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("x")) }, 200, "x"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			observed := make(chan int, 1)
			h := Common(c.handler, quiet, func(_ *http.Request, _ string, status int, _ time.Duration) { observed <- status })
			resp, body := send(t, "GET", serve(t, h), nil, "")
			if resp.StatusCode != c.wantStatus || !strings.Contains(body, c.wantBody) {
				t.Errorf("%d %s, want %d with %q", resp.StatusCode, body, c.wantStatus, c.wantBody)
			}
			id := resp.Header.Get("X-Openstack-Request-Id")
			if !strings.HasPrefix(id, "req-") || resp.Header.Get("X-Compute-Request-Id") != id {
				t.Errorf("request ids %q and %q, want one req- id in both", id, resp.Header.Get("X-Compute-Request-Id"))
			}
			if c.name == "answer" && !strings.Contains(body, id) {
				t.Errorf("context id in %s differs from header id %s", body, id)
			}
			if got := <-observed; got != c.wantStatus {
				t.Errorf("observer saw %d, want %d", got, c.wantStatus)
			}
		})
	}
}

// TestCallerRequestIDIsNotEchoed: a caller's own request id is logged as
// the global id, never sent back in place of ours.
func TestCallerRequestIDIsNotEchoed(t *testing.T) {
	t.Parallel()
	theirs := "req-11111111-2222-3333-4444-555555555555"
	h := Common(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { WriteEmpty(w, 204) }), quiet, nil)
	resp, _ := send(t, "GET", serve(t, h), http.Header{"X-Openstack-Request-Id": {theirs}}, "")
	if got := resp.Header.Get("X-Openstack-Request-Id"); got == theirs || !strings.HasPrefix(got, "req-") {
		t.Errorf("request id %q, want a new one", got)
	}
}

// TestCommonLogLines: the lines a request logs carry its request id and
// the caller's global one; at info level the access line is not made.
func TestCommonLogLines(t *testing.T) {
	t.Parallel()
	theirs := "req-11111111-2222-3333-4444-555555555555"
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		var buf bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))
		h := Common(Adapt(func(w http.ResponseWriter, r *http.Request) error {
			return &novalite.Error{Kind: novalite.Internal, Message: "boom"}
		}, writeKind), log, nil)
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-Openstack-Request-Id", theirs)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		id := w.Header().Get("X-Openstack-Request-Id")
		var msgs []string
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("%v: a log line %q: %v", level, line, err)
			}
			if m["request_id"] != id || m["global_request_id"] != theirs {
				t.Errorf("%v: line %v, want request_id %s and global_request_id %s", level, m, id, theirs)
			}
			msgs = append(msgs, m["msg"].(string))
		}
		want := []string{"request failed", "request"}
		if level == slog.LevelInfo {
			want = want[:1]
		}
		if strings.Join(msgs, ",") != strings.Join(want, ",") {
			t.Errorf("%v: lines %q, want %q", level, msgs, want)
		}
	}
}

// TestLimitBody: a declared length over the limit is refused before the
// handler runs; an undeclared one is cut at the limit and reported by
// ReadBody as too large.
func TestLimitBody(t *testing.T) {
	t.Parallel()
	const limit = 16
	var ran atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		ran.Add(1)
		var v any
		if _, err := ReadBody(r, &v, "Malformed request body"); err != nil {
			writeKind(w, r, err)
			return
		}
		WriteEmpty(w, http.StatusNoContent)
	}
	url := serve(t, LimitBody(http.HandlerFunc(handler), limit, writeKind))
	for _, c := range []struct {
		name    string
		body    string
		chunked bool
		want    int
		ran     bool // the handler ran
	}{
		{"under", `{"a": 1}`, false, 204, true},
		{"declared over", `{"a": "` + strings.Repeat("x", limit) + `"}`, false, 413, false},
		{"undeclared over", `{"a": "` + strings.Repeat("x", limit) + `"}`, true, 413, true},
	} {
		ran.Store(0)
		req, err := http.NewRequest("POST", url, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.chunked {
			req.ContentLength = -1
			req.Body = io.NopCloser(strings.NewReader(c.body))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want || (ran.Load() == 1) != c.ran {
			t.Errorf("%s: %d, handler ran %d times; want %d, ran %v", c.name, resp.StatusCode, ran.Load(), c.want, c.ran)
		}
	}
}

// validator accepts the token "good", knows "expired" as expired and
// fails on anything else as a database that is down would.
type validator struct{}

func (validator) Validate(_ context.Context, token string) (*novalite.Caller, error) {
	switch token {
	case "good":
		return &novalite.Caller{UserID: "u1", ProjectID: "p1"}, nil
	case "expired":
		return nil, novalite.Errorf(novalite.Unauthorized, "expired")
	}
	return nil, &novalite.Error{Kind: novalite.Unavailable, Message: "down", Err: errors.New("no database")}
}

// TestAuthenticate: no token or a refused one is keystonemiddleware's
// 401 with the identity endpoint; a validator failure goes to the API's
// error dialect; a good token puts its caller in the context.
func TestAuthenticate(t *testing.T) {
	t.Parallel()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, 200, map[string]string{"user": Caller(r.Context()).UserID})
	})
	url := serve(t, Authenticate(next, validator{}, func(*http.Request) string { return "http://id.example/identity" }, writeKind))
	for _, c := range []struct {
		name, token string
		want        int
		body        string
	}{
		{"no token", "", 401, `"title":"Unauthorized"`},
		{"refused token", "expired", 401, `"code":401`},
		{"validator down", "other", 503, `"kind"`},
		{"good token", "good", 200, `{"user":"u1"}`},
	} {
		h := http.Header{}
		if c.token != "" {
			h.Set("X-Auth-Token", c.token)
		}
		resp, body := send(t, "GET", url, h, "")
		if resp.StatusCode != c.want || !strings.Contains(body, c.body) {
			t.Errorf("%s: %d %s, want %d with %s", c.name, resp.StatusCode, body, c.want, c.body)
		}
		if c.want == 401 && resp.Header.Get("Www-Authenticate") != `Keystone uri="http://id.example/identity"` {
			t.Errorf("%s: WWW-Authenticate %q", c.name, resp.Header.Get("Www-Authenticate"))
		}
	}
}

// sharedValidator hands out one Caller for every request, as a token
// cache does.
type sharedValidator struct{ c *novalite.Caller }

func (v sharedValidator) Validate(context.Context, string) (*novalite.Caller, error) { return v.c, nil }

// TestAuthenticateRequestID: the caller in the context carries the
// request's own id, set on a copy so that a shared Caller is never
// written (two requests at once would race on it).
func TestAuthenticateRequestID(t *testing.T) {
	t.Parallel()
	shared := &novalite.Caller{UserID: "u1"}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Auth-Token", "any")
	r = r.WithContext(context.WithValue(r.Context(), keyRequest, &requestState{id: "req-1"}))
	var got *novalite.Caller
	h := Authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = Caller(r.Context()) }),
		sharedValidator{shared}, func(*http.Request) string { return "" }, writeKind)
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got == nil || got.RequestID != "req-1" || got.UserID != "u1" {
		t.Fatalf("caller in the context: %+v, want u1 with request id req-1", got)
	}
	if got == shared || shared.RequestID != "" {
		t.Errorf("the validator's Caller was written: %+v", shared)
	}
}

// TestReadBody covers the bodies an action or create may carry.
func TestReadBody(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		body     string
		wantNull bool
		invalid  bool
	}{
		{"object", `{"a": 1}`, false, false},
		{"empty", ``, true, false},
		{"null", ` null `, true, false},
		{"two documents", `{} {}`, false, true},
		{"not JSON", `{a}`, false, true},
		{"wrong shape", `[1]`, false, true},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
		var v map[string]json.Number
		isNull, err := ReadBody(r, &v, "Malformed request body")
		switch {
		case isNull != c.wantNull:
			t.Errorf("%s: null %v, want %v", c.name, isNull, c.wantNull)
		case c.invalid && (novalite.KindOf(err) != novalite.Invalid || novalite.MessageOf(err) != "Malformed request body"):
			t.Errorf("%s: %v, want Invalid with the given message", c.name, err)
		case !c.invalid && err != nil:
			t.Errorf("%s: %v, want no error", c.name, err)
		}
	}
}

// TestBaseURL honours the proxy headers in front of novalite.
func TestBaseURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		header http.Header
		want   string
	}{
		{"direct", nil, "http://api.example:8774"},
		{"proxy scheme", http.Header{"X-Forwarded-Proto": {"https"}}, "https://api.example:8774"},
		{"proxy host", http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"cloud.example"}}, "https://cloud.example"},
	} {
		r := httptest.NewRequest("GET", "http://api.example:8774/compute", nil)
		for k, vs := range c.header {
			r.Header[k] = vs
		}
		if got := BaseURL(r); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
