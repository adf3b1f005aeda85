package config

import (
	"errors"
	"flag"
	"time"
)

// HTTPLimits bound what one client can hold of the server, as production
// Go servers do: a slow or idle client is cut off, and a request that
// waits on the database gives up in time to answer 503.
type HTTPLimits struct {
	ReadHeaderTimeout time.Duration // to read a request's headers
	ReadTimeout       time.Duration // to read a whole request, body included
	WriteTimeout      time.Duration // from a request's headers to the end of its answer
	IdleTimeout       time.Duration // a keep-alive connection without a request
	// RequestTimeout is every request's deadline; it reaches the store,
	// whose queries stop then (503). Image data transfers have none: they
	// must only keep moving (ReadTimeout per read, WriteTimeout per write).
	RequestTimeout time.Duration
	MaxConnections int // open client connections; more wait to be accepted
}

// defaultHTTPLimits are generous for any OpenStack client and short
// enough that stalled ones do not pile up.
func defaultHTTPLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      90 * time.Second, // above RequestTimeout, so a 503 still goes out
		IdleTimeout:       120 * time.Second,
		RequestTimeout:    60 * time.Second,
		MaxConnections:    1000,
	}
}

func (h *HTTPLimits) flags(fs *flag.FlagSet) {
	f := envFlags{fs}
	f.dur(&h.ReadHeaderTimeout, "read-header-timeout", "time allowed to read a request's headers")
	f.dur(&h.ReadTimeout, "read-timeout", "time allowed to read a whole request")
	f.dur(&h.WriteTimeout, "write-timeout", "time allowed from a request's headers to the end of its answer")
	f.dur(&h.IdleTimeout, "idle-timeout", "how long an idle keep-alive connection stays open")
	f.dur(&h.RequestTimeout, "request-timeout", "deadline of every request, database queries included (503 past it)")
	f.integer(&h.MaxConnections, "max-connections", "most client connections open at once")
}

func (h *HTTPLimits) validate() error {
	if h.ReadHeaderTimeout <= 0 || h.ReadTimeout <= 0 || h.WriteTimeout <= 0 || h.IdleTimeout <= 0 || h.RequestTimeout <= 0 {
		return errors.New("HTTP timeouts must be positive")
	}
	if h.MaxConnections <= 0 {
		return errors.New("max connections must be positive")
	}
	return nil
}
