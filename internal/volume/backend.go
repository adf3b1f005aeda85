package volume

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// backend keeps each volume's data as a sparse raw file named by its id
// (a 1 TB volume costs no disk until written). Snapshots are full copies
// of their volume's file (sparse where the volume is).
type backend struct{ dir string }

const gib = 1 << 30

func newBackend(dir string) (backend, error) {
	if dir == "" {
		return backend{}, errors.New("volume: no data directory")
	}
	if err := os.MkdirAll(filepath.Join(dir, "snapshots"), 0o700); err != nil {
		return backend{}, fmt.Errorf("volume dir: %w", err)
	}
	return backend{dir: dir}, nil
}

// Path is where the volume's bytes are.
func (b backend) path(id string) string { return filepath.Join(b.dir, id) }

func (b backend) snapshotPath(id string) string { return filepath.Join(b.dir, "snapshots", id) }

// create makes a volume file of sizeGB, filled from src when not nil.
func (b backend) create(id string, sizeGB int64, src io.Reader) error {
	return writeSparse(b.path(id), sizeGB, src)
}

// extend grows a volume's file.
func (b backend) extend(id string, sizeGB int64) error {
	return os.Truncate(b.path(id), sizeGB*gib)
}

// remove deletes a volume's file; one already gone is fine.
func (b backend) remove(id string) error {
	if err := os.Remove(b.path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func (b backend) removeSnapshot(id string) error {
	if err := os.Remove(b.snapshotPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// snapshot copies a volume's file to a snapshot's.
func (b backend) snapshot(volumeID, snapshotID string, sizeGB int64) error {
	return copySparse(b.path(volumeID), b.snapshotPath(snapshotID), sizeGB)
}

// fromVolume fills a new volume from another volume's file.
func (b backend) fromVolume(srcID, id string, sizeGB int64) error {
	return copySparse(b.path(srcID), b.path(id), sizeGB)
}

// fromSnapshot fills a new volume from a snapshot's file.
func (b backend) fromSnapshot(snapID, id string, sizeGB int64) error {
	return copySparse(b.snapshotPath(snapID), b.path(id), sizeGB)
}

// copySparse copies one sparse file into a new one of sizeGB, reading
// only the source's data extents (SEEK_DATA/SEEK_HOLE): copying a 1 TB
// volume holding 1 MB reads 1 MB.
func copySparse(from, to string, sizeGB int64) (err error) {
	src, err := os.Open(from)
	if errors.Is(err, os.ErrNotExist) {
		return writeSparse(to, sizeGB, nil) // a source without data: empty
	}
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(to)
		}
	}()
	limit := sizeGB * gib
	for off := int64(0); off < limit; {
		data, err := src.Seek(off, seekData)
		if errors.Is(err, syscall.ENXIO) {
			break // no data after off
		}
		if errors.Is(err, syscall.EINVAL) { // no SEEK_DATA here: read it all
			if _, err := src.Seek(0, io.SeekStart); err != nil {
				return err
			}
			if err := copyHoles(dst, io.LimitReader(src, limit), 0); err != nil {
				return err
			}
			break
		}
		if err != nil {
			return err
		}
		hole, err := src.Seek(data, seekHole)
		if err != nil {
			return err
		}
		hole = min(hole, limit)
		if data >= hole {
			break
		}
		if _, err := src.Seek(data, io.SeekStart); err != nil {
			return err
		}
		if err := copyHoles(dst, io.LimitReader(src, hole-data), data); err != nil {
			return err
		}
		off = hole
	}
	return dst.Truncate(limit)
}

// Linux's lseek whences for sparse files.
const (
	seekData = 3
	seekHole = 4
)

// writeSparse writes src into a new file at path, skipping runs of zeros
// so that the file stays sparse, then sets its length to sizeGB GiB.
func writeSparse(path string, sizeGB int64, src io.Reader) (err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	if src != nil {
		if err := copyHoles(f, io.LimitReader(src, sizeGB*gib), 0); err != nil {
			return err
		}
	}
	return f.Truncate(sizeGB * gib)
}

// copyHoles copies r to f from offset off block by block, leaving
// all-zero blocks unwritten (holes).
func copyHoles(f *os.File, r io.Reader, off int64) error {
	buf := make([]byte, 1<<20)
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if !allZero(buf[:n]) {
				if _, werr := f.WriteAt(buf[:n], off); werr != nil {
					return werr
				}
			}
			off += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
