package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"novalite/internal/store"
)

// Where image bytes live. On SQLite (`serve`: one process) they are files
// in the data dir, one per image. On PostgreSQL they are rows of the
// database (image_chunks), because api replicas and agents run on other
// machines and share nothing but the database: an image uploaded through
// one replica downloads through any, a snapshot an agent finishes is
// there for every replica, and no replica has a directory to keep.

// ChunkSize is the size of an image's chunks in the database: large
// enough that a row's overhead is nothing, small enough that a download
// holds one in memory.
const ChunkSize = 256 << 10

// inDB reports whether image bytes are rows of the database.
func (s *Service) inDB() bool { return s.db.Engine() == store.Postgres }

// keep makes the received file tmp the data of image id, in tx: on
// PostgreSQL its chunks are inserted (they commit with the status that
// makes the image active, or not at all); on SQLite the file is moved
// into place, and drop removes it should tx fail.
func (s *Service) keep(ctx context.Context, tx *store.Tx, id, tmp string) error {
	if !s.inDB() {
		if err := os.Rename(tmp, s.path(id)); err != nil {
			return fmt.Errorf("store image data: %w", err)
		}
		return nil
	}
	f, err := os.Open(tmp)
	if err != nil {
		return fmt.Errorf("read received image data: %w", err)
	}
	defer f.Close()
	if _, err := insertChunks(ctx, tx, id, f, io.Discard); err != nil {
		return fmt.Errorf("store received image data: %w", err)
	}
	return nil
}

// insertChunks inserts the data r reads as the chunks of image id, in
// tx, writing it to w too; it returns its size.
func insertChunks(ctx context.Context, tx *store.Tx, id string, r io.Reader, w io.Writer) (int64, error) {
	buf := make([]byte, ChunkSize)
	var size int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 || seq == 0 { // an empty image has one empty chunk: its data exists
			if err := tx.ImageChunkInsert(ctx, id, seq, buf[:n]); err != nil {
				return size, err
			}
			_, _ = w.Write(buf[:n])
			size += int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return size, nil
		}
		if err != nil {
			return size, err
		}
	}
}

// drop removes image id's file, on SQLite; on PostgreSQL its chunks go
// with its row (ON DELETE CASCADE) or with a rolled-back transaction.
func (s *Service) drop(id string) {
	if !s.inDB() {
		_ = os.Remove(s.path(id))
	}
}

// openData opens the data of image id, of size bytes, for reading and
// seeking (HTTP range requests).
func (s *Service) openData(ctx context.Context, id string, size int64) (io.ReadSeekCloser, error) {
	if !s.inDB() {
		f, err := os.Open(s.path(id))
		if err != nil {
			return nil, fmt.Errorf("open image data: %w", err)
		}
		return f, nil
	}
	return &chunkReader{ctx: ctx, db: s.db, id: id, size: size, seq: -1}, nil
}

// chunkReader reads an image's chunks from the database one at a time,
// each in a short read-only transaction, so that a slow client holds
// neither a transaction nor more than a chunk of memory.
type chunkReader struct {
	ctx  context.Context
	db   *store.DB
	id   string
	size int64
	off  int64
	seq  int    // the chunk in buf, -1 none
	buf  []byte // chunk seq
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	seq := int(r.off / ChunkSize)
	if seq != r.seq {
		err := r.db.View(r.ctx, func(tx *store.Tx) (err error) {
			r.buf, err = tx.ImageChunkGet(r.ctx, r.id, seq)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("read chunk %d of image %s: %w", seq, r.id, err)
		}
		r.seq = seq
	}
	at := int(r.off - int64(seq)*ChunkSize)
	if at >= len(r.buf) {
		return 0, io.ErrUnexpectedEOF // shorter than the size recorded
	}
	n := copy(p, r.buf[at:])
	r.off += int64(n)
	return n, nil
}

func (r *chunkReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	}
	if offset < 0 {
		return 0, errors.New("seek before the start of the image")
	}
	r.off = offset
	return offset, nil
}

func (r *chunkReader) Close() error { r.buf = nil; return nil }
