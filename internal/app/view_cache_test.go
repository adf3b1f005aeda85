package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// TestServerViewReadYourWrites: a server shown or listed (and so cached)
// through one app is changed through another on the same database, and
// shown and listed (GET /servers/detail) right after through the first:
// the change is there, every time. On PostgreSQL the two are API
// replicas, each with its own view cache; on SQLite one app both writes
// and reads (serve owns its file: two processes on one SQLite file are
// not a supported setup).
func TestServerViewReadYourWrites(t *testing.T) {
	apptest.PostgresPass(t) // both engines in each pass
	t.Parallel()
	for _, c := range []struct {
		name  string
		start func(t *testing.T) (writer, reader *apptest.Server)
	}{
		{"postgres replicas", func(t *testing.T) (*apptest.Server, *apptest.Server) {
			dsn := apptest.PostgresDatabase(t)
			one := apptest.Start(t, func(c *config.Config) { c.Database = dsn })
			return one, one.Replica(func(c *config.Config) { c.DataDir = t.TempDir() })
		}},
		{"sqlite", func(t *testing.T) (*apptest.Server, *apptest.Server) {
			one := apptest.Start(t, func(c *config.Config) { c.Database = "" })
			return one, one
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			writer, reader := c.start(t)
			tok := writer.DemoToken()
			do := func(s *apptest.Server, method, path string, body any, want int) map[string]any {
				t.Helper()
				return s.Expect(t, apptest.Request{Method: method, Path: "/compute/v2.1" + path, Token: tok, Body: body,
					Headers: map[string]string{"OpenStack-API-Version": "compute 2.100"}}, want)
			}
			img := writer.Expect(t, apptest.Request{Method: "GET", Path: "/image/v2/images", Token: tok}, http.StatusOK)
			image := img["images"].([]any)[0].(map[string]any)["id"].(string)
			created := do(writer, "POST", "/servers", map[string]any{"server": map[string]any{"name": "vm-0",
				"imageRef": image, "flavorRef": "1", "networks": "none"}}, http.StatusAccepted)
			id := created["server"].(map[string]any)["id"].(string)
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				// Metadata can be changed once the build is done.
				if do(writer, "GET", "/servers/"+id, nil, http.StatusOK)["server"].(map[string]any)["status"] == "ACTIVE" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the server did not become ACTIVE")
				}
			}
			listed := func() map[string]any {
				t.Helper()
				for _, s := range do(reader, "GET", "/servers/detail", nil, http.StatusOK)["servers"].([]any) {
					if s := s.(map[string]any); s["id"] == id {
						return s
					}
				}
				return nil
			}
			for i := 1; i <= 10; i++ {
				if i%2 == 0 {
					do(reader, "GET", "/servers/"+id, nil, http.StatusOK)
				} else {
					listed()
				}
				name := fmt.Sprintf("vm-%d", i)
				do(writer, "PUT", "/servers/"+id, map[string]any{"server": map[string]any{"name": name}}, http.StatusOK)
				do(writer, "PUT", "/servers/"+id+"/metadata/round", map[string]any{"meta": map[string]any{"round": name}},
					http.StatusOK)
				if got := listed(); got == nil || got["name"] != name || got["metadata"].(map[string]any)["round"] != name {
					t.Fatalf("round %d: listed through the other app: %v; want name and metadata %s", i, got, name)
				}
				got := do(reader, "GET", "/servers/"+id, nil, http.StatusOK)["server"].(map[string]any)
				if got["name"] != name || got["metadata"].(map[string]any)["round"] != name {
					t.Fatalf("round %d: shown through the other app: name %v, metadata %v; want %s", i, got["name"],
						got["metadata"], name)
				}
			}
			listed()
			do(writer, "DELETE", "/servers/"+id, nil, http.StatusNoContent)
			if s := listed(); s != nil && s["status"] != "DELETED" && s["OS-EXT-STS:task_state"] != "deleting" {
				t.Fatalf("listed right after the delete: status %v, task %v", s["status"], s["OS-EXT-STS:task_state"])
			}
			for {
				resp := reader.Do(apptest.Request{Method: "GET", Path: "/compute/v2.1/servers/" + id, Token: tok})
				if resp.Status == http.StatusNotFound {
					break
				}
				if resp.Status != http.StatusOK {
					t.Fatalf("show after delete: %d %s", resp.Status, resp.Body)
				}
				if s := resp.JSON(t)["server"].(map[string]any); s["status"] != "DELETED" && s["OS-EXT-STS:task_state"] != "deleting" {
					t.Fatalf("shown right after the delete: status %v, task %v", s["status"], s["OS-EXT-STS:task_state"])
				}
			}
		})
	}
}

