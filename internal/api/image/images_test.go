package image_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

var jsonAccept = map[string]string{"Accept": "application/json"}

func patchHeaders() map[string]string {
	return map[string]string{"Content-Type": "application/openstack-images-v2.1-json-patch", "Accept": "application/json"}
}

// createImage creates an image and returns its view.
func createImage(t *testing.T, srv *apptest.Server, tok string, body map[string]any) map[string]any {
	t.Helper()
	resp := srv.Do(apptest.Request{Method: "POST", Path: "/image/v2/images", Token: tok, Body: body, Headers: jsonAccept})
	if resp.Status != http.StatusCreated {
		t.Fatalf("create image: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)
}

func upload(t *testing.T, srv *apptest.Server, tok, id string, data []byte) apptest.Response {
	t.Helper()
	return srv.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + id + "/file", Token: tok, Body: data,
		Headers: map[string]string{"Content-Type": "application/octet-stream"}})
}

func TestVersions(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	for _, tc := range []struct {
		path   string
		status int
	}{{"/image", 300}, {"/image/", 300}, {"/image/versions", 200}, {"/image/v2/", 300}} {
		resp := srv.Do(apptest.Request{Method: "GET", Path: tc.path})
		if resp.Status != tc.status {
			t.Fatalf("GET %s: %d %s", tc.path, resp.Status, resp.Body)
		}
		vs := resp.JSON(t)["versions"].([]any)
		first := vs[0].(map[string]any)
		if first["status"] != "CURRENT" || !strings.HasPrefix(first["id"].(string), "v2.") {
			t.Errorf("GET %s: first version %v", tc.path, first)
		}
		href := first["links"].([]any)[0].(map[string]any)["href"].(string)
		if href != srv.URL+"/image/v2/" {
			t.Errorf("GET %s: href %s", tc.path, href)
		}
	}
	if resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images"}); resp.Status != 401 {
		t.Errorf("no token: %d", resp.Status)
	}
}

func TestBootstrapCirros(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?name=cirros", Token: srv.DemoToken()})
	ims := resp.JSON(t)["images"].([]any)
	if len(ims) != 1 {
		t.Fatalf("cirros: %s", resp.Body)
	}
	im := ims[0].(map[string]any)
	for k, want := range map[string]any{"status": "active", "visibility": "public", "os_hash_algo": "sha512",
		"disk_format": "qcow2", "container_format": "bare"} {
		if im[k] != want {
			t.Errorf("%s = %v, want %v", k, im[k], want)
		}
	}
	dl := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + im["id"].(string) + "/file", Token: srv.DemoToken()})
	sum := md5.Sum(dl.Body)
	if dl.Status != 200 || hex.EncodeToString(sum[:]) != im["checksum"] || float64(len(dl.Body)) != im["size"] {
		t.Errorf("download: %d, %d bytes, checksum %s", dl.Status, len(dl.Body), im["checksum"])
	}
	// A second bootstrap changes nothing.
	if _, err := srv.App.Bootstrap(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images?name=cirros", Token: srv.DemoToken()}).JSON(t)["images"].([]any)); n != 1 {
		t.Errorf("after second bootstrap: %d cirros images", n)
	}
}

func TestNotFoundForNamesAndJunk(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	for _, id := range []string{"cirros", "not-a-uuid", "00000000-0000-0000-0000-000000000000"} {
		resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + id, Token: srv.DemoToken(), Headers: jsonAccept})
		if resp.Status != 404 {
			t.Fatalf("GET %s: %d", id, resp.Status)
		}
		body := resp.JSON(t)
		if body["code"] != "404 Not Found" || !strings.HasPrefix(body["message"].(string), "No image found with ID "+id) {
			t.Errorf("GET %s: %s", id, resp.Body)
		}
	}
	// Without a JSON Accept header webob answers in plain text.
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/cirros", Token: srv.DemoToken()})
	if resp.Status != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("plain 404: %d %s", resp.Status, resp.Header.Get("Content-Type"))
	}
}

