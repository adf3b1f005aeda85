package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// isOutage reports whether err means the database could not be reached
// or did not answer in time (the request's deadline, a lost connection,
// a server shutting down or refusing connections, SQLite busy past its
// timeout), rather than that the statement was wrong. Those answer 503,
// and a retry later may succeed.
func isOutage(err error) bool {
	// An EOF is the server gone in the middle of a reply (pgx does not
	// wrap it when the connection was already in use).
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P0x: shutdown, cannot connect now;
		// 57014: statement_timeout or cancel; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") ||
			pe.Code == "57014" || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.Timeout(err) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "conn closed") || strings.Contains(s, "SQLITE_BUSY") ||
		strings.Contains(s, "database is locked")
}
