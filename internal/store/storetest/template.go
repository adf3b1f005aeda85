package storetest

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"novalite/internal/store"
	"novalite/internal/store/pgtest"
)

// MigratedPostgresDatabase is PostgresDatabase with this binary's schema in
// place: a copy (CREATE DATABASE … TEMPLATE) of a database migrated once
// per set of migrations. Migrating costs over a second per database, and a
// PostgreSQL run of the tests creates hundreds of them.
func MigratedPostgresDatabase(t testing.TB) string {
	t.Helper()
	tpl, err := templateDatabase()
	if err != nil {
		t.Fatalf("template database on %s: %v", pgtest.AdminDSN(), err)
	}
	return pgtest.Database(t, tpl)
}

var template struct {
	sync.Mutex
	name string
}

// templateLock is the advisory lock key under which test processes (the
// packages' test binaries run side by side) build a template.
const templateLock = 0x6e6f76616c697465 // "novalite"

// templateDatabase returns the name of the migrated template for this
// binary's migrations, building it if no process has yet. It is built
// under another name and renamed when complete, so that a test process
// killed half-way never leaves a half-migrated template behind.
func templateDatabase() (string, error) {
	template.Lock()
	defer template.Unlock()
	if template.name != "" {
		return template.name, nil
	}
	name := "novalite_tpl_" + store.MigrationsDigest("postgres")[:16]
	ctx := context.Background()
	admin, err := sql.Open("pgx", pgtest.AdminDSN())
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx) // a session lock belongs to one connection
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(templateLock)); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, int64(templateLock))
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if err := buildTemplate(ctx, conn, name); err != nil {
			return "", err
		}
	}
	template.name = name
	return name, nil
}

func buildTemplate(ctx context.Context, conn *sql.Conn, name string) error {
	tmp := name + "_" + pgtest.RandomHex()
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+tmp); err != nil {
		return err
	}
	err := func() error {
		db, err := store.OpenPostgres(ctx, pgtest.URL(tmp))
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Migrate(ctx)
		return err
	}()
	if err == nil {
		_, err = conn.ExecContext(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name)
	}
	if err != nil {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)")
	}
	return err
}
