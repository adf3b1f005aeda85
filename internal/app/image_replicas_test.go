package app_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
	"novalite/internal/image"
)

// TestImageDataSharedByReplicas: on PostgreSQL image bytes live in the
// database, so replicas keep no directory of their own. An image
// uploaded through one replica downloads whole, and by ranges, through
// another with its own data dir; so does the bootstrap image; deleting
// it through the second leaves none of its chunks, and no replica wrote
// an image file.
func TestImageDataSharedByReplicas(t *testing.T) {
	t.Parallel()
	dsn, one, two := replicaPair(t)
	tok := one.DemoToken()

	// Two whole chunks and a part: reads cross chunk boundaries.
	data := make([]byte, 2*image.ChunkSize+12345)
	rand.NewChaCha8([32]byte{1}).Read(data)
	resp := one.Do(apptest.Request{Method: "POST", Path: "/image/v2/images", Token: tok, Body: map[string]any{"name": "shared", "disk_format": "raw", "container_format": "bare"}})
	if resp.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	id := resp.JSON(t)["id"].(string)
	if resp := one.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + id + "/file", Token: tok, Body: data, Headers: map[string]string{"Content-Type": "application/octet-stream"}}); resp.Status != http.StatusNoContent {
		t.Fatalf("upload: %d %s", resp.Status, resp.Body)
	}
	at := image.ChunkSize - 100 // a range across the first boundary
	for _, tc := range []struct {
		name, rng string
		status    int
		want      []byte
	}{
		{"whole", "", http.StatusOK, data},
		{"range across chunks", "bytes=" + strconv.Itoa(at) + "-" + strconv.Itoa(at+199), http.StatusPartialContent, data[at : at+200]},
		{"tail", "bytes=-10", http.StatusPartialContent, data[len(data)-10:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.rng != "" {
				h["Range"] = tc.rng
			}
			resp := two.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + id + "/file", Token: tok, Headers: h})
			if resp.Status != tc.status || !bytes.Equal(resp.Body, tc.want) {
				t.Errorf("download through the other replica: %d, %d bytes, want %d, %d bytes", resp.Status, len(resp.Body), tc.status, len(tc.want))
			}
		})
	}
	if resp := two.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + image.CirrosID + "/file", Token: tok}); resp.Status != http.StatusOK || len(resp.Body) == 0 {
		t.Errorf("bootstrap image through the other replica: %d, %d bytes", resp.Status, len(resp.Body))
	}

	if resp := two.Do(apptest.Request{Method: "DELETE", Path: "/image/v2/images/" + id, Token: tok}); resp.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	db := apptest.OpenPostgres(t, dsn)
	var left int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM image_chunks WHERE image_id = $1`, id).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d chunks of the deleted image are left", left)
	}
	for _, dir := range []string{one.App.Config.DataDir, two.App.Config.DataDir} {
		if files, _ := filepath.Glob(filepath.Join(dir, "images", "*")); len(files) != 0 {
			t.Errorf("image files in a replica's data dir: %v", files)
		}
	}
}

// replicaPair starts two replicas on one scratch PostgreSQL database,
// each with a data dir of its own; it returns the database's DSN too.
func replicaPair(t *testing.T) (dsn string, one, two *apptest.Server) {
	t.Helper()
	apptest.PostgresPass(t) // PostgreSQL whatever the pass
	dsn = apptest.PostgresDatabase(t)
	one = apptest.Start(t, func(c *config.Config) { c.Database = dsn })
	two = one.Replica(func(c *config.Config) { c.DataDir = t.TempDir() })
	return dsn, one, two
}
