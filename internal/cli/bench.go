package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"novalite/internal/bench"
)

// benchCmd is `novalite bench`: the load harness of docs/benchmarks.md.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("novalite bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("servers", "1000,10000,100000", "servers stored for the detail rows, ascending; the other rows run with the last")
	dur := fs.Duration("duration", 10*time.Second, "how long each row drives its load")
	pg := fs.String("postgres", "", "PostgreSQL server URL (postgres://user@host:port/db): serve runs on a scratch database created there and dropped after")
	replicas := fs.Int("replicas", 0, "with -postgres: run that many `novalite api` processes, a controller and an agent instead of serve, the clients spread over the replicas")
	dir := fs.String("data-dir", "", "serve's data dir (default: a temporary directory, removed after)")
	ops := fs.String("ops", "", "comma-separated prefixes of the rows to run (detail, regex, token, show, create, delete, mixed); default all")
	mixed := fs.Int("mixed-clients", 0, "clients of the mixed row (default 50): its tail at fewer clients")
	verbose := fs.Bool("v", false, "print progress and the children's logs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *mixed < 0 {
		return fmt.Errorf("--mixed-clients %d: want a count of clients", *mixed)
	}
	o := bench.Options{Duration: *dur, Postgres: *pg, Replicas: *replicas, DataDir: *dir, Ops: *ops, Mixed: *mixed}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 || len(o.Sizes) > 0 && n < o.Sizes[len(o.Sizes)-1] {
			return fmt.Errorf("--servers %q: want ascending counts", *sizes)
		}
		o.Sizes = append(o.Sizes, n)
	}
	if *verbose {
		o.Log = stderr
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	o.Exe = exe
	return bench.Run(ctx, o, stdout)
}

// benchTrivial is `novalite bench-trivial`: the bare handler the harness
// compares show with.
func benchTrivial(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("novalite bench-trivial", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return bench.ServeTrivial(ctx, *listen, stdout)
}
