package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"novalite"

	"novalite/internal/agent"
	"novalite/internal/app"
	"novalite/internal/app/apptest"
	"novalite/internal/config"
	"novalite/internal/controller"
	"novalite/internal/scheduler"
	"novalite/internal/store"
	"novalite/internal/virt/fake"
)

// bundle is a running novalite with loops and the ids lifecycle tests need.
type bundle struct {
	srv   *apptest.Server
	admin string
	demo  string
	image string
}

func setup(t *testing.T, opts ...func(*config.Config)) *bundle {
	t.Helper()
	srv := apptest.Start(t, opts...)
	b := &bundle{srv: srv, admin: srv.AdminToken(), demo: srv.DemoToken()}
	imgs, _ := srv.Do(apptest.Request{Method: "GET", Path: "/image/v2/images", Token: b.demo}).JSON(t)["images"].([]any)
	if len(imgs) == 0 {
		t.Fatal("no bootstrap image")
	}
	b.image = imgs[0].(map[string]any)["id"].(string)
	return b
}

func (b *bundle) do(method, path, token string, body any) apptest.Response {
	return b.srv.Do(apptest.Request{Method: method, Path: "/compute/v2.1" + path, Token: token, Body: body,
		Headers: map[string]string{"OpenStack-API-Version": "compute 2.100"}})
}

func (b *bundle) create(t *testing.T, server map[string]any) string {
	t.Helper()
	s := map[string]any{"name": "vm", "imageRef": b.image, "flavorRef": "1", "networks": "auto"}
	for k, v := range server {
		s[k] = v
	}
	resp := b.do("POST", "/servers", b.demo, map[string]any{"server": s})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	return resp.JSON(t)["server"].(map[string]any)["id"].(string)
}

// wait polls the server (as admin) until done says so, or fails after a
// generous deadline; it returns the last view (nil once 404).
func (b *bundle) wait(t *testing.T, id string, what string, done func(s map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last map[string]any
	for {
		resp := b.do("GET", "/servers/"+id, b.admin, nil)
		switch resp.Status {
		case http.StatusOK:
			last = resp.JSON(t)["server"].(map[string]any)
		case http.StatusNotFound:
			last = nil
		default:
			t.Fatalf("show %s: %d %s", id, resp.Status, resp.Body)
		}
		if done(last) {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("server %s never became %s; last: %v", id, what, last)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func status(want string) func(map[string]any) bool {
	return func(s map[string]any) bool {
		return s != nil && s["status"] == want && s["OS-EXT-STS:task_state"] == nil
	}
}

func gone(s map[string]any) bool { return s == nil }

func TestCreateToActiveAndDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, nil)
	s := b.wait(t, id, "ACTIVE", status("ACTIVE"))
	for k, want := range map[string]any{"OS-EXT-STS:vm_state": "active", "OS-EXT-STS:power_state": float64(1),
		"OS-EXT-SRV-ATTR:host": "novalite-compute-1", "OS-EXT-SRV-ATTR:hypervisor_hostname": "novalite-compute-1",
		"OS-EXT-AZ:availability_zone": "nova", "host_status": "UP"} {
		if s[k] != want {
			t.Errorf("%s = %v, want %v", k, s[k], want)
		}
	}
	if b.events(t, id, "conductor_schedule_and_build_instances", "Success") != 1 ||
		b.events(t, id, "compute__do_build_and_run_instance", "Success") != 1 {
		t.Error("create action lacks its Success events")
	}
	if s["OS-SRV-USG:launched_at"] == nil || s["hostId"] == "" {
		t.Errorf("launched_at %v, hostId %v: want set", s["OS-SRV-USG:launched_at"], s["hostId"])
	}
	b.deleteServer(t, id)
	// Its ports went with it.
	ports := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/ports?device_id=" + id, Token: b.admin}).JSON(t)["ports"].([]any)
	if len(ports) != 0 {
		t.Errorf("ports left after delete: %v", ports)
	}
}

// deleteServer deletes a server as the demo user and waits until it is
// gone.
func (b *bundle) deleteServer(t *testing.T, id string) {
	t.Helper()
	if resp := b.do("DELETE", "/servers/"+id, b.demo, nil); resp.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.Status, resp.Body)
	}
	b.wait(t, id, "gone", gone)
}

