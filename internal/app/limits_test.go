package app_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// closedWithin reports whether the server closes c (a read ends in EOF
// or a reset, after any answer it sends) within d. d is a bound for a
// test that would otherwise hang, not a speed goal: the server's own
// timeouts are a fraction of it.
func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return true
}

// TestSlowClientsCutOff: over real TCP, a client trickling its body
// (even to the unauthenticated POST /auth/tokens), one trickling its
// headers and an idle keep-alive connection are closed by the server.
func TestSlowClientsCutOff(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, func(c *config.Config) {
		c.HTTP.ReadHeaderTimeout = 300 * time.Millisecond
		c.HTTP.ReadTimeout = 500 * time.Millisecond
		c.HTTP.IdleTimeout = 500 * time.Millisecond
	})
	host := strings.TrimPrefix(srv.URL, "http://")
	cases := []struct {
		name string
		talk func(t *testing.T, c net.Conn) // what the client does before waiting
	}{
		{"trickled body on auth/tokens", func(t *testing.T, c net.Conn) {
			fmt.Fprintf(c, "POST /identity/v3/auth/tokens HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", host)
			// Keep trickling in the background: each byte is progress a
			// server without a read timeout would keep waiting on.
			go func() {
				for range 1000 {
					if _, err := c.Write([]byte(" ")); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
		}},
		{"trickled headers", func(t *testing.T, c net.Conn) {
			fmt.Fprintf(c, "GET /compute/ HTTP/1.1\r\nHost: %s\r\n", host)
			go func() {
				for i := range 1000 {
					if _, err := fmt.Fprintf(c, "X-%d: y\r\n", i); err != nil {
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
		}},
		{"idle keep-alive", func(t *testing.T, c net.Conn) {
			fmt.Fprintf(c, "GET /compute/ HTTP/1.1\r\nHost: %s\r\n\r\n", host)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != 200 || resp.Close {
				t.Fatalf("first request: %d, close %v", resp.StatusCode, resp.Close)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := net.Dial("tcp", host)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			tc.talk(t, c)
			if !closedWithin(c, 20*time.Second) {
				t.Fatal("connection still open")
			}
		})
	}
}

// TestConnectionLimit: past MaxConnections, a new connection is not
// served until one of the open ones closes.
func TestConnectionLimit(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, func(c *config.Config) { c.HTTP.MaxConnections = 2 })
	host := strings.TrimPrefix(srv.URL, "http://")
	get := func(c net.Conn) error {
		fmt.Fprintf(c, "GET /compute/ HTTP/1.1\r\nHost: %s\r\n\r\n", host)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	}
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := get(c); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	third, err := net.Dial("tcp", host) // the kernel accepts; the server does not
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	done := make(chan error, 1)
	go func() { done <- get(third) }()
	select {
	case err := <-done:
		t.Fatalf("third connection served while two were open (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	held[0].Close()
	if err := <-done; err != nil {
		t.Fatalf("third connection after one closed: %v", err)
	}
}
