package compute_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"novalite/internal/app/apptest"
)

// subres is a testBundle with what the sub-resource tests share: a
// reader of project demo, a member of another project, and a launched
// server of demo's.
type subres struct {
	*testBundle
	reader string // token of a user with only the reader role on demo
	other  string // token of a member of another project
	id     string // an ACTIVE server of project demo
}

func setupSubres(t *testing.T) *subres {
	t.Helper()
	b := setup(t)
	s := &subres{testBundle: b, reader: b.newReader(t)}
	s.other, _ = b.srv.NewMember("other")
	s.id = b.create(t, b.demo, "vm", map[string]any{"metadata": map[string]any{"a": "1"}})
	b.launch(t, s.id)
	return s
}

// newReader creates user "reader" holding the reader role on project
// demo and returns its token.
func (b *testBundle) newReader(t *testing.T) string {
	t.Helper()
	first := func(path, key string) string {
		resp := b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/" + path, Token: b.admin})
		list, _ := resp.JSON(t)[key].([]any)
		if len(list) != 1 {
			t.Fatalf("GET %s: %s", path, resp.Body)
		}
		return list[0].(map[string]any)["id"].(string)
	}
	project, role := first("projects?name=demo", "projects"), first("roles?name=reader", "roles")
	const pw = "reader-secret"
	resp := b.srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/users", Token: b.admin,
		Body: map[string]any{"user": map[string]any{"name": "reader", "password": pw, "domain_id": "default"}}})
	if resp.Status != http.StatusCreated {
		t.Fatalf("create reader: %d %s", resp.Status, resp.Body)
	}
	user := resp.JSON(t)["user"].(map[string]any)["id"].(string)
	resp = b.srv.Do(apptest.Request{Method: "PUT", Path: "/identity/v3/projects/" + project + "/users/" + user + "/roles/" + role, Token: b.admin})
	if resp.Status != http.StatusNoContent {
		t.Fatalf("grant reader: %d %s", resp.Status, resp.Body)
	}
	return b.srv.Token("reader", pw, "demo")
}

// setState writes a server's states as an agent would; launched sets
// launched_at (or clears it).
func (b *testBundle) setState(t *testing.T, id, vm, task string, launched bool) {
	t.Helper()
	var taskArg, launchedArg any
	if task != "" {
		taskArg = task
	}
	if launched {
		launchedArg = time.Now().UnixMicro()
	}
	if err := b.execSQL(`UPDATE instances SET vm_state = $1, task_state = $2, launched_at = $3 WHERE uuid = $4`,
		vm, taskArg, launchedArg, id); err != nil {
		t.Fatal(err)
	}
}

// lockAs locks a server with token.
func (b *testBundle) lockAs(t *testing.T, token, id string) {
	t.Helper()
	if resp := b.do("POST", "/servers/"+id+"/action", token, "2.1", map[string]any{"lock": nil}); resp.Status != http.StatusAccepted {
		t.Fatalf("lock: %d %s", resp.Status, resp.Body)
	}
}

// expect fails unless resp has status and, for faults, message msg.
func expect(t *testing.T, label string, status int, msg string, gotStatus int, gotMsg string) {
	t.Helper()
	if gotStatus != status || (msg != "" && gotMsg != msg) {
		t.Errorf("%s: %d %q, want %d %q", label, gotStatus, gotMsg, status, msg)
	}
}

func denied(rule string) string { return "Policy doesn't allow " + rule + " to be performed." }

// sha224Hex is Nova's hostId of a project and host.
func sha224Hex(s string) string {
	h := sha256.Sum224([]byte(s))
	return hex.EncodeToString(h[:])
}
