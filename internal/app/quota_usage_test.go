package app_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
	"novalite/internal/store"
)

// usageStep is one call on a sequence's server and the state it waits
// for (nil: gone).
type usageStep struct {
	name string
	call func(t *testing.T, b *bundle, id string)
	done func(map[string]any) bool
}

func action(body map[string]any, done func(map[string]any) bool) usageStep {
	name := ""
	for k := range body {
		name = k
	}
	return usageStep{name, func(t *testing.T, b *bundle, id string) {
		t.Helper()
		if r := b.do("POST", "/servers/"+id+"/action", b.admin, body); r.Status >= 300 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}, done}
}

func deleteStep(done func(map[string]any) bool) usageStep {
	return usageStep{"delete", func(t *testing.T, b *bundle, id string) {
		t.Helper()
		if r := b.do("DELETE", "/servers/"+id, b.demo, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
	}, done}
}

// usageAndCount reads the usage rows of a project (or one user of it)
// and counts the same from its servers and groups.
func usageAndCount(t *testing.T, srv *apptest.Server, projectID, userID string) (rows, count store.QuotaUsage) {
	t.Helper()
	ctx := context.Background()
	if err := srv.App.DB.View(ctx, func(tx *store.Tx) (err error) {
		if rows, err = tx.QuotaUsage(ctx, projectID, userID); err != nil {
			return err
		}
		count, err = tx.QuotaUsageCount(ctx, projectID, userID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return rows, count
}

// checkUsage compares the usage rows of server id's project, and of its
// user (the demo project and user), with a fresh count of the servers and groups, and GET /limits of
// the demo project with the count.
func (b *bundle) checkUsage(t *testing.T, id, after string) {
	t.Helper()
	v := b.do("GET", "/servers/"+id, b.admin, nil).JSON(t)["server"].(map[string]any)
	projectID, userID := v["tenant_id"].(string), v["user_id"].(string)
	for _, user := range []string{"", userID} {
		rows, count := usageAndCount(t, b.srv, projectID, user)
		if rows != count {
			t.Errorf("after %s: usage rows of project %s user %q %+v, counted %+v", after, projectID, user, rows, count)
		}
		if user != "" {
			continue
		}
		abs := b.do("GET", "/limits", b.demo, nil).JSON(t)["limits"].(map[string]any)["absolute"].(map[string]any)
		got := fmt.Sprint(abs["totalInstancesUsed"], abs["totalCoresUsed"], abs["totalRAMUsed"], abs["totalServerGroupsUsed"])
		if want := fmt.Sprint(count.Instances, count.Cores, count.RAM, count.ServerGroups); got != want {
			t.Errorf("after %s: /limits used %s, counted %s", after, got, want)
		}
	}
}

// TestQuotaUsageRows runs servers through every path that changes what
// a project holds (create alone and by max_count, delete, soft delete,
// restore, reclaim, force delete, resize with confirm and revert, a
// failed build, evacuate, shelve and its offload, server groups) and
// after each step checks that the maintained usage rows equal a count
// of the servers, and that GET /limits says the same.
func TestQuotaUsageRows(t *testing.T) {
	t.Parallel()
	b := setup(t, withControl(2), func(c *config.Config) { c.ShelvedOffloadTime = 0 })
	active := status("ACTIVE")
	keep := b.create(t, map[string]any{"networks": "none"}) // names the project and user; stays
	b.wait(t, keep, "ACTIVE", active)
	softOrGone := func(s map[string]any) bool { return s == nil || status("SOFT_DELETED")(s) }
	forceDown := usageStep{"force its host down", func(t *testing.T, b *bundle, id string) {
		t.Helper()
		host := b.do("GET", "/servers/"+id, b.admin, nil).JSON(t)["server"].(map[string]any)["OS-EXT-SRV-ATTR:host"]
		svcs := b.do("GET", fmt.Sprintf("/os-services?binary=nova-compute&host=%v", host), b.admin, nil).JSON(t)["services"].([]any)
		svc := svcs[0].(map[string]any)["id"].(string)
		if r := b.do("PUT", "/os-services/"+svc, b.admin, map[string]any{"forced_down": true}); r.Status != http.StatusOK {
			t.Fatalf("force down: %d %s", r.Status, r.Body)
		}
		t.Cleanup(func() { b.do("PUT", "/os-services/"+svc, b.admin, map[string]any{"forced_down": false}) })
		b.waitOthersUp(t, host)
	}, active}
	for _, c := range []struct {
		name   string
		server map[string]any
		steps  []usageStep
	}{
		{"create, delete", nil, []usageStep{deleteStep(status("SOFT_DELETED"))}},
		{"soft delete, restore", nil, []usageStep{deleteStep(status("SOFT_DELETED")),
			action(map[string]any{"restore": nil}, active)}},
		{"soft delete, force delete", nil, []usageStep{deleteStep(status("SOFT_DELETED")),
			action(map[string]any{"forceDelete": nil}, gone)}},
		{"soft delete, reclaim", nil, []usageStep{deleteStep(status("SOFT_DELETED")),
			{"reclaim", func(t *testing.T, b *bundle, _ string) {
				b.ctl("POST", "/clock/advance", b.admin, map[string]any{"seconds": 3601})
				// An hour on, every host's last heartbeat is an hour old
				// until its agent's next: the next case's create found
				// no live host (make test, PostgreSQL, loaded).
				b.waitOthersUp(t, "")
			}, gone}}},
		{"resize, confirm", nil, []usageStep{action(map[string]any{"resize": map[string]any{"flavorRef": "3"}}, status("VERIFY_RESIZE")),
			action(map[string]any{"confirmResize": nil}, active)}},
		{"resize, revert", nil, []usageStep{action(map[string]any{"resize": map[string]any{"flavorRef": "3"}}, status("VERIFY_RESIZE")),
			action(map[string]any{"revertResize": nil}, active)}},
		{"failed build, delete", map[string]any{"metadata": map[string]any{"fake:fail_spawn": "no"}},
			[]usageStep{deleteStep(softOrGone)}},
		{"max_count 3", map[string]any{"max_count": 3}, nil},
		{"evacuate", nil, []usageStep{forceDown, action(map[string]any{"evacuate": map[string]any{}}, active)}},
		{"shelve, offload, unshelve", nil, []usageStep{action(map[string]any{"shelve": nil}, status("SHELVED_OFFLOADED")),
			action(map[string]any{"unshelve": nil}, active)}},
		{"server group", nil, []usageStep{{"group create and delete", func(t *testing.T, b *bundle, _ string) {
			for _, keep := range []bool{false, true} {
				r := b.do("POST", "/os-server-groups", b.demo, map[string]any{"server_group": map[string]any{"name": "g", "policy": "affinity"}})
				if r.Status != http.StatusOK {
					t.Fatalf("group: %d %s", r.Status, r.Body)
				}
				if !keep {
					b.do("DELETE", "/os-server-groups/"+r.JSON(t)["server_group"].(map[string]any)["id"].(string), b.demo, nil)
				}
			}
		}, active}}},
	} {
		id := b.create(t, c.server)
		want := active
		if c.server["metadata"] != nil {
			want = status("ERROR")
		}
		b.wait(t, id, "built", want)
		b.checkUsage(t, keep, c.name+": create")
		for _, s := range c.steps {
			s.call(t, b, id)
			b.wait(t, id, s.name, s.done)
			b.checkUsage(t, keep, c.name+": "+s.name)
		}
	}
}

// waitOthersUp waits until every compute service but host's is up: the
// reclaim case moved the clock an hour on, and a host is down until its
// next heartbeat, which a loaded machine may not have run yet (the
// evacuate would then find no valid host).
func (b *bundle) waitOthersUp(t *testing.T, host any) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var down []string
		for _, s := range b.do("GET", "/os-services?binary=nova-compute", b.admin, nil).JSON(t)["services"].([]any) {
			s := s.(map[string]any)
			if s["host"] != host && s["state"] != "up" {
				down = append(down, fmt.Sprint(s["host"]))
			}
		}
		if len(down) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("compute services still down: %v", down)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestQuotaUsageReplicasRace: two API replicas on one PostgreSQL
// database (SQLite: one app, many clients) take creates at once against
// a limit of 7 instances: never more than 7 exist, and the usage rows
// equal the count afterwards.
func TestQuotaUsageReplicasRace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	apps := []*apptest.Server{b.srv}
	if apptest.Engine() == "postgres" {
		apps = append(apps, b.srv.Replica())
	}
	token, project := b.srv.NewMember("usage-race")
	if r := b.do("PUT", "/os-quota-sets/"+project, b.admin, map[string]any{"quota_set": map[string]any{"instances": 7}}); r.Status != http.StatusOK {
		t.Fatalf("quota: %d %s", r.Status, r.Body)
	}
	const n = 24
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv := apps[i%len(apps)]
			codes[i] = srv.Do(apptest.Request{Method: "POST", Path: "/compute/v2.1/servers", Token: token,
				Body: map[string]any{"server": map[string]any{"name": fmt.Sprintf("r%d", i), "imageRef": b.image,
					"flavorRef": "1", "networks": "none"}},
				Headers: map[string]string{"OpenStack-API-Version": "compute 2.100"}}).Status
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case http.StatusAccepted:
			ok++
		case http.StatusForbidden:
		default:
			t.Errorf("create: %d", c)
		}
	}
	rows, count := usageAndCount(t, b.srv, project, "")
	if ok != 7 || count.Instances != 7 || rows != count {
		t.Errorf("%d creates accepted, %d servers counted, rows %+v; want 7, 7 and the count %+v", ok, count.Instances, rows, count)
	}
}
