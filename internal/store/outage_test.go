package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestIsOutage: the errors a crashed or unreachable server gives answer
// 503; a wrong statement does not.
func TestIsOutage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"reply cut short", io.ErrUnexpectedEOF, true},
		{"reply cut short, wrapped", fmt.Errorf("scan: %w", io.ErrUnexpectedEOF), true},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"crash of another backend", &pgconn.PgError{Code: "57P02"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"other", errors.New("no such column"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isOutage(tc.err); got != tc.want {
				t.Errorf("isOutage(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
