package novalitetest_test

import (
	"os"
	"testing"

	"novalite/internal/store/pgtest"
	"novalite/novalitetest"
)

// newCloud starts a cloud on the engine of this test run: SQLite, or with
// NOVALITE_TEST_ENGINE=postgres a fresh database on the server of
// NOVALITE_TEST_POSTGRES (default: the local one), as make unit-postgres runs.
func newCloud(t *testing.T, opts ...novalitetest.Option) *novalitetest.Cloud {
	t.Helper()
	if os.Getenv("NOVALITE_TEST_ENGINE") != "postgres" {
		return novalitetest.New(t, opts...)
	}
	// Registered before New's cleanup, so it is dropped after the cloud stopped.
	url := pgtest.Database(t, "")
	return novalitetest.New(t, append([]novalitetest.Option{novalitetest.WithPostgres(url)}, opts...)...)
}