func TestCreateUploadDownload(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	im := createImage(t, srv, tok, map[string]any{"name": "img1", "disk_format": "raw",
		"container_format": "bare", "min_ram": 64, "tags": []string{"a", "b"}, "hw_rescue_bus": "usb"})
	id := im["id"].(string)
	for k, want := range map[string]any{"status": "queued", "visibility": "shared", "size": nil,
		"checksum": nil, "min_ram": float64(64), "hw_rescue_bus": "usb", "self": "/v2/images/" + id,
		"file": "/v2/images/" + id + "/file", "schema": "/v2/schemas/image", "protected": false} {
		if im[k] != want {
			t.Errorf("created %s = %v, want %v", k, im[k], want)
		}
	}
	if resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + id + "/file", Token: tok}); resp.Status != 204 {
		t.Errorf("download of queued: %d", resp.Status)
	}
	data := bytes.Repeat([]byte("novalite"), 100000)
	if resp := upload(t, srv, tok, id, data); resp.Status != 204 {
		t.Fatalf("upload: %d %s", resp.Status, resp.Body)
	}
	got := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + id, Token: tok}).JSON(t)
	m5, s512 := md5.Sum(data), sha512.Sum512(data)
	for k, want := range map[string]any{"status": "active", "size": float64(len(data)),
		"checksum": hex.EncodeToString(m5[:]), "os_hash_algo": "sha512", "os_hash_value": hex.EncodeToString(s512[:])} {
		if got[k] != want {
			t.Errorf("after upload %s = %v, want %v", k, got[k], want)
		}
	}
	dl := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + id + "/file", Token: tok})
	if dl.Status != 200 || !bytes.Equal(dl.Body, data) || dl.Header.Get("Content-MD5") != got["checksum"] {
		t.Errorf("download: %d, %d bytes, Content-MD5 %q", dl.Status, len(dl.Body), dl.Header.Get("Content-MD5"))
	}
	if resp := upload(t, srv, tok, id, data); resp.Status != 409 {
		t.Errorf("second upload: %d %s", resp.Status, resp.Body)
	}
	if resp := srv.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + id + "/file", Token: tok, Body: "x", Headers: map[string]string{"Content-Type": "text/plain"}}); resp.Status != 415 {
		t.Errorf("upload text/plain: %d", resp.Status)
	}
}

