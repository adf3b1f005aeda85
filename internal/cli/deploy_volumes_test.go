package cli_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"novalite/internal/app/apptest"
)

// TestDeploymentVolumes: with the api replicas and the agent in
// processes of their own, each with its own data dir but one shared
// --volume-dir, a volume made through one replica has its file there, an
// attach through the other reaches the agent's driver (its fake guest
// logs the volume with the file it found in its --volume-dir: the same),
// an in-use extend tells it the new size, and a detach unplugs it.
func TestDeploymentVolumes(t *testing.T) {
	apptest.PostgresPass(t) // the roles run on PostgreSQL whatever the pass
	t.Parallel()
	volumes := t.TempDir()
	d := &deployment{t: t, bin: binary, dsn: apptest.PostgresDatabase(t), agents: map[string]*proc{},
		agentArgs: []string{"--instant"}, commonArgs: []string{"--volume-dir", volumes}}
	d.start(2, 1, 1)
	token := adminToken(t, d.apis[0].url)
	id := createRetry(t, d.apis[0].url, token, "with-volume", "", 10*time.Second)
	settle(t, d.apis[0].url, token, 30*time.Second)

	var vol struct{ Volume struct{ ID, Status string } }
	if code, err := try(d.apis[0].url, token, "POST", "/volume/v3/volumes", map[string]any{"volume": map[string]any{"size": 1}}, &vol); code != http.StatusAccepted {
		t.Fatalf("volume create: %d %v", code, err)
	}
	vid := vol.Volume.ID
	waitVolumeStatus(t, d.apis[1].url, token, vid, "available")
	if _, err := os.Stat(filepath.Join(volumes, vid)); err != nil {
		t.Fatalf("the volume's file is not in the shared --volume-dir: %v", err)
	}

	start := time.Now()
	body := map[string]any{"volumeAttachment": map[string]any{"volumeId": vid}}
	if code, err := try(d.apis[1].url, token, "POST", "/compute/v2.1/servers/"+id+"/os-volume_attachments", body, nil); code != http.StatusOK {
		t.Fatalf("attach through the other replica: %d %v", code, err)
	}
	t.Logf("attach through a host call: %v", time.Since(start).Round(time.Millisecond))
	waitVolumeStatus(t, d.apis[0].url, token, vid, "in-use")
	want := "attached volume " + vid + " as /dev/vdb (" + filepath.Join(volumes, vid) + ")"
	if out := consoleOf(t, d.apis[0].url, token, id); !strings.Contains(out, want) {
		t.Errorf("the agent's guest did not get the volume's file; console:\n%s\nwant %q", out, want)
	}
	// Extending it in use (volume 3.42) reaches the agent's guest too,
	// through a volume_extend host call.
	req, err := http.NewRequest("POST", d.apis[1].url+"/volume/v3/volumes/"+vid+"/action",
		strings.NewReader(`{"os-extend": {"new_size": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("OpenStack-API-Version", "volume 3.42")
	resp, err := tryClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("extend in use: %v %v", resp, err)
	}
	resp.Body.Close()
	if out, want := consoleOf(t, d.apis[0].url, token, id), "volume "+vid+" extended to 2147483648 bytes"; !strings.Contains(out, want) {
		t.Errorf("the agent's guest was not told of the extend; console:\n%s\nwant %q", out, want)
	}
	start = time.Now()
	if code, err := try(d.apis[0].url, token, "DELETE", "/compute/v2.1/servers/"+id+"/os-volume_attachments/"+vid, nil, nil); code != http.StatusAccepted {
		t.Fatalf("detach: %d %v", code, err)
	}
	t.Logf("detach through a host call: %v", time.Since(start).Round(time.Millisecond))
	waitVolumeStatus(t, d.apis[1].url, token, vid, "available")
	if out := consoleOf(t, d.apis[1].url, token, id); !strings.Contains(out, "detached volume "+vid) {
		t.Errorf("the agent's guest kept the volume; console:\n%s", out)
	}
}

func waitVolumeStatus(t *testing.T, base, token, id, status string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var v struct{ Volume struct{ Status string } }
		code, err := try(base, token, "GET", "/volume/v3/volumes/"+id, nil, &v)
		if code == http.StatusOK && v.Volume.Status == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("volume %s: %d %v %q, want %s", id, code, err, v.Volume.Status, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func consoleOf(t *testing.T, base, token, id string) string {
	t.Helper()
	var out struct{ Output string }
	body := map[string]any{"os-getConsoleOutput": map[string]any{}}
	if code, err := try(base, token, "POST", "/compute/v2.1/servers/"+id+"/action", body, &out); code != http.StatusOK {
		t.Fatalf("console output: %d %v", code, err)
	}
	return out.Output
}
