package store

import (
	"context"
	"database/sql"
	"time"
)

// Checkpoints (SQLite). A WAL grows with every commit until a checkpoint
// copies its frames back into the database file; SQLite's own runs in the
// commit that crosses wal_autocheckpoint, so every writer queued behind
// that commit waits while it copies about a thousand pages and syncs the
// file twice (the tail of the write latencies under load). Here the bulk
// is copied by a connection of its own, beside the writer, and only what
// the writer added meanwhile is copied under the writer's turn, which
// leaves the WAL whole in the database so that the next writer starts it
// over (RESTART also waits, briefly, for the readers still on the WAL);
// a WAL past checkpointForceFrames is finished that way whatever is left.
// Without that last step a WAL beside a busy writer is never all copied
// and grows to the writer's own threshold (TestCheckpointsKeepWALShort),
// and every read searches a longer WAL index.

const (
	// checkpointEvery is how often the checkpointer looks at the WAL once
	// it is past checkpointLongFrames; a shorter one is copied every
	// checkpointShortEvery. Each copy syncs the WAL and the database
	// file: at 50 a second those syncs were 6 % of serve's CPU under a
	// stream of creates (the WAL at 550-670 frames).
	checkpointEvery      = 20 * time.Millisecond
	checkpointShortEvery = 100 * time.Millisecond
	checkpointLongFrames = 1000
	// checkpointMinFrames: a WAL this short is left to grow.
	checkpointMinFrames = 256
	// checkpointTailFrames: at most this many frames left uncopied are
	// copied under the writer's turn.
	checkpointTailFrames = 128
	// writerAutoCheckpoint is the writer's own threshold, a backstop
	// when the checkpointer falls behind (SQLite's default is 1,000).
	writerAutoCheckpoint = 8000
	// checkpointForceFrames: a WAL this long is copied to its end under
	// the writer's turn whatever its tail. A writer fast enough to add
	// more than checkpointTailFrames during each background copy never
	// left a tail that short, and its WAL grew to the writer's own
	// threshold (TestCheckpointsKeepWALShort, on a quiet machine).
	checkpointForceFrames = writerAutoCheckpoint / 4
)

// checkpointer copies the WAL back in the background (checkpointLoop).
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
}

// checkpointBusy is how long the checkpoint under the writer's turn waits
// for readers: the writers wait as long.
const checkpointBusy = "_pragma=busy_timeout(5)"

// startCheckpoints runs the checkpointer of the SQLite file at path on a
// connection of its own.
func (db *DB) startCheckpoints(path string) error {
	c, err := sql.Open("sqlite", "file:"+path+"?"+checkpointBusy)
	if err != nil {
		return err
	}
	c.SetMaxOpenConns(1)
	c.SetConnMaxLifetime(0)
	db.ckpt = &checkpointer{conn: c, stop: make(chan struct{}), done: make(chan struct{})}
	go db.checkpointLoop()
	return nil
}

// stopCheckpoints stops the checkpointer and closes its connection.
func (db *DB) stopCheckpoints() error {
	if db.ckpt == nil {
		return nil
	}
	close(db.ckpt.stop)
	<-db.ckpt.done
	return db.ckpt.conn.Close()
}

func (db *DB) checkpointLoop() {
	defer close(db.ckpt.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	var last time.Time
	long := false // the WAL at the last look
	for {
		select {
		case <-db.ckpt.stop:
			return
		case <-t.C:
		}
		if !long && time.Since(last) < checkpointShortEvery {
			continue
		}
		last = time.Now()
		frames, copied, err := db.checkpoint("PASSIVE")
		long = frames >= checkpointLongFrames
		// All copied: the next writer starts the WAL over unless readers
		// hold it, and then its frames are new and the next tick comes
		// here again; an idle database is left alone.
		tailShort := frames-copied <= checkpointTailFrames
		if err != nil || frames < checkpointMinFrames || frames == copied || !tailShort && frames < checkpointForceFrames {
			continue
		}
		// The rest under the writer's turn: no frame comes meanwhile,
		// and RESTART waits (its connection's short busy timeout) for
		// the readers still on the WAL, so the next writer starts it
		// over. When they take longer, the next tick tries again.
		select {
		case db.writeMu <- struct{}{}:
		case <-db.ckpt.stop:
			return
		}
		_, _, _ = db.checkpoint("RESTART")
		<-db.writeMu
	}
}

// checkpoint runs a checkpoint in mode (PASSIVE copies what no reader
// still needs from the WAL and waits for no one) and reports the WAL's
// frames and how many of them are in the database now.
func (db *DB) checkpoint(mode string) (frames, copied int, err error) {
	var busy int
	err = db.ckpt.conn.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &frames, &copied)
	return frames, copied, err
}
