package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"novalite"
)

// TestQuotaUsageMigrationFills: migration 0049, applied to a store that
// already holds servers (live, soft-deleted, deleted, of several users
// and projects) and server groups, fills the usage rows with what a
// count finds.
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
		undo = append(undo, `DELETE FROM schema_migrations WHERE version = 49`)
		for _, q := range undo {
			if _, err := db.write.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if n, err := db.Migrate(ctx); err != nil || n != 1 {
			t.Fatalf("Migrate: %d applied, %v; want 1", n, err)
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
