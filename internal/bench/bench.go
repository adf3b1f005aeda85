package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the scratch PostgreSQL database
)

// Options say what to measure and for how long.
type Options struct {
	Exe      string        // the novalite binary to run serve and bench-trivial from
	Sizes    []int         // servers stored for the list rows, ascending; the last for the rest
	Duration time.Duration // of each row
	Postgres string        // a PostgreSQL server URL: serve on a scratch database there
	Replicas int           // > 0: that many api processes, a controller and an agent instead of serve (PostgreSQL only)
	DataDir  string        // empty: a temporary directory, removed at the end
	Ops      string        // comma-separated names of the rows to run; empty: all
	Mixed    int           // clients of the mixed row; 0: concMixed
	Log      io.Writer     // progress and the children's logs
}

// Passwords of the scratch cloud's users.
const (
	adminPassword = "bench-admin"
	demoPassword  = "bench-demo"
)

// run is one harness run: serve, the clients and what was measured.
type run struct {
	o       Options
	cloud   procs    // serve, or every role process: what the rows' CPU and RSS sum
	urls    []string // the API's URLs: serve's, or every api replica's
	c       *client
	dsn     string
	pg      *sql.DB // the scratch database on PostgreSQL: its backends' CPU
	admin   identity
	demo    identity
	image   string
	seeded  int
	rows    []row
	created chan string // ACTIVE servers the create rows left, for the delete row
}

// Run measures and writes the table to out.
func Run(ctx context.Context, o Options, out io.Writer) error {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Replicas > 0 && o.Postgres == "" {
		return fmt.Errorf("api replicas need PostgreSQL (-postgres)")
	}
	dir := o.DataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "novalite-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	r := &run{o: o, created: make(chan string, 1<<20)}
	r.dsn = filepath.Join(dir, "novalite.db")
	engine := "SQLite"
	if o.Postgres != "" {
		dsn, drop, err := scratchDatabase(ctx, o.Postgres)
		if err != nil {
			return err
		}
		defer drop()
		r.dsn, engine = dsn, "PostgreSQL"
		if r.pg, err = sql.Open("pgx", dsn); err != nil {
			return err
		}
		r.pg.SetMaxOpenConns(1)
		defer r.pg.Close()
	}
	t0 := time.Now()
	var children []*child
	defer func() {
		for _, c := range children {
			c.stop()
		}
	}()
	start := func(ready *regexp.Regexp, args ...string) error {
		c, err := startChild(ctx, o.Exe, args, ready, logf)
		if err != nil {
			return err
		}
		children = append(children, c)
		r.cloud = append(r.cloud, c.proc)
		if c.url != "" {
			r.urls = append(r.urls, c.url)
		}
		return nil
	}
	what := "serve"
	if o.Replicas > 0 {
		what = fmt.Sprintf("%d api replicas, a controller and an agent", o.Replicas)
		err = r.startRoles(ctx, dir, logf, start)
	} else {
		err = start(listening, r.serveArgs(dir)...)
	}
	if err != nil {
		return err
	}
	r.c = newClient(64, r.urls...)
	if err := r.waitHealthy(ctx); err != nil {
		return err
	}
	// Healthy is later than the first answer: version documents answer
	// while bootstrap still hashes the first users' passwords
	// (BenchmarkServeFirstStart in internal/cli times the first answer).
	fmt.Fprintf(out, "novalite bench: %s on %s, %s, %s per row; start to healthy %s\n",
		what, engine, strings.Join(r.urls, " "), o.Duration, time.Since(t0).Round(time.Millisecond))
	if err := r.setup(ctx); err != nil {
		return err
	}
	if err := r.rowsAll(ctx); err != nil {
		printTable(out, r.rows)
		return err
	}
	printTable(out, r.rows)
	printRatio(out, r.rows)
	return nil
}

