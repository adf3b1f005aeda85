package image

import (
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store/storetest"
)

var (
	owner    = &novalite.Caller{UserID: "u1", ProjectID: "p1", Roles: []novalite.Role{{Name: "member"}, {Name: "reader"}}}
	reader   = &novalite.Caller{UserID: "u2", ProjectID: "p1", Roles: []novalite.Role{{Name: "reader"}}}
	stranger = &novalite.Caller{UserID: "u3", ProjectID: "p2", Roles: []novalite.Role{{Name: "member"}, {Name: "reader"}}}
)

// setup is the image service over a real store (either engine) and a
// temp dir for the bytes, with one private queued image of project p1.
func setup(t *testing.T) (*Service, string) {
	t.Helper()
	s, err := New(storetest.Open(t), Options{Dir: t.TempDir(), CountTotal: -1,
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	im, err := s.Create(context.Background(), owner, map[string]any{"name": "disk", "visibility": "private"})
	if err != nil {
		t.Fatal(err)
	}
	return s, im.ID
}

// failingReader breaks after some bytes, as a client that hangs up.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

// TestUpload: who may upload, what a good upload records, and that a
// failed one leaves the image queued with no file behind.
func TestUpload(t *testing.T) {
	t.Parallel()
	data := strings.Repeat("novalite", 100000)
	for _, c := range []struct {
		name       string
		caller     *novalite.Caller
		body       io.Reader
		wantKind   novalite.Kind // Internal, the zero Kind: no error
		wantStatus string
	}{
		{name: "owner", caller: owner, body: strings.NewReader(data), wantStatus: novalite.ImageActive},
		{name: "reader of the project", caller: reader, body: strings.NewReader(data), wantKind: novalite.Forbidden,
			wantStatus: novalite.ImageQueued},
		{name: "other project", caller: stranger, body: strings.NewReader(data), wantKind: novalite.NotFound,
			wantStatus: novalite.ImageQueued},
		{name: "body breaks", caller: owner, body: &failingReader{n: 1000}, wantKind: novalite.Invalid,
			wantStatus: novalite.ImageQueued},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, id := setup(t)
			ctx := context.Background()
			err := s.Upload(ctx, c.caller, id, c.body)
			if c.wantKind != novalite.Internal && (err == nil || novalite.KindOf(err) != c.wantKind) {
				t.Errorf("Upload: %v, want %v", err, c.wantKind)
			}
			if c.wantKind == novalite.Internal && err != nil {
				t.Fatalf("Upload: %v", err)
			}
			im, err := s.Get(ctx, owner, id)
			if err != nil {
				t.Fatal(err)
			}
			if im.Status != c.wantStatus {
				t.Errorf("status %s, want %s", im.Status, c.wantStatus)
			}
			files, _ := os.ReadDir(s.dir)
			if c.wantStatus != novalite.ImageActive {
				if len(files) != 0 {
					t.Errorf("files left behind: %v", files)
				}
				return
			}
			m5, sh := md5.Sum([]byte(data)), sha512.Sum512([]byte(data))
			if im.Size == nil || *im.Size != int64(len(data)) || im.Checksum != hex.EncodeToString(m5[:]) ||
				im.HashAlgo != "sha512" || im.HashValue != hex.EncodeToString(sh[:]) {
				t.Errorf("recorded size %v, md5 %v, sha512 %v; want %d and the data's sums", im.Size, im.Checksum, im.HashValue, len(data))
			}
			if err := s.Upload(ctx, owner, id, strings.NewReader("again")); novalite.KindOf(err) != novalite.Conflict {
				t.Errorf("second upload: %v, want Glance's 409", err)
			}
			f, _, err := s.Open(ctx, owner, id)
			if err != nil || f == nil {
				t.Fatalf("Open: %v, %v", f, err)
			}
			defer f.Close()
			if b, _ := io.ReadAll(f); string(b) != data {
				t.Errorf("downloaded %d bytes, not what was uploaded", len(b))
			}
		})
	}
}
