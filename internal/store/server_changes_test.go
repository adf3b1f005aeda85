package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"novalite"
)

// changesTest reads db's server change log through one cursor.
type changesTest struct {
	t   *testing.T
	db  *DB
	cur ChangeCursor
}

func (c *changesTest) read() (ids []string, all bool) {
	c.t.Helper()
	ch, err := c.db.ServerChanges(context.Background(), &c.cur)
	if err != nil {
		c.t.Fatal(err)
	}
	slices.Sort(ch.Servers)
	return slices.Compact(ch.Servers), ch.AllServers
}

// expect checks that the next read reports all, or exactly ids.
func (c *changesTest) expect(what string, all bool, ids ...string) {
	c.t.Helper()
	got, gotAll := c.read()
	slices.Sort(ids)
	if gotAll != all || !all && !slices.Equal(got, ids) {
		c.t.Fatalf("%s: read %v (all %v), want %v (all %v)", what, got, gotAll, ids, all)
	}
}

func (c *changesTest) exec(q string, args ...any) {
	c.t.Helper()
	ctx := context.Background()
	if err := c.db.Tx(ctx, func(tx *Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
		c.t.Fatal(err)
	}
}

func changesServer(t *testing.T, db *DB) novalite.Server {
	t.Helper()
	ctx := context.Background()
	v := novalite.Server{ID: uuid.NewString(), Name: "vm", ProjectID: "p1", UserID: "u1", VMState: novalite.VMActive,
		AvailabilityZone: "nova", Metadata: map[string]string{"k": "v"}, Tags: []string{"t"}}
	v.Flavor.ID = "f1"
	if err := db.Tx(ctx, func(tx *Tx) error { return tx.InstanceInsert(ctx, &v) }); err != nil {
		t.Fatal(err)
	}
	return v
}

// startPostgresChanges opens a PostgreSQL store, takes a cursor's first
// read and creates two servers, read as created.
func startPostgresChanges(t *testing.T) (*DB, *changesTest, novalite.Server, novalite.Server) {
	t.Helper()
	db := openPostgresTest(t)
	c := &changesTest{t: t, db: db}
	c.expect("first read", true)
	a, b := changesServer(t, db), changesServer(t, db)
	c.expect("created", false, a.ID, b.ID)
	return db, c, a, b
}

// holdRename renames server id in a transaction of its own and returns
// once it has written, the transaction still open: closing release
// commits it, and done receives the commit's error.
func holdRename(ctx context.Context, db *DB, id, name string) (release chan struct{}, done chan error) {
	written := make(chan struct{})
	release, done = make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Tx(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE instances SET name = $2 WHERE uuid = $1`, id, name); err != nil {
				return err
			}
			close(written)
			<-release
			return nil
		})
	}()
	<-written
	return release, done
}

// TestServerChanges: each write to a server's row or its metadata is
// read once through a cursor, in the order of commits; a rename of a
// security group reads as all; a cursor the pruning passed reads all,
// one at the end of the log does not.
func TestServerChanges(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		c := &changesTest{t: t, db: db}
		c.expect("first read", true)
		c.expect("nothing written", false)
		a, b := changesServer(t, db), changesServer(t, db)
		c.expect("two servers created", false, a.ID, b.ID)
		c.expect("nothing written since", false)
		c.exec(`UPDATE instances SET name = 'renamed' WHERE uuid = $1`, a.ID)
		c.expect("a renamed", false, a.ID)
		c.exec(`DELETE FROM instance_metadata WHERE instance_id = $1`, b.InternalID)
		c.expect("b's metadata deleted", false, b.ID)
		if err := db.Tx(ctx, func(tx *Tx) error {
			return tx.SecurityGroupInsert(ctx, novalite.SecurityGroup{ID: "sg1", Name: "one", ProjectID: "p1"})
		}); err != nil {
			t.Fatal(err)
		}
		c.expect("a group created", false)
		c.exec(`UPDATE security_groups SET name = 'two' WHERE id = 'sg1'`)
		c.expect("a group renamed", true, serverChangeAll)

		behind := c.cur
		c.exec(`UPDATE instances SET name = 'again' WHERE uuid = $1`, b.ID)
		c.exec(`UPDATE instances SET name = 'again' WHERE uuid = $1`, a.ID)
		c.expect("both renamed", false, a.ID, b.ID)
		n, err := db.PruneServerChanges(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("pruned nothing")
		}
		var left int
		if err := db.View(ctx, func(tx *Tx) error {
			return tx.queryRow(ctx, `SELECT COUNT(*) FROM server_changes`).Scan(&left)
		}); err != nil {
			t.Fatal(err)
		}
		if left != 1 {
			t.Fatalf("%d entries left after pruning to 0 (+ the newest), want 1", left)
		}
		// On PostgreSQL a cursor that saw transactions running (in the
		// whole cluster, other databases' too) may have entries of theirs
		// to read that the pruning deleted: it reads all.
		if ids, all := c.read(); len(ids) > 0 || all && db.Engine() == SQLite {
			t.Fatalf("at the end of the log, after pruning: read %v (all %v), want nothing", ids, all)
		}
		c.cur = behind
		c.expect("behind the pruning", true)
		c.exec(`UPDATE instances SET name = 'last' WHERE uuid = $1`, a.ID)
		c.expect("after the gap", false, a.ID)
	})
}

// TestServerChangesLateCommit: on PostgreSQL writers commit side by side,
// so an entry with a smaller seq can become visible after a larger one;
// the cursor still reads it (by transaction id), once.
func TestServerChangesLateCommit(t *testing.T) {
	t.Parallel()
	db, c, a, b := startPostgresChanges(t)
	ctx := context.Background()

	release, done := holdRename(ctx, db, a.ID, "late")
	c.exec(`UPDATE instances SET name = 'early' WHERE uuid = $1`, b.ID)
	c.expect("the later transaction committed first", false, b.ID)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.expect("the earlier transaction committed", false, a.ID)
	c.expect("nothing since", false)
}

// TestServerChangesRunningAboveXmax: a PostgreSQL snapshot names in its
// xip only the running transactions below its xmax (the latest completed
// xid + 1). A writer that drew its xid after the last one to commit, and
// its seq before an entry that committed, is running but unnamed at the
// read; the cursor still reads its entry once it commits.
func TestServerChangesRunningAboveXmax(t *testing.T) {
	t.Parallel()
	db, c, a, b := startPostgresChanges(t)
	ctx := context.Background()

	bHasXid, bWrite := make(chan struct{}), make(chan struct{})
	bDone := make(chan error, 1)
	go func() { // the older transaction: its xid first, its entry last
		bDone <- db.Tx(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil {
				return err
			}
			close(bHasXid)
			<-bWrite
			_, err := tx.Exec(ctx, `UPDATE instances SET name = 'early' WHERE uuid = $1`, b.ID)
			return err
		})
	}()
	<-bHasXid
	aCommit, aDone := holdRename(ctx, db, a.ID, "late") // the newer one: the larger xid, the smaller seq
	close(bWrite)
	if err := <-bDone; err != nil {
		t.Fatal(err)
	}
	c.expect("the older transaction committed", false, b.ID)
	close(aCommit)
	if err := <-aDone; err != nil {
		t.Fatal(err)
	}
	c.expect("the newer transaction committed", false, a.ID)
	c.expect("nothing since", false)
}

// viewSources are the tables holding a server's id, internal id or
// ports (beside instances itself): true for those whose rows GetServer's
// view shows, which need the change log's triggers for insert, update and
// delete; false for those that hold nothing the view shows (the view's
// server group is the row's column).
var viewSources = map[string]bool{
	"instance_metadata": true, "instance_tags": true, "instance_faults": true,
	"block_device_mappings": true, "ports": true, "ip_allocations": true, "port_security_groups": true,
	"floatingips":      true,
	"instance_actions": false, "instance_action_events": false, "migrations": false, "console_tokens": false,
	"host_calls": false, "server_changes": false, "volume_attachments": false, "server_group_members": false,
}

// TestServerChangeTriggers: every table that names a server or a port is
// either a source of the server view with the change log's triggers, or
// listed as not shown; a new table must be placed in viewSources.
func TestServerChangeTriggers(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		tablesQ := `SELECT DISTINCT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
			WHERE m.type = 'table' AND c.name IN ('instance_id', 'instance_uuid', 'device_id', 'port_id')`
		triggersQ := `SELECT tbl_name, CASE WHEN sql LIKE '%AFTER INSERT%' THEN 'INSERT'
			WHEN sql LIKE '%AFTER UPDATE%' THEN 'UPDATE' ELSE 'DELETE' END
			FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%server_changes%'`
		if db.Engine() == Postgres {
			tablesQ = `SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = current_schema()
				AND column_name IN ('instance_id', 'instance_uuid', 'device_id', 'port_id')`
			triggersQ = `SELECT event_object_table, event_manipulation FROM information_schema.triggers
				WHERE trigger_schema = current_schema() AND action_statement LIKE '%server_change%'`
		}
		var tables []string
		have := map[[2]string]bool{}
		if err := db.View(ctx, func(tx *Tx) error {
			rows, err := tx.query(ctx, tablesQ)
			if tables, err = collect(rows, err, func(r *sql.Rows) (string, error) {
				var s string
				return s, r.Scan(&s)
			}); err != nil {
				return err
			}
			rows, err = tx.query(ctx, triggersQ)
			pairs, err := collect(rows, err, func(r *sql.Rows) ([2]string, error) {
				var p [2]string
				return p, r.Scan(&p[0], &p[1])
			})
			for _, p := range pairs {
				have[p] = true
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(tables) < len(viewSources)/2 {
			t.Fatalf("found only tables %v", tables)
		}
		for _, table := range tables {
			shown, known := viewSources[table]
			if !known {
				t.Errorf("table %s names a server or a port: add it to viewSources (and, if the server view shows it, to the change log's triggers)", table)
				continue
			}
			for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
				if shown && !have[[2]string{table, op}] {
					t.Errorf("%s has no change-log trigger on %s", table, op)
				}
			}
		}
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			if !have[[2]string{"instances", op}] {
				t.Errorf("instances has no change-log trigger on %s", op)
			}
		}
		for _, table := range []string{"networks", "security_groups"} {
			if !have[[2]string{table, "UPDATE"}] {
				t.Errorf("renaming %s is not logged", table)
			}
		}
	})
}

// TestServerChangesPlan: on PostgreSQL the change log's read goes
// through the indexes on seq and xid even before the log has statistics
// (a fresh database: autovacuum analyzes a table a minute or more after
// it grew), where a read with one-sided ranges read every entry. The
// SQLite read is a range of the primary key.
func TestServerChangesPlan(t *testing.T) {
	db := openPostgresTest(t)
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO server_changes (instance_uuid) SELECT md5(i::text) FROM generate_series(1, 12000) i`)
		if err != nil {
			return err
		}
		// As before autovacuum's first ANALYZE, whenever it ran here.
		_, err = tx.Exec(ctx, `DELETE FROM pg_statistic WHERE starelid = 'server_changes'::regclass`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.read.QueryContext(ctx, `EXPLAIN `+serverChangesPostgres, int64(11990), []int64{1, 2}, int64(1<<40))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := collect(rows, nil, func(r *sql.Rows) (string, error) {
		var line string
		return line, r.Scan(&line)
	})
	if err != nil {
		t.Fatal(err)
	}
	var seq, index bool
	for _, line := range plan {
		seq = seq || strings.Contains(line, "Seq Scan on server_changes ")
		index = index || strings.Contains(line, "Index Scan on server_changes_pkey")
	}
	if seq || !index {
		t.Errorf("the change log's read is not planned on its indexes:\n%s", strings.Join(plan, "\n"))
	}
}
