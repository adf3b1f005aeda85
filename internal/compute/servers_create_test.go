package compute

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"novalite"
	"novalite/internal/store"
)

// TestInstanceNames: a multi-create numbers names and hostnames from 1;
// a hostname given (2.90) is kept; a name with nothing left for a
// hostname gives Nova's Server-<uuid>.
func TestInstanceNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, hostname string
		i, count       int
		want           [2]string
	}{
		{"web", "", 0, 1, [2]string{"web", "web"}},
		{"web", "", 1, 3, [2]string{"web-2", "web-2"}},
		{"My Web", "", 0, 1, [2]string{"My Web", "my-web"}},
		{"web", "given", 2, 3, [2]string{"web-3", "given"}},
		{"???", "", 0, 1, [2]string{"???", "Server-id1"}},
	} {
		name, host := instanceNames(CreateServersParams{Name: c.name, Hostname: c.hostname}, "id1", c.i, c.count)
		if got := [2]string{name, host}; got != c.want {
			t.Errorf("%q (hostname %q) %d of %d: %v, want %v", c.name, c.hostname, c.i, c.count, got, c.want)
		}
	}
}

// TestPlaceRequest: availability_zone's az:host:node forms, overridden
// by 2.74's host and hypervisor_hostname.
func TestPlaceRequest(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		az, host, node           string
		zone, wantHost, wantNode string
		invalid                  bool
	}{
		{az: "", zone: ""},
		{az: "nova", zone: "nova"},
		{az: "nova:h1", zone: "nova", wantHost: "h1"},
		{az: "nova:h1:n1", zone: "nova", wantHost: "h1", wantNode: "n1"},
		{az: "nova::n1", zone: "nova", wantNode: "n1"},
		{az: "nova:h1:n1", host: "h2", zone: "nova", wantHost: "h2"},
		{az: "nova:h1", node: "n2", zone: "nova", wantHost: "h1", wantNode: "n2"},
		{az: "a:b:c:d", invalid: true},
	} {
		p := CreateServersParams{AvailabilityZone: c.az, Host: c.host, Node: c.node}
		zone, err := placeRequest(&p)
		if c.invalid {
			if !novalite.IsKind(err, novalite.Invalid) {
				t.Errorf("%q: %v, want Invalid", c.az, err)
			}
			continue
		}
		if err != nil || zone != c.zone || p.Host != c.wantHost || p.Node != c.wantNode {
			t.Errorf("%q host %q node %q: zone %q host %q node %q (%v), want %q %q %q",
				c.az, c.host, c.node, zone, p.Host, p.Node, err, c.zone, c.wantHost, c.wantNode)
		}
	}
}

// TestCreateServers runs create against a real store: as many servers
// as the quota fits between min and max, numbered, one reservation, the
// create action recorded under the caller's request id; refusals write
// nothing.
func TestCreateServers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	if err := b.svc.BootstrapFlavors(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.UpdateQuotaSet(ctx, member.ProjectID, QuotaSetUpdate{Limits: map[string]int64{"instances": 2}, Force: true}); err != nil {
		t.Fatal(err)
	}
	caller := *member
	caller.RequestID = "req-create"
	p := CreateServersParams{Name: "web", FlavorRef: "42", ImageRef: "img", NetworksMode: "none", MinCount: 1, MaxCount: 3}
	res, err := b.svc.CreateServers(ctx, &caller, p)
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for i, v := range res.Servers {
		got = append(got, [2]string{v.Name, v.Hostname})
		if v.LaunchIndex != i || v.ReservationID != res.ReservationID || v.TaskState != novalite.TaskScheduling {
			t.Errorf("server %d: launch index %d, reservation %q (want %q), task %q", i, v.LaunchIndex, v.ReservationID, res.ReservationID, v.TaskState)
		}
	}
	if diff := cmp.Diff([][2]string{{"web-1", "web-1"}, {"web-2", "web-2"}}, got); diff != "" {
		t.Errorf("servers (quota fits 2 of 3) (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(res.ReservationID, "r-") || len(res.AdminPass) != 12 {
		t.Errorf("reservation %q, admin password of %d characters", res.ReservationID, len(res.AdminPass))
	}
	err = b.db.View(ctx, func(tx *store.Tx) error {
		for _, v := range res.Servers {
			a, err := tx.InstanceActionGet(ctx, v.ID, "req-create")
			if err != nil {
				return err
			}
			if a.Action != "create" || a.UserID != member.UserID {
				t.Errorf("%s: action %+v", v.Name, a)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("create actions under the request id: %v", err)
	}

	for _, c := range []struct {
		name    string
		change  func(*CreateServersParams)
		kind    novalite.Kind
		message string
	}{
		{"quota exhausted", func(p *CreateServersParams) {}, novalite.Forbidden, ""},
		{"unknown zone", func(p *CreateServersParams) { p.AvailabilityZone = "nowhere" }, novalite.Invalid,
			"The requested availability zone is not available"},
		{"unknown flavor", func(p *CreateServersParams) { p.FlavorRef = "nope" }, novalite.Invalid, ""},
	} {
		q := p
		c.change(&q)
		_, err := b.svc.CreateServers(ctx, &caller, q)
		if novalite.KindOf(err) != c.kind || (c.message != "" && novalite.MessageOf(err) != c.message) {
			t.Errorf("%s: %v, want %v %q", c.name, err, c.kind, c.message)
		}
	}
}
