package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"

	"novalite/internal/app"
	"novalite/internal/app/apptest"
	"novalite/internal/image"
)

// TestImageFilesImported starts from images stored the way novalite did
// on PostgreSQL before migration 0042: bytes in a file named by the
// image id in a replica's data dir, no chunk in the database. Until that
// data dir is imported another replica cannot serve them; three processes
// then open on it at once (replicas restarted on a shared directory) and
// import each image once — its chunks whole, no duplicate. A file that is
// not its image's bytes (another md5) is left out; a file of no image and
// an upload in progress are ignored; the files stay. Opening again
// changes nothing.
func TestImageFilesImported(t *testing.T) {
	t.Parallel()
	dsn, one, two := replicaPair(t)
	tok := one.DemoToken()

	upload := func(name string, data []byte) string {
		resp := one.Do(apptest.Request{Method: "POST", Path: "/image/v2/images", Token: tok, Body: map[string]any{"name": name, "disk_format": "raw", "container_format": "bare"}})
		if resp.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", resp.Status, resp.Body)
		}
		id := resp.JSON(t)["id"].(string)
		if resp := one.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + id + "/file", Token: tok, Body: data, Headers: map[string]string{"Content-Type": "application/octet-stream"}}); resp.Status != http.StatusNoContent {
			t.Fatalf("upload: %d %s", resp.Status, resp.Body)
		}
		return id
	}
	data := make([]byte, 2*image.ChunkSize+777)
	rand.NewChaCha8([32]byte{2}).Read(data)
	good, bad := upload("old", data), upload("tampered", data)
	tampered := bytes.Clone(data)
	tampered[5] ^= 0xff

	// The old layout: the files, and no chunks.
	old := t.TempDir()
	files := map[string][]byte{good: data, bad: tampered, uuid.NewString(): []byte("an image deleted since"),
		good + ".upload-123": []byte("an upload cut short")}
	for name, b := range files {
		if err := os.MkdirAll(filepath.Join(old, "images"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(old, "images", name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := one.ExecSQL(`DELETE FROM image_chunks WHERE image_id IN ($1, $2)`, good, bad); err != nil {
		t.Fatal(err)
	}
	// Through plain HTTP: a download that fails after its headers ends
	// in a cut body, which apptest's client takes for a broken server.
	download := func(id string) (int, []byte) {
		req, err := http.NewRequest("GET", two.URL+"/image/v2/images/"+id+"/file", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return -resp.StatusCode, body // cut short
		}
		return resp.StatusCode, body
	}
	if code, body := download(good); code == http.StatusOK && bytes.Equal(body, data) {
		t.Fatal("the image downloads before its file is imported: the test does not start from the old layout")
	}

	cfg := one.App.Config
	cfg.DataDir, cfg.Hosts, cfg.NoLoops = old, 0, true
	openAll := func(n int) {
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				a, err := app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
				if err != nil {
					t.Errorf("open on the old data dir: %v", err)
					return
				}
				a.Close()
			})
		}
		wg.Wait()
	}
	db := apptest.OpenPostgres(t, dsn)
	chunks := func(id string) int {
		var n int
		if err := db.QueryRowContext(context.Background(),
			`SELECT count(*) FROM image_chunks WHERE image_id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for round := 1; round <= 2; round++ {
		openAll(3)
		if code, body := download(good); code != http.StatusOK || !bytes.Equal(body, data) {
			t.Errorf("round %d: imported image through another replica: %d, %d bytes, want 200, %d bytes", round, code, len(body), len(data))
		}
		if n := chunks(good); n != 3 {
			t.Errorf("round %d: %d chunks of the imported image, want 3", round, n)
		}
		if n := chunks(bad); n != 0 {
			t.Errorf("round %d: the tampered file was imported (%d chunks)", round, n)
		}
	}
	for name := range files {
		if _, err := os.Stat(filepath.Join(old, "images", name)); err != nil {
			t.Errorf("file %s: %v", name, err)
		}
	}
}
