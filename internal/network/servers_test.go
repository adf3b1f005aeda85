package network_test

import (
	"errors"
	"testing"

	"novalite"
	"novalite/internal/app/apptest"
	"novalite/internal/network"
	"novalite/internal/store"
)

func demoCaller(t *testing.T, srv *apptest.Server) *novalite.Caller {
	t.Helper()
	c, err := srv.App.Identity.Validate(t.Context(), srv.DemoToken())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func reason(err error) string {
	var e *novalite.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func TestAllocateAndReleaseServerPorts(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	ctx := t.Context()
	svc := srv.App.Network
	c := demoCaller(t, srv)
	nets, err := svc.ListNetworks(ctx, c, network.ListParams{Eq: map[string][]string{"name": {"private", "public"}}})
	if err != nil || len(nets) != 2 {
		t.Fatalf("networks: %v %v", nets, err)
	}
	byName := map[string]novalite.Network{}
	for _, n := range nets {
		byName[n.Name] = n
	}
	priv, pub := byName["private"], byName["public"]
	pre, err := svc.CreatePort(ctx, c, network.PortParams{NetworkID: &priv.ID})
	if err != nil {
		t.Fatal(err)
	}

	var ports []novalite.Port
	err = srv.App.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		ports, err = svc.AllocatePorts(ctx, tx, network.PortRequestParams{Caller: c, ServerID: "server-1", HostID: "host1",
			SecurityGroups: []string{"default"},
			Requests:       []network.PortRequest{{NetworkID: priv.ID}, {NetworkID: priv.ID, FixedIP: "10.0.0.200"}, {PortID: pre.ID}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ports) != 3 || ports[1].FixedIPs[0].IPAddress != "10.0.0.200" || ports[0].NetworkName != "private" ||
		ports[0].DeviceOwner != "compute:nova" || ports[2].DeviceID != "server-1" || len(ports[0].SecurityGroups) != 1 {
		t.Fatalf("ports: %+v", ports)
	}
	byServer, err := svc.ServerPorts(ctx, []string{"server-1"})
	if err != nil || len(byServer["server-1"]) != 3 {
		t.Fatalf("server ports: %v %v", byServer, err)
	}

	// Failures roll back with the caller's transaction and carry a Reason.
	for _, tc := range []struct {
		name string
		req  network.PortRequest
		want string
	}{
		{"unknown network", network.PortRequest{NetworkID: "nope"}, "NetworkNotFound"},
		{"unknown port", network.PortRequest{PortID: "nope"}, "PortNotFound"},
		{"port in use", network.PortRequest{PortID: pre.ID}, "PortInUse"},
		{"external network", network.PortRequest{NetworkID: pub.ID}, "ExternalNetworkAttachForbidden"},
		{"address taken", network.PortRequest{NetworkID: priv.ID, FixedIP: "10.0.0.200"}, "IpAddressAlreadyAllocated"},
	} {
		err := srv.App.DB.Tx(ctx, func(tx *store.Tx) error {
			_, err := svc.AllocatePorts(ctx, tx, network.PortRequestParams{Caller: c, ServerID: "server-2",
				Requests: []network.PortRequest{{NetworkID: priv.ID}, tc.req}})
			return err
		})
		if reason(err) != tc.want {
			t.Errorf("%s: %v, want reason %s", tc.name, err, tc.want)
		}
	}
	if left, _ := svc.ServerPorts(ctx, []string{"server-2"}); len(left["server-2"]) != 0 {
		t.Errorf("failed allocations left %d ports", len(left["server-2"]))
	}
	err = srv.App.DB.Tx(ctx, func(tx *store.Tx) error {
		_, err := svc.AllocatePorts(ctx, tx, network.PortRequestParams{Caller: c, ServerID: "server-3",
			SecurityGroups: []string{"no-such-group"}, Requests: []network.PortRequest{{NetworkID: priv.ID}}})
		return err
	})
	if reason(err) != "SecurityGroupNotFound" {
		t.Errorf("unknown group: %v", err)
	}

	// Release: ports made for the server go, the user's port is unbound.
	if err := srv.App.DB.Tx(ctx, func(tx *store.Tx) error { return svc.ReleaseServerPorts(ctx, tx, "server-1") }); err != nil {
		t.Fatal(err)
	}
	if left, _ := svc.ServerPorts(ctx, []string{"server-1"}); len(left["server-1"]) != 0 {
		t.Errorf("after release: %v", left)
	}
	kept, err := svc.GetPort(ctx, c, pre.ID)
	if err != nil || kept.DeviceID != "" || kept.DeviceOwner != "" {
		t.Errorf("user's port after release: %+v %v", kept, err)
	}
	for _, p := range ports[:2] {
		if _, err := svc.GetPort(ctx, c, p.ID); !novalite.IsKind(err, novalite.NotFound) {
			t.Errorf("port %s still there: %v", p.ID, err)
		}
	}

	// networks "auto": the only shared network, as demo has none of its own.
	err = srv.App.DB.View(ctx, func(tx *store.Tx) error {
		n, err := svc.AutoNetwork(ctx, tx, c)
		if err == nil && n.ID != priv.ID {
			t.Errorf("auto network %s, want private", n.Name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
