package cli_test

import (
	"net"
	"net/http"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// BenchmarkServeFirstStart measures how long `novalite serve` takes, on a
// fresh data dir (create, migrate, bootstrap with bcrypt, the bootstrap
// image and networks), from exec to the first answer of the compute
// version document. BenchmarkServeRestart does the same on a data dir
// that exists. Run: go test -run '^$' -bench Serve ./internal/cli/
func BenchmarkServeFirstStart(b *testing.B) { benchStart(b, false) }

func BenchmarkServeRestart(b *testing.B) { benchStart(b, true) }

func benchStart(b *testing.B, reuse bool) {
	dir := b.TempDir()
	if reuse {
		startOnce(b, dir)
	}
	var total time.Duration
	for i := 0; i < b.N; i++ {
		d := dir
		if !reuse {
			d = b.TempDir()
		}
		total += startOnce(b, d)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/start")
}

// startOnce starts serve, waits for its first answer, stops it with
// SIGTERM and returns the time to the first answer.
func startOnce(b *testing.B, dir string) time.Duration {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start := time.Now()
	cmd := exec.Command(binary, "serve", "--data-dir", dir, "--listen", addr, "--admin-password", "a", "--demo-password", "d")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		resp, err := client.Get("http://" + addr + "/compute/v2.1/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		if time.Since(start) > 30*time.Second {
			b.Fatalf("no answer after 30 s: %v", err)
		}
		time.Sleep(time.Millisecond) // polling interval, not an assertion
	}
}
