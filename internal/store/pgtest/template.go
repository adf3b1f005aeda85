package pgtest

import (
	"context"
	"database/sql"
	"sync"
)

var templates struct {
	sync.Mutex
	built map[string]bool
}

// templateLock is the advisory lock key under which test processes (the
// packages' test binaries run side by side) build a template.
const templateLock = 0x6e6f76616c697465 // "novalite"

// Template returns name, a database that build has made ready to be copied
// (Database's template): build is given the URL of a fresh database and
// runs only if no process has built name yet. The database is built under
// another name and renamed when complete, so that a test process killed
// half-way never leaves a half-built template behind. Name it after what
// build puts in it (a digest of the migrations), since it is kept.
func Template(name string, build func(ctx context.Context, url string) error) (string, error) {
	templates.Lock()
	defer templates.Unlock()
	if templates.built[name] {
		return name, nil
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", AdminDSN())
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
		tmp := name + "_" + RandomHex()
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+tmp); err != nil {
			return "", err
		}
		err := build(ctx, URL(tmp))
		if err == nil {
			_, err = conn.ExecContext(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name)
		}
		if err != nil {
			_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)")
			return "", err
		}
	}
	if templates.built == nil {
		templates.built = map[string]bool{}
	}
	templates.built[name] = true
	return name, nil
}
