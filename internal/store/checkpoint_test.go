package store

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestCheckpointsKeepWALShort: a stream of write transactions with
// readers beside it leaves SQLite's WAL far shorter than the writer's own
// checkpoint threshold: the checkpointer copies the WAL back and the last
// frames under the writer's turn, so that the WAL starts over. Without
// the last step a WAL beside a busy writer is never all copied and grows
// to the threshold. SQLite only: PostgreSQL checkpoints itself.
func TestCheckpointsKeepWALShort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	db := openTest(t, func(ctx context.Context) (*DB, error) { return OpenSQLite(ctx, path) })
	ctx := context.Background()
	if err := db.Tx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE ckpt_probe (k INTEGER PRIMARY KEY, v BLOB)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 8, 800 // about 4 pages each: 25,000 frames
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				var n int
				err := db.read.QueryRowContext(ctx, `SELECT length(v) FROM ckpt_probe WHERE k = $1`, rand.IntN(writers*perWriter)).Scan(&n)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					t.Error(err)
					return
				}
			}
		})
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				err := db.Tx(ctx, func(tx *Tx) error {
					_, err := tx.Exec(ctx, `INSERT INTO ckpt_probe (k, v) VALUES ($1, randomblob(12000))`, w*perWriter+i)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	st, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// The file keeps the largest size the WAL had: 10-20 MB idle; 35-38
	// MB without the checkpointer or its last step (the writer's own
	// threshold, 33 MB, and past it), and 14-34 MB when that step waited
	// for a tail of 128 frames, which a writer this fast never leaves.
	if limit := int64(writerAutoCheckpoint) * 4096 * 3 / 4; st.Size() > limit {
		t.Errorf("WAL grew to %d bytes, want at most %d (the writer's own threshold is %d pages)", st.Size(), limit, writerAutoCheckpoint)
	}
	t.Logf("WAL at most %d bytes", st.Size())
}
