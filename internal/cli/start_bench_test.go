package cli_test

import (
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkServeStart measures the time from exec of `novalite serve` to
// its first answer (GET /compute/ → 200): "first" on an empty data dir
// (migrations, bootstrap with two bcrypt hashes, the cirros image, the
// networks), "restart" on a data dir made by a previous start.
//
//	go test -run '^$' -bench ServeStart ./internal/cli/
func BenchmarkServeStart(b *testing.B) {
	bin := binary(b)
	b.Run("first", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			startOnce(b, bin, filepath.Join(b.TempDir(), "data"))
		}
	})
	b.Run("restart", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "data")
		startOnce(b, bin, dir)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			startOnce(b, bin, dir)
		}
	})
}

// startOnce starts serve, times its first answer, and stops it (the stop
// is not timed).
func startOnce(b *testing.B, bin, dir string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	client := &http.Client{Timeout: time.Second}
	start := time.Now()
	cmd := exec.Command(bin, "serve", "--listen", addr, "--data-dir", dir, "--log-level", "warn")
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	for {
		resp, err := client.Get("http://" + addr + "/compute/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			_ = cmd.Process.Kill()
			b.Fatal("no answer in 30 s")
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	b.StartTimer()
}
