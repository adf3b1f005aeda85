package app

import (
	"log/slog"
	"net"
	"net/http"
	"sync"

	"novalite/internal/config"
)

// newHTTPServer is the one place the listener's limits are set, so that
// every process serving the APIs cuts off slow and idle clients alike.
func newHTTPServer(h http.Handler, lim config.HTTPLimits, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    64 << 10, // a token and a few headers; Go's default is 1 MiB
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// limitListener accepts at most n connections open at once; the next
// waits in the kernel's backlog until one closes (as x/net/netutil's
// LimitListener), so a flood of connections cannot exhaust descriptors.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func limitConnections(l net.Listener, n int) net.Listener {
	return &limitListener{Listener: l, slots: make(chan struct{}, n)}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: sync.OnceFunc(func() { <-l.slots })}, nil
}

type limitedConn struct {
	net.Conn
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.release()
	return err
}