func TestCreateErrors(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	for _, tc := range []struct {
		name   string
		tok    string
		body   any
		status int
		msg    string
	}{
		{"read-only status", "demo", map[string]any{"status": "active"}, 403, "Attribute 'status' is read-only."},
		{"read-only self", "demo", map[string]any{"self": "x"}, 403, "Attribute 'self' is read-only."},
		{"reserved", "demo", map[string]any{"deleted": "x"}, 403, "Attribute 'deleted' is reserved."},
		{"bad disk format", "demo", map[string]any{"disk_format": "floppy"}, 400, "Provided object does not match schema 'image'"},
		{"bad visibility", "demo", map[string]any{"visibility": "everyone"}, 400, "Provided object does not match schema 'image'"},
		{"bad min_ram", "demo", map[string]any{"min_ram": "x"}, 400, "is not of type 'integer'"},
		{"non-string property", "demo", map[string]any{"foo": 1}, 400, "is not of type 'string'"},
		{"publicize as member", "demo", map[string]any{"visibility": "public"}, 403, "You are not authorized to complete publicize_image action."},
		{"other owner", "demo", map[string]any{"owner": "someone"}, 403, "You are not permitted to create images owned by 'someone'."},
		{"no body", "demo", nil, 400, "Body expected in request."},
		{"public as admin", "admin", map[string]any{"visibility": "public"}, 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := srv.DemoToken()
			if tc.tok == "admin" {
				tok = srv.AdminToken()
			}
			resp := srv.Do(apptest.Request{Method: "POST", Path: "/image/v2/images", Token: tok, Body: tc.body, Headers: jsonAccept})
			if resp.Status != tc.status {
				t.Fatalf("%d %s", resp.Status, resp.Body)
			}
			if tc.msg != "" && !strings.Contains(resp.JSON(t)["message"].(string), tc.msg) {
				t.Errorf("message %s, want %q", resp.Body, tc.msg)
			}
		})
	}
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	demo := srv.DemoToken()
	other, _ := srv.NewMember("other")
	admin := srv.AdminToken()
	ids := map[string]string{}
	for _, vis := range []string{"private", "shared", "community"} {
		ids[vis] = createImage(t, srv, demo, map[string]any{"name": "demo-" + vis, "visibility": vis})["id"].(string)
	}
	ids["public"] = createImage(t, srv, admin, map[string]any{"name": "admin-public", "visibility": "public"})["id"].(string)
	ids["admin-private"] = createImage(t, srv, admin, map[string]any{"name": "admin-private", "visibility": "private"})["id"].(string)

	for _, tc := range []struct {
		who     string
		tok     string
		visible map[string]bool
	}{
		{"owner", demo, map[string]bool{"private": true, "shared": true, "community": true, "public": true, "admin-private": false}},
		{"other project", other, map[string]bool{"private": false, "shared": false, "community": true, "public": true, "admin-private": false}},
		{"admin", admin, map[string]bool{"private": true, "shared": true, "community": true, "public": true, "admin-private": true}},
	} {
		for name, want := range tc.visible {
			resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + ids[name], Token: tc.tok})
			if (resp.Status == 200) != want {
				t.Errorf("%s GET %s image: %d, want visible=%v", tc.who, name, resp.Status, want)
			}
		}
	}
	// Default lists leave out others' community images; visibility=community shows them.
	list := func(tok, query string) map[string]bool {
		resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images" + query, Token: tok})
		if resp.Status != 200 {
			t.Fatalf("list %s: %d %s", query, resp.Status, resp.Body)
		}
		out := map[string]bool{}
		for _, im := range resp.JSON(t)["images"].([]any) {
			out[im.(map[string]any)["name"].(string)] = true
		}
		return out
	}
	for _, tc := range []struct {
		who, tok, query string
		want            []string
		not             []string
	}{
		{"other default", other, "", []string{"admin-public", "cirros"}, []string{"demo-private", "demo-shared", "demo-community", "admin-private"}},
		{"other community", other, "?visibility=community", []string{"demo-community"}, []string{"admin-public"}},
		{"other private", other, "?visibility=private", nil, []string{"demo-private", "admin-private"}},
		{"other all", other, "?visibility=all", []string{"demo-community", "admin-public"}, []string{"demo-private"}},
		{"owner default", demo, "", []string{"demo-private", "demo-shared", "demo-community", "admin-public"}, []string{"admin-private"}},
		{"owner private", demo, "?visibility=private", []string{"demo-private"}, []string{"demo-shared", "admin-private"}},
		{"admin default", admin, "", []string{"demo-private", "admin-private", "demo-community"}, nil},
	} {
		got := list(tc.tok, tc.query)
		for _, n := range tc.want {
			if !got[n] {
				t.Errorf("%s: %s missing from %v", tc.who, n, got)
			}
		}
		for _, n := range tc.not {
			if got[n] {
				t.Errorf("%s: %s listed", tc.who, n)
			}
		}
	}
	// Changing or deleting: invisible → 404, visible but not ours → 403.
	for _, tc := range []struct {
		name, method, id string
		status           int
	}{
		{"delete invisible", "DELETE", ids["private"], 404},
		{"delete others' community", "DELETE", ids["community"], 403},
		{"delete public", "DELETE", ids["public"], 403},
		{"patch invisible", "PATCH", ids["private"], 404},
		{"patch public", "PATCH", ids["public"], 403},
		{"upload invisible", "PUT", ids["private"], 404},
	} {
		var resp apptest.Response
		switch tc.method {
		case "PATCH":
			resp = srv.Do(apptest.Request{Method: "PATCH", Path: "/image/v2/images/" + tc.id, Token: other, Body: `[{"op":"replace","path":"/name","value":"x"}]`, Headers: patchHeaders()})
		case "PUT":
			resp = upload(t, srv, other, tc.id, []byte("x"))
		default:
			resp = srv.Do(apptest.Request{Method: tc.method, Path: "/image/v2/images/" + tc.id, Token: other})
		}
		if resp.Status != tc.status {
			t.Errorf("%s: %d %s", tc.name, resp.Status, resp.Body)
		}
	}
}

