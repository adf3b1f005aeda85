package network_test

import (
	"slices"
	"testing"

	"novalite"
	"novalite/internal/app/apptest"
	"novalite/internal/network"
)

// TestDefaultGroupAcrossReplicas: a project's default security group that
// an admin deleted through one replica is made again by the next read of
// the project's groups through any replica, as Neutron does; no replica
// remembers that it once made it.
func TestDefaultGroupAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	other := srv.Replica()
	ctx := t.Context()
	demo := demoCaller(t, srv)
	admin, err := srv.App.Identity.Validate(ctx, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	defaultID := func(svc *network.Service) string {
		t.Helper()
		list, err := svc.ListSecurityGroups(ctx, demo, network.ListParams{})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(list, func(g novalite.SecurityGroup) bool { return g.Name == "default" })
		if i < 0 {
			t.Fatalf("no default group among %d", len(list))
		}
		return list[i].ID
	}
	first := defaultID(srv.App.Network)
	if err := other.App.Network.DeleteSecurityGroup(ctx, admin, first); err != nil {
		t.Fatal(err)
	}
	again := defaultID(srv.App.Network)
	if again == first {
		t.Errorf("the deleted default group %s is listed again", first)
	}
	if got := defaultID(other.App.Network); got != again {
		t.Errorf("replicas list default groups %s and %s", again, got)
	}
}