// TestServerShowKept: a show is written through the rendering the view
// cache keeps for a server (shared with list pages below 2.71): the
// first show after a change reads the store and renders afresh, the next
// ones copy the kept rendering with a list page in between, and each
// is byte for byte the first. Below 2.71 the show is the list's view.
func TestServerShowKept(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.AdminToken()
	req := func(method, path, mv string, body any) apptest.Response {
		t.Helper()
		resp := srv.Do(apptest.Request{Method: method, Path: "/compute/v2.1" + path, Token: tok, Body: body,
			Headers: map[string]string{"OpenStack-API-Version": "compute " + mv}})
		if resp.Status >= 300 {
			t.Fatalf("%s %s at %s: %d %s", method, path, mv, resp.Status, resp.Body)
		}
		return resp
	}
	img := srv.Expect(t, apptest.Request{Method: "GET", Path: "/image/v2/images", Token: tok}, http.StatusOK)
	image := img["images"].([]any)[0].(map[string]any)["id"].(string)
	created := req("POST", "/servers", "2.1", map[string]any{"server": map[string]any{"name": "vm",
		"imageRef": image, "flavorRef": "1", "metadata": map[string]any{"k": "v"}}}).JSON(t)
	id := created["server"].(map[string]any)["id"].(string)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if req("GET", "/servers/"+id, "2.1", nil).JSON(t)["server"].(map[string]any)["status"] == "ACTIVE" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not become ACTIVE")
		}
	}
	for i, mv := range []string{"2.1", "2.16", "2.70", "2.71", "2.100"} {
		name := fmt.Sprintf("vm-%d", i)
		req("PUT", "/servers/"+id, mv, map[string]any{"server": map[string]any{"name": name}})
		first := req("GET", "/servers/"+id, mv, nil).Body
		var shown struct{ Server map[string]any }
		if err := json.Unmarshal(first, &shown); err != nil || shown.Server["name"] != name {
			t.Fatalf("%s: the show after a rename: %v %s", mv, err, first)
		}
		_, groups := shown.Server["server_groups"]
		if groups != (i >= 3) {
			t.Fatalf("%s: server_groups shown %v", mv, groups)
		}
		delete(shown.Server, "server_groups")
		for round := range 3 {
			var page struct{ Servers []map[string]any }
			if err := json.Unmarshal(req("GET", "/servers/detail", mv, nil).Body, &page); err != nil || len(page.Servers) != 1 {
				t.Fatalf("%s: the list: %v %v", mv, err, page)
			}
			if got := req("GET", "/servers/"+id, mv, nil).Body; !bytes.Equal(got, first) {
				t.Fatalf("%s round %d: show\n got %s\nwant %s", mv, round, got, first)
			}
			if !reflect.DeepEqual(page.Servers[0], shown.Server) {
				t.Fatalf("%s: listed %v, shown %v", mv, page.Servers[0], shown.Server)
			}
		}
		if _, ok := shown.Server["host_status"]; ok != (i > 0) {
			t.Errorf("%s: an admin's show has host_status %v", mv, ok)
		}
	}
}