func TestListFiltersAndPaging(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	var ids []string
	for i := range 5 {
		im := createImage(t, srv, tok, map[string]any{"name": fmt.Sprintf("page-%d", i), "disk_format": "raw",
			"container_format": "bare", "tags": []string{fmt.Sprintf("t%d", i%2)}})
		ids = append(ids, im["id"].(string))
	}
	names := func(query string) []string {
		t.Helper()
		resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images" + query, Token: tok})
		if resp.Status != 200 {
			t.Fatalf("%s: %d %s", query, resp.Status, resp.Body)
		}
		var out []string
		for _, im := range resp.JSON(t)["images"].([]any) {
			out = append(out, im.(map[string]any)["name"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"?name=page-3", "page-3"},
		{"?status=queued&sort=name:asc", "page-0,page-1,page-2,page-3,page-4"},
		{"?status=active", "cirros"},
		{"?sort_key=name&sort_dir=desc&disk_format=raw", "page-4,page-3,page-2,page-1,page-0"},
		{"?id=in:" + ids[1] + "," + ids[3] + "&sort=name:asc", "page-1,page-3"},
		{"?tag=t1&sort=name:asc", "page-1,page-3"},
		{"?visibility=public", "cirros"},
		{"?owner=nobody", ""},
	} {
		if got := strings.Join(names(tc.query), ","); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
		}
	}
	// Pages of 2 by name partition the set; next carries the marker.
	var all []string
	next := "/v2/images?sort=name:asc&status=queued&limit=2"
	for next != "" {
		resp := srv.Do(apptest.Request{Method: "GET", Path: "/image" + next, Token: tok})
		body := resp.JSON(t)
		for _, im := range body["images"].([]any) {
			all = append(all, im.(map[string]any)["name"].(string))
		}
		next, _ = body["next"].(string)
		if len(all) > 10 {
			t.Fatal("paging does not end")
		}
	}
	if got := strings.Join(all, ","); got != "page-0,page-1,page-2,page-3,page-4" {
		t.Errorf("pages: %s", got)
	}
	for _, tc := range []struct{ query, msg string }{
		{"?limit=x", "limit param must be an integer"},
		{"?limit=-1", "limit param must be positive"},
		{"?sort_key=bogus", "Invalid sort key: bogus."},
		{"?sort_dir=up", "Invalid sort direction: up"},
		{"?visibility=nope", "Invalid visibility value: nope"},
		{"?sort=name&sort_key=name", "Old and new sorting syntax cannot be combined"},
		{"?os_hidden=maybe", "Invalid value 'maybe' for 'os_hidden' filter."},
		{"?marker=" + "00000000-0000-0000-0000-000000000000", "Invalid marker."},
	} {
		resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images" + tc.query, Token: tok, Headers: jsonAccept})
		if resp.Status != 400 || !strings.Contains(resp.JSON(t)["message"].(string), tc.msg) {
			t.Errorf("%s: %d %s", tc.query, resp.Status, resp.Body)
		}
	}
}

func TestPatchAndTags(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.DemoToken()
	id := createImage(t, srv, tok, map[string]any{"name": "p", "foo": "bar"})["id"].(string)
	patch := func(body string, ct string) apptest.Response {
		h := patchHeaders()
		if ct != "" {
			h["Content-Type"] = ct
		}
		return srv.Do(apptest.Request{Method: "PATCH", Path: "/image/v2/images/" + id, Token: tok, Body: body, Headers: h})
	}
	resp := patch(`[{"op":"replace","path":"/name","value":"renamed"},{"op":"add","path":"/hw_rescue_device","value":"disk"},
		{"op":"remove","path":"/foo"},{"op":"replace","path":"/min_disk","value":2},{"op":"replace","path":"/protected","value":true}]`, "")
	if resp.Status != 200 {
		t.Fatalf("patch: %d %s", resp.Status, resp.Body)
	}
	im := resp.JSON(t)
	if im["name"] != "renamed" || im["hw_rescue_device"] != "disk" || im["foo"] != nil || im["min_disk"] != float64(2) || im["protected"] != true {
		t.Errorf("patched: %s", resp.Body)
	}
	// Draft 4 dialect.
	if resp := patch(`[{"replace":"/name","value":"d4"}]`, "application/openstack-images-v2.0-json-patch"); resp.Status != 200 || resp.JSON(t)["name"] != "d4" {
		t.Errorf("draft 4: %d %s", resp.Status, resp.Body)
	}
	for _, tc := range []struct {
		name, body, ct string
		status         int
		msg            string
	}{
		{"read-only", `[{"op":"replace","path":"/status","value":"active"}]`, "", 403, "Attribute 'status' is read-only."},
		{"remove base", `[{"op":"remove","path":"/name"}]`, "", 403, "Property name may not be removed."},
		{"remove missing", `[{"op":"remove","path":"/nope"}]`, "", 409, "Property nope does not exist."},
		{"replace missing", `[{"op":"replace","path":"/nope","value":"x"}]`, "", 409, "Property nope does not exist."},
		{"bad op", `[{"op":"move","path":"/name"}]`, "", 400, "Invalid operation: `move`."},
		{"no value", `[{"op":"add","path":"/x"}]`, "", 400, `Operation "add" requires a member named "value".`},
		{"bad pointer", `[{"op":"add","path":"x","value":"y"}]`, "", 400, "does not start with"},
		{"deep pointer", `[{"op":"add","path":"/a/b","value":"y"}]`, "", 400, "Invalid JSON pointer for this resource: '/a/b'"},
		{"owner", `[{"op":"replace","path":"/owner","value":"x"}]`, "", 403, "Owner can't be updated by non admin."},
		{"publicize", `[{"op":"replace","path":"/visibility","value":"public"}]`, "", 403, "publicize_image"},
		{"json content type", `[]`, "application/json", 415, "Image PATCH expects Content-Type one of"},
	} {
		resp := patch(tc.body, tc.ct)
		if resp.Status != tc.status || !strings.Contains(resp.JSON(t)["message"].(string), tc.msg) {
			t.Errorf("%s: %d %s", tc.name, resp.Status, resp.Body)
		}
	}
	// Tags.
	if resp := srv.Do(apptest.Request{Method: "PUT", Path: "/image/v2/images/" + id + "/tags/x1", Token: tok}); resp.Status != 204 {
		t.Errorf("add tag: %d", resp.Status)
	}
	if tags := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + id, Token: tok}).JSON(t)["tags"].([]any); len(tags) != 1 || tags[0] != "x1" {
		t.Errorf("tags %v", tags)
	}
	if resp := srv.Do(apptest.Request{Method: "DELETE", Path: "/image/v2/images/" + id + "/tags/x1", Token: tok}); resp.Status != 204 {
		t.Errorf("delete tag: %d", resp.Status)
	}
	if resp := srv.Do(apptest.Request{Method: "DELETE", Path: "/image/v2/images/" + id + "/tags/x1", Token: tok}); resp.Status != 404 {
		t.Errorf("delete missing tag: %d", resp.Status)
	}
	// Protected images cannot be deleted until unprotected.
	resp = srv.Do(apptest.Request{Method: "DELETE", Path: "/image/v2/images/" + id, Token: tok, Headers: jsonAccept})
	if resp.Status != 403 || !strings.Contains(resp.JSON(t)["message"].(string), "is protected and cannot be deleted") {
		t.Errorf("delete protected: %d %s", resp.Status, resp.Body)
	}
	patch(`[{"op":"replace","path":"/protected","value":false}]`, "")
	if resp := srv.Do(apptest.Request{Method: "DELETE", Path: "/image/v2/images/" + id, Token: tok}); resp.Status != 204 {
		t.Errorf("delete: %d %s", resp.Status, resp.Body)
	}
	if resp := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images/" + id, Token: tok}); resp.Status != 404 {
		t.Errorf("after delete: %d", resp.Status)
	}
}
