package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"novalite"
)

// TestQuotaUsageMigrationFills: migrations 0049 and 0054 (PostgreSQL's
// rows in shards), applied to a store that already holds servers (live,
// soft-deleted, deleted, of several users and projects) and server
// groups, fill the usage rows with what a count finds.
func TestQuotaUsageMigrationFills(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
		for i, c := range []struct {
			project, user string
			vm            novalite.VMState
			vcpus, ram    int
			deleted       bool
		}{
			{"p1", "u1", novalite.VMActive, 1, 512, false},
			{"p1", "u1", novalite.VMError, 2, 2048, false},
			{"p1", "u2", novalite.VMActive, 4, 8192, false},
			{"p1", "u2", novalite.VMSoftDeleted, 8, 512, false},
			{"p1", "u1", novalite.VMDeleted, 1, 512, true},
			{"p2", "u1", novalite.VMShelvedOffloaded, 1, 512, false},
		} {
			s := novalite.Server{ID: fmt.Sprintf("8f0e4b6a-0000-4000-8000-%012d", i), Name: "vm", ProjectID: c.project,
				UserID: c.user, VMState: c.vm, CreatedAt: now, UpdatedAt: now,
				Flavor: novalite.FlavorSnapshot{ID: "1", VCPUs: c.vcpus, MemoryMB: c.ram, ExtraSpecs: map[string]string{}}}
			g := novalite.ServerGroup{ID: s.ID, Name: "g", ProjectID: c.project, UserID: c.user, Policy: "affinity", CreatedAt: now}
			if err := db.Tx(ctx, func(tx *Tx) error {
				if err := tx.InstanceInsert(ctx, &s); err != nil {
					return err
				}
				if c.deleted {
					if _, err := tx.Exec(ctx, `UPDATE instances SET deleted = $1 WHERE id = $2`, true, s.InternalID); err != nil {
						return err
					}
				}
				return tx.ServerGroupInsert(ctx, &g)
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Back to before 0049 with the rows in place, then migrate again.
		undo := []string{`DROP TABLE quota_usages`, `DROP TRIGGER instances_usage_insert`, `DROP TRIGGER instances_usage_delete`,
			`DROP TRIGGER instances_usage_update`, `DROP TRIGGER server_groups_usage_insert`, `DROP TRIGGER server_groups_usage_delete`}
		if db.engine == Postgres {
			undo = []string{`DROP TABLE quota_usages`, `DROP FUNCTION instances_usage CASCADE`, `DROP FUNCTION server_groups_usage CASCADE`}
		}
		undo = append(undo, `DELETE FROM schema_migrations WHERE version IN (49, 54)`)
		for _, q := range undo {
			if _, err := db.write.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if n, err := db.Migrate(ctx); err != nil || n != 2 {
			t.Fatalf("Migrate: %d applied, %v; want 2", n, err)
		}
		for _, c := range []struct {
			project, user string
			want          QuotaUsage
		}{
			{"p1", "", QuotaUsage{Instances: 3, Cores: 7, RAM: 10752, ServerGroups: 5}},
			{"p1", "u1", QuotaUsage{Instances: 2, Cores: 3, RAM: 2560, ServerGroups: 3}},
			{"p1", "u2", QuotaUsage{Instances: 1, Cores: 4, RAM: 8192, ServerGroups: 2}},
			{"p2", "", QuotaUsage{Instances: 1, Cores: 1, RAM: 512, ServerGroups: 1}},
			{"p3", "", QuotaUsage{}},
		} {
			var rows, count QuotaUsage
			if err := db.View(ctx, func(tx *Tx) (err error) {
				if rows, err = tx.QuotaUsage(ctx, c.project, c.user); err != nil {
					return err
				}
				count, err = tx.QuotaUsageCount(ctx, c.project, c.user)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if rows != c.want || count != c.want {
				t.Errorf("%s/%q: rows %+v, count %+v, want %+v", c.project, c.user, rows, count, c.want)
			}
		}
	})
}

// TestQuotaUsageShards: on PostgreSQL two transactions creating servers
// of one project and user side by side do not wait for each other's
// usage row (migration 0054: a row per shard, picked by the transaction's
// id), and the rows still sum to the count, deletes included.
func TestQuotaUsageShards(t *testing.T) {
	db := openPostgresTest(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)
	server := func(i int) *novalite.Server {
		return &novalite.Server{ID: fmt.Sprintf("5a7d0c1e-0000-4000-8000-%012d", i), Name: "vm", ProjectID: "p1",
			UserID: "u1", VMState: novalite.VMActive, CreatedAt: now, UpdatedAt: now,
			Flavor: novalite.FlavorSnapshot{ID: "1", VCPUs: 2, MemoryMB: 512, ExtraSpecs: map[string]string{}}}
	}
	shardOf := func(tx *Tx) (s int64, err error) {
		err = tx.queryRow(ctx, `SELECT pg_current_xact_id()::text::bigint % 16`).Scan(&s)
		return s, err
	}
	// The first holds its row until released.
	held, release, done := make(chan int64, 1), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Tx(ctx, func(tx *Tx) error {
			if err := tx.InstanceInsert(ctx, server(0)); err != nil {
				return err
			}
			s, err := shardOf(tx)
			if err != nil {
				return err
			}
			held <- s
			<-release
			return nil
		})
	}()
	var first int64
	select {
	case first = <-held:
	case err := <-done:
		t.Fatal(err)
	}
	// The second, on another shard (a transaction that drew the same one
	// rolls back and tries again), must not wait for the first.
	errSameShard := errors.New("same shard")
	for i := 1; ; i++ {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := db.Tx(wctx, func(tx *Tx) error {
			if s, err := shardOf(tx); err != nil || s == first {
				return cmp.Or(err, errSameShard)
			}
			return tx.InstanceInsert(wctx, server(i))
		})
		cancel()
		if errors.Is(err, errSameShard) {
			continue
		}
		if err != nil {
			t.Fatalf("a second create beside the first: %v", err)
		}
		break
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM instances WHERE uuid = $1`, server(0).ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var rows, count QuotaUsage
	if err := db.View(ctx, func(tx *Tx) (err error) {
		if rows, err = tx.QuotaUsage(ctx, "p1", "u1"); err != nil {
			return err
		}
		count, err = tx.QuotaUsageCount(ctx, "p1", "u1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if rows != count || count.Instances < 1 {
		t.Errorf("usage rows %+v, count %+v: want equal", rows, count)
	}
}
