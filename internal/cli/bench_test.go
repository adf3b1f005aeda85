package cli_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"novalite/internal/store/pgtest"
	"novalite/internal/store/storetest"
)

// TestBench runs the harness for a moment with few servers on this run's
// engine (on PostgreSQL also as roles: two api replicas, a controller
// and an agent): every row must be printed, none with errors. Its
// figures are not checked (timing goals live in docs/benchmarks.md, not
// in tests).
func TestBench(t *testing.T) {
	all := []string{"detail?limit=1000 @20 ", "detail?limit=1000 @120 ", "name=^vm-NNNN @120", "token issue",
		"show @120", "trivial handler", "POST→ACTIVE", "POST max_count=100→ACTIVE", "DELETE→gone",
		"mixed 35/35/20/10", "mixed: create", "show ÷ trivial handler"}
	type benchCase struct {
		name string
		args []string
		rows []string // lines that must be printed
		// mixed: the clients column of the mixed rows, when not the
		// default
		mixed string
	}
	cases := []benchCase{{name: "serve", args: []string{"-servers", "20,120"}, rows: all},
		{name: "mixed-clients", args: []string{"-servers", "20", "-ops", "mixed", "-mixed-clients", "3"},
			rows: []string{"mixed 35/35/20/10", "mixed: show", "mixed: delete"}, mixed: "3"}}
	if storetest.Engine() == "postgres" {
		cases[0].args = append(cases[0].args, "-postgres", pgtest.AdminDSN())
		cases[1].args = append(cases[1].args, "-postgres", pgtest.AdminDSN())
		cases = append(cases, benchCase{name: "replicas", args: []string{"-servers", "50", "-ops", "create,mixed", "-replicas", "2", "-postgres", pgtest.AdminDSN()},
			rows: []string{"2 api replicas, a controller and an agent on PostgreSQL", "POST→ACTIVE", "POST max_count=100→ACTIVE", "mixed: delete"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"bench", "-duration", "200ms", "-data-dir", t.TempDir()}, c.args...)
			out := run(t, build(t), args...)
			t.Logf("%s", out)
			for _, op := range c.rows {
				if !strings.Contains(out, op) {
					t.Errorf("no %q in\n%s", op, out)
				}
			}
			for _, line := range strings.Split(out, "\n") {
				f := strings.Fields(line)
				// A row: the operation, clients, rate, the unit (req/s,
				// ACTIVE/s, gone/s), p50, p99, max, errors, then the CPU
				// columns (one more on PostgreSQL) and RSS.
				u := slices.IndexFunc(f, func(s string) bool { return strings.HasSuffix(s, "/s") })
				if u < 2 || len(f) < u+5 {
					continue
				}
				if f[u+4] != "0" {
					t.Errorf("errors in %q", line)
				}
				if c.mixed != "" && strings.HasPrefix(strings.TrimSpace(line), "mixed") && f[u-2] != c.mixed {
					t.Errorf("clients %q, want %s: %q", f[u-2], c.mixed, line)
				}
			}
		})
	}
}

// TestBenchReplicasNeedPostgres: api replicas share a database server;
// on SQLite the harness refuses them before starting anything.
func TestBenchReplicasNeedPostgres(t *testing.T) {
	out, err := exec.Command(build(t), "bench", "-replicas", "3", "-data-dir", t.TempDir()).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "need PostgreSQL") {
		t.Fatalf("bench -replicas without -postgres: %v\n%s", err, out)
	}
}
