package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// blackhole is a TCP proxy that can stop moving bytes both ways, as a
// network that drops packets does: connections stay open, data waits,
// and flows again when the outage ends.
type blackhole struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	open   chan struct{} // closed while traffic flows
}

func newBlackhole(t *testing.T, target string) *blackhole {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{l: l, target: target, open: make(chan struct{})}
	close(b.open)
	t.Cleanup(func() { l.Close() })
	go b.serve()
	return b
}

func (b *blackhole) gate() chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open
}

// cut stops the traffic; restore lets it flow again.
func (b *blackhole) cut() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.open = make(chan struct{})
}

func (b *blackhole) restore() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.open)
}

func (b *blackhole) serve() {
	for {
		c, err := b.l.Accept()
		if err != nil {
			return
		}
		go func() {
			<-b.gate() // a new connection gets no answer either
			up, err := net.Dial("tcp", b.target)
			if err != nil {
				c.Close()
				return
			}
			go b.pipe(up, c)
			b.pipe(c, up)
		}()
	}
}

func (b *blackhole) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		<-b.gate()
		n, err := src.Read(buf)
		<-b.gate() // read just before the cut: held until it ends
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// countingHandler counts records at Warn and above.
type countingHandler struct{ n *atomic.Int64 }

func (h countingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h countingHandler) Handle(context.Context, slog.Record) error    { h.n.Add(1); return nil }
func (h countingHandler) WithAttrs([]slog.Attr) slog.Handler           { return h }
func (h countingHandler) WithGroup(string) slog.Handler                { return h }

// TestDatabaseOutage cuts PostgreSQL off for 10 s under load: every
// request answers within its deadline, 503 while the database is away,
// nothing acknowledged is lost and nothing refused appears, the log
// stays short, and the same process serves again once it is back.
func TestDatabaseOutage(t *testing.T) {
	apptest.PostgresPass(t)
	t.Parallel()
	dsn := apptest.PostgresDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newBlackhole(t, u.Host)
	u.Host = proxy.l.Addr().String()
	var logged atomic.Int64
	const deadline = 2 * time.Second
	srv := apptest.StartLogging(t, countingHandler{&logged}, func(c *config.Config) {
		c.Database = u.String()
		c.HTTP.RequestTimeout = deadline
	})
	admin := srv.AdminToken()

	type result struct {
		op      string
		status  int
		elapsed time.Duration
		name    string
	}
	var mu sync.Mutex
	var results []result
	client := &http.Client{Timeout: 30 * time.Second}
	do := func(op, method, path, body, name string) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", admin)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		status := 0
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
		mu.Lock()
		results = append(results, result{op, status, time.Since(start), name})
		mu.Unlock()
		return status
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("outage-%d-%d", w, i)
				switch i % 3 {
				case 0:
					do("create", "POST", "/network/v2.0/networks", `{"network": {"name": "`+name+`"}}`, name)
				case 1:
					do("list", "GET", "/compute/v2.1/servers/detail", "", "")
				default:
					do("health", "GET", "/healthz", "", "")
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(time.Second)
	before := logged.Load()
	proxy.cut()
	time.Sleep(10 * time.Second)
	proxy.restore()
	duringOutage := logged.Load() - before
	// Recovery without a restart: the same process answers again.
	var ok bool
	for range 60 {
		if do("health", "GET", "/healthz", "", "") == 200 {
			ok = true
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if !ok {
		t.Fatal("/healthz never answered 200 after the outage")
	}
	t.Logf("lines logged during the 10 s outage: %d", duringOutage)
	if duringOutage > 200 {
		t.Errorf("%d lines logged during the outage", duringOutage)
	}

	created, refused := map[string]bool{}, 0
	for _, r := range results {
		switch {
		case r.status == 503:
			refused++
		case r.status >= 200 && r.status < 300:
			if r.op == "create" {
				created[r.name] = true
			}
		default:
			t.Errorf("%s answered %d", r.op, r.status)
		}
		// The bound leaves room for a loaded machine; without a deadline
		// these requests waited for the whole outage.
		if r.elapsed > deadline+5*time.Second {
			t.Errorf("%s took %s, past its deadline of %s", r.op, r.elapsed, deadline)
		}
	}
	if refused == 0 {
		t.Error("no request answered 503 during the outage")
	}
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/networks", Token: admin})
	if resp.Status != 200 {
		t.Fatalf("list networks after the outage: %d %s", resp.Status, resp.Body)
	}
	listed := map[string]bool{}
	for _, n := range resp.JSON(t)["networks"].([]any) {
		listed[n.(map[string]any)["name"].(string)] = true
	}
	for name := range created {
		if !listed[name] {
			t.Errorf("network %s answered 201 and is gone", name)
		}
	}
	for _, r := range results {
		if r.op == "create" && r.status != 503 && r.status/100 != 2 && listed[r.name] {
			t.Errorf("network %s answered %d and exists", r.name, r.status)
		}
	}
	if resp := srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/networks", Token: admin, Body: map[string]any{"network": map[string]any{"name": "after"}}}); resp.Status != 201 {
		t.Errorf("create after the outage: %d %s", resp.Status, resp.Body)
	}
}