// waitHealthy polls /healthz of every API process: serve prints its
// address before the hosts have registered.
func (r *run) waitHealthy(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for _, u := range r.urls {
		c := newClient(1, u)
		for {
			if st, _, _, err := c.do(ctx, "GET", "/healthz", "", nil); err == nil && st == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s never healthy", u)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return nil
}

// setup logs in, lifts the demo project's quotas (the rows create
// thousands of servers) and finds the image to boot.
func (r *run) setup(ctx context.Context) error {
	var err error
	if r.admin, err = r.c.login(ctx, "admin", adminPassword); err != nil {
		return err
	}
	if r.demo, err = r.c.login(ctx, "demo", demoPassword); err != nil {
		return err
	}
	q := map[string]any{"quota_set": map[string]any{"instances": -1, "cores": -1, "ram": -1}}
	if _, err := r.c.expect(ctx, http.StatusOK, "PUT", "/compute/v2.1/os-quota-sets/"+r.demo.projectID, r.admin.token, q, nil); err != nil {
		return err
	}
	var imgs struct{ Images []struct{ ID string } }
	if _, err := r.c.expect(ctx, http.StatusOK, "GET", "/image/v2/images", r.demo.token, nil, &imgs); err != nil {
		return err
	}
	if len(imgs.Images) == 0 {
		return fmt.Errorf("no image to boot")
	}
	r.image = imgs.Images[0].ID
	return nil
}

// seedTo brings the stored servers to n.
func (r *run) seedTo(ctx context.Context, n int) error {
	if n <= r.seeded {
		return nil
	}
	t := time.Now()
	if err := seed(ctx, r.dsn, r.demo, r.seeded, n); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(r.o.Log, "seeded %d servers in %s\n", n-r.seeded, time.Since(t).Round(time.Millisecond))
	r.seeded = n
	return r.announceSeed(ctx)
}

// announceSeed tells the cloud of servers seeded behind its back. Serve
// takes its SQLite file to be written by itself alone (store.Generation):
// until it commits something, it answers reads it made before the seed
// from memory (a list page, the change log's last read). A write through
// the API (the newest seeded server renamed as it is) moves it on, and a
// list of one server then reads the seed's entries of the change log,
// once, before a row is timed rather than in its first requests. A list,
// not a show: a show of a seeded (long unchanged) server starts the view
// cache's read-ahead, whose pass over the 1,000 first seeded would hold
// off the next pass, over 100,000, for 10,000 misses of the show row.
func (r *run) announceSeed(ctx context.Context) error {
	id := seedID(r.seeded - 1)
	body := map[string]any{"server": map[string]any{"name": fmt.Sprintf("vm-%d", r.seeded-1)}}
	if _, err := r.c.expect(ctx, http.StatusOK, "PUT", "/compute/v2.1/servers/"+id, r.demo.token, body, nil); err != nil {
		return fmt.Errorf("after the seed: %w", err)
	}
	if _, err := r.c.expect(ctx, http.StatusOK, "GET", "/compute/v2.1/servers/detail?limit=1", r.demo.token, nil, nil); err != nil {
		return fmt.Errorf("after the seed: %w", err)
	}
	return nil
}

// wants tells whether the row named op is to run.
func (r *run) wants(op string) bool {
	if r.o.Ops == "" {
		return true
	}
	for _, o := range strings.Split(r.o.Ops, ",") {
		if o != "" && strings.HasPrefix(op, o) {
			return true
		}
	}
	return false
}

// measure drives op against the cloud and adds its row.
func (r *run) measure(ctx context.Context, name, unit string, conc, limit int, op opFunc) row {
	return r.measureOn(ctx, r.cloud, name, unit, conc, limit, op)
}

func (r *run) measureOn(ctx context.Context, ps procs, name, unit string, conc, limit int, op opFunc) row {
	fmt.Fprintf(r.o.Log, "%s (%d clients, %s)\n", name, conc, r.o.Duration)
	stop, stopDB := ps.watch(), r.watchBackends(ctx)
	res := drive(ctx, conc, r.o.Duration, limit, op)
	cpu, rss := stop()
	rw := row{op: name, conc: conc, res: res, cpu: cpu, dbCPU: stopDB(), peakRSS: rss, unit: unit}
	if res.firstErr != nil {
		fmt.Fprintf(r.o.Log, "  %d errors, the first: %v\n", res.errors, res.firstErr)
	}
	r.rows = append(r.rows, rw)
	return rw
}

// watchBackends measures the CPU of the PostgreSQL backends connected to
// the cloud's database (on the same machine) until the returned function
// is called: those running at either end (a backend that ended during
// the row is missed; the pools keep theirs). -1 on SQLite.
func (r *run) watchBackends(ctx context.Context) func() time.Duration {
	if r.pg == nil {
		return func() time.Duration { return -1 }
	}
	list := func() procs {
		var ps procs
		rows, err := r.pg.QueryContext(ctx, `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`)
		if err != nil {
			return nil
		}
		defer rows.Close()
		for rows.Next() {
			var p proc
			if rows.Scan(&p.pid) == nil {
				ps = append(ps, p)
			}
		}
		return ps
	}
	before := map[int]time.Duration{}
	for _, p := range list() {
		before[p.pid], _ = p.cpu()
	}
	return func() time.Duration {
		var sum time.Duration
		for _, p := range list() {
			c, _ := p.cpu()
			sum += c - before[p.pid] // a backend begun during the row: all of it
		}
		return sum
	}
}

// plainOnLoopback adds sslmode=disable to a URL of a server on loopback
// that names no sslmode: pgx would otherwise prefer TLS, and encrypting
// loopback traffic cost the replicas ~8 % of their CPU, which no
// deployment on one machine pays.
func plainOnLoopback(u *url.URL) {
	q := u.Query()
	if q.Has("sslmode") {
		return
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return
	}
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
}

// scratchDatabase creates an empty database on the PostgreSQL server of
// serverURL; drop removes it.
func scratchDatabase(ctx context.Context, serverURL string) (string, func(), error) {
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "novalite_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	plainOnLoopback(u)
	return u.String(), func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}, nil
}