// events counts the create events of server id named event with result
// (read through a no-op update: the store has no reader for events yet;
// os-instance-actions will show them).
func (b *bundle) events(t *testing.T, id, event, result string) int64 {
	t.Helper()
	ctx := context.Background()
	var n int64
	err := b.srv.App.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.Exec(ctx, `UPDATE instance_action_events SET result = result WHERE event = $1 AND result = $2
			AND action_id IN (SELECT id FROM instance_actions WHERE instance_uuid = $3 AND action = 'create'
			AND ($2 = 'Success' OR message = 'Error'))`, event, result, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func faultOf(s map[string]any) (float64, string) {
	f, _ := s["fault"].(map[string]any)
	code, _ := f["code"].(float64)
	msg, _ := f["message"].(string)
	return code, msg
}

func TestNoValidHost(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.HostMemoryMB = 1024 })
	id := b.create(t, map[string]any{"flavorRef": "3"}) // 4096 MB
	s := b.wait(t, id, "ERROR", status("ERROR"))
	if code, msg := faultOf(s); code != 500 || msg != "No valid host was found. " {
		t.Errorf("fault = %v %q", code, msg)
	}
	if n := b.events(t, id, "conductor_schedule_and_build_instances", "Error"); n != 1 {
		t.Errorf("%d scheduling Error events, want 1", n)
	}
	if s["OS-EXT-SRV-ATTR:host"] != nil || s["OS-EXT-STS:vm_state"] != "error" || s["OS-EXT-STS:power_state"] != float64(0) {
		t.Errorf("host %v vm_state %v power %v", s["OS-EXT-SRV-ATTR:host"], s["OS-EXT-STS:vm_state"], s["OS-EXT-STS:power_state"])
	}
	// A small one still fits; the big one claimed nothing.
	small := b.create(t, map[string]any{"flavorRef": "42"})
	b.wait(t, small, "ACTIVE", status("ACTIVE"))
	b.deleteServer(t, id)
}

func TestSpawnFailure(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, map[string]any{"metadata": map[string]any{"fake:fail_spawn": "disk on fire"}})
	s := b.wait(t, id, "ERROR", status("ERROR"))
	if code, msg := faultOf(s); code != 500 || msg != "disk on fire" {
		t.Errorf("fault = %v %q", code, msg)
	}
	if n := b.events(t, id, "compute__do_build_and_run_instance", "Error"); n != 1 {
		t.Errorf("%d build Error events, want 1", n)
	}
	if s["OS-SRV-USG:launched_at"] != nil || s["OS-EXT-SRV-ATTR:host"] != nil {
		t.Errorf("launched_at %v host %v, want null (Nova forgets the host of a failed build)",
			s["OS-SRV-USG:launched_at"], s["OS-EXT-SRV-ATTR:host"])
	}
	b.deleteServer(t, id)
}

func TestDeleteFailure(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, map[string]any{"metadata": map[string]any{"fake:fail_destroy": "true"}})
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
	b.do("DELETE", "/servers/"+id, b.demo, nil)
	s := b.wait(t, id, "ERROR", status("ERROR"))
	if code, msg := faultOf(s); code != 500 || msg != "Fake driver: injected destroy failure" {
		t.Errorf("fault = %v %q", code, msg)
	}
	// Delete can be retried once the cause is gone (the knob removed as
	// the metadata API would).
	ctx := context.Background()
	err := b.srv.App.DB.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM instance_metadata WHERE key = 'fake:fail_destroy'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b.do("DELETE", "/servers/"+id, b.demo, nil)
	b.wait(t, id, "gone", gone)
}

func TestSoftDeleteRestoreReclaim(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.ReclaimInstanceInterval = time.Hour })
	id := b.create(t, nil)
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
	b.do("DELETE", "/servers/"+id, b.demo, nil)
	s := b.wait(t, id, "SOFT_DELETED", status("SOFT_DELETED"))
	if s["OS-EXT-STS:power_state"] != float64(4) {
		t.Errorf("power_state = %v, want 4", s["OS-EXT-STS:power_state"])
	}
	if resp := b.do("POST", "/servers/"+id+"/action", b.demo, map[string]any{"restore": nil}); resp.Status != http.StatusAccepted {
		t.Fatalf("restore: %d %s", resp.Status, resp.Body)
	}
	s = b.wait(t, id, "ACTIVE", status("ACTIVE"))
	if s["OS-EXT-STS:power_state"] != float64(1) {
		t.Errorf("power_state = %v, want 1", s["OS-EXT-STS:power_state"])
	}
	b.do("DELETE", "/servers/"+id, b.demo, nil)
	b.wait(t, id, "SOFT_DELETED", status("SOFT_DELETED"))

	// Reclaim: a controller whose clock is past the interval.
	ctx := context.Background()
	early := controller.New(b.srv.App.DB, controller.Options{Reclaim: time.Hour})
	if n, err := early.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("reclaim before the interval: %d, %v", n, err)
	}
	late := controller.New(b.srv.App.DB, controller.Options{Reclaim: time.Hour,
		Now: func() time.Time { return time.Now().Add(61 * time.Minute) }, Reclaimed: b.srv.App.Compute.Waker.Wake})
	if n, err := late.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("reclaim after the interval: %d, %v", n, err)
	}
	b.wait(t, id, "gone", gone)
}

