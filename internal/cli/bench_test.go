package cli_test

import (
	"strings"
	"testing"

	"novalite/internal/store/pgtest"
	"novalite/internal/store/storetest"
)

// TestBench runs the harness for a moment with few servers on this run's
// engine: every row must be printed, none with errors. Its figures are
// not checked (timing goals live in docs/benchmarks.md, not in tests).
func TestBench(t *testing.T) {
	args := []string{"bench", "-servers", "20,120", "-duration", "200ms", "-data-dir", t.TempDir()}
	if storetest.Engine() == "postgres" {
		args = append(args, "-postgres", pgtest.AdminDSN())
	}
	out := run(t, build(t), args...)
	t.Logf("%s", out)
	for _, op := range []string{"detail?limit=1000 @20 ", "detail?limit=1000 @120 ", "name=^vm-4242 @120", "token issue",
		"show @120", "trivial handler", "POST→ACTIVE", "POST max_count=100→ACTIVE", "DELETE→gone",
		"mixed 35/35/20/10", "mixed: create", "show ÷ trivial handler"} {
		if !strings.Contains(out, op) {
			t.Errorf("no row %q in\n%s", op, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		// A row: …, the unit (req/s, ACTIVE/s, gone/s), p50, p99, max,
		// errors, CPU, RSS.
		if len(f) > 8 && strings.HasSuffix(f[len(f)-7], "/s") && f[len(f)-3] != "0" {
			t.Errorf("errors in %q", line)
		}
	}
}