// TestRestartFinishesWork stops novalite with a server half-built (placed,
// networking) and another half-deleted (task deleting), then starts a new
// novalite on the same data dir: its loops finish both.
func TestRestartFinishesWork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	onDir := func(c *config.Config) { c.DataDir = dir }
	b := setup(t, onDir, func(c *config.Config) { c.NoLoops = true })
	ctx := context.Background()
	db := b.srv.App.DB
	sched := scheduler.New(db, scheduler.Options{})
	ag := agent.New(db, agent.Options{Host: app.HostName(1), DriverName: "fake", Driver: fake.New(fake.Config{}),
		Resources: novalite.Resources{VCPUs: 64, MemoryMB: 262144, DiskGB: 2048}})

	doomed := b.create(t, map[string]any{"name": "doomed"})
	if n, err := sched.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("schedule: %d, %v", n, err)
	}
	if n, err := ag.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("spawn: %d, %v", n, err)
	}
	if s := b.wait(t, doomed, "ACTIVE", status("ACTIVE")); s == nil {
		t.Fatal("not active")
	}
	b.do("DELETE", "/servers/"+doomed, b.demo, nil) // task deleting, no agent runs
	building := b.create(t, map[string]any{"name": "building"})
	if n, err := sched.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("schedule: %d, %v", n, err)
	}
	if s := b.wait(t, building, "networking", func(s map[string]any) bool {
		return s["OS-EXT-STS:task_state"] == "networking"
	}); s["OS-EXT-SRV-ATTR:host"] != app.HostName(1) {
		t.Fatalf("placed on %v", s["OS-EXT-SRV-ATTR:host"])
	}
	dsn := b.srv.App.Config.Database // the same PostgreSQL database, if on one
	b.srv.Stop()

	b = setup(t, onDir, func(c *config.Config) { c.Database = dsn })
	b.wait(t, building, "ACTIVE", status("ACTIVE"))
	b.wait(t, doomed, "gone", gone)
}

// TestBuildTaskStates: a build shows Nova's task states in order —
// scheduling, networking, block_device_mapping, spawning — and each is
// committed before the driver spawns (a slow spawn shows spawning).
func TestBuildTaskStates(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.NoLoops = true })
	ctx := context.Background()
	db := b.srv.App.DB
	// The spawn lasts long enough for the polls to see it even on a loaded
	// machine, where one GET may take a good part of a second.
	drv := fake.New(fake.Config{Delays: map[string]time.Duration{fake.OpSpawn: 3 * time.Second}})
	ag := agent.New(db, agent.Options{Host: app.HostName(1), DriverName: "fake", Driver: drv,
		Resources: novalite.Resources{VCPUs: 64, MemoryMB: 262144, DiskGB: 2048}})
	id := b.create(t, nil)
	task := func() any {
		return b.do("GET", "/servers/"+id, b.admin, nil).JSON(t)["server"].(map[string]any)["OS-EXT-STS:task_state"]
	}
	if got := task(); got != "scheduling" {
		t.Fatalf("after create: %v", got)
	}
	if _, err := scheduler.New(db, scheduler.Options{}).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := task(); got != "networking" {
		t.Fatalf("after placement: %v", got)
	}
	done := make(chan error, 1)
	go func() { _, err := ag.RunOnce(ctx); done <- err }()
	b.wait(t, id, "spawning", func(s map[string]any) bool { return s["OS-EXT-STS:task_state"] == "spawning" })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
}

// TestHungCallsDoNotHideWork: with a batch of 2 and two spawns hanging,
// the agent still finds and builds a third server (the work query leaves
// running calls out).
func TestHungCallsDoNotHideWork(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.NoLoops = true })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := b.srv.App.DB
	ag := agent.New(db, agent.Options{Host: app.HostName(1), DriverName: "fake", Driver: fake.New(fake.Config{}),
		Resources: novalite.Resources{VCPUs: 64, MemoryMB: 262144, DiskGB: 2048}, Batch: 2, Poll: 20 * time.Millisecond})
	hang := map[string]any{"metadata": map[string]any{"fake:hang_spawn": "1"}}
	b.create(t, hang)
	b.create(t, hang)
	sched := scheduler.New(db, scheduler.Options{})
	if _, err := sched.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	go ag.Run(ctx)
	time.Sleep(100 * time.Millisecond) // both hung calls started
	id := b.create(t, nil)
	if _, err := sched.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	b.wait(t, id, "ACTIVE", status("ACTIVE"))
}
