package novalitetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"novalite/novalitetest"
)

// compute returns a compute client authenticated with opts.
func compute(t *testing.T, opts gophercloud.AuthOptions) *gophercloud.ServiceClient {
	t.Helper()
	ctx := context.Background()
	provider, err := openstack.AuthenticatedClient(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	client, err := openstack.NewComputeV2(provider, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// boot creates a server with metadata and waits until its status is want.
func boot(t *testing.T, cloud *novalitetest.Cloud, client *gophercloud.ServiceClient, md map[string]string, want string) *servers.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := servers.Create(ctx, client, servers.CreateOpts{Name: "vm", FlavorRef: cloud.FlavorID,
		ImageRef: cloud.ImageID, Networks: []servers.Network{{UUID: cloud.NetworkID}}, Metadata: md}, nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if err := servers.WaitForStatus(ctx, client, s.ID, want); err != nil {
		t.Fatalf("server %s never %s: %v", s.ID, want, err)
	}
	s, err = servers.Get(ctx, client, s.ID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBootToActive(t *testing.T) {
	t.Parallel()
	cloud := newCloud(t)
	s := boot(t, cloud, compute(t, cloud.MemberAuthOptions()), nil, "ACTIVE")
	if len(s.Addresses["private"].([]any)) == 0 {
		t.Errorf("no address on network private: %v", s.Addresses)
	}
}

// A spawn failure injected through metadata ends in ERROR with Nova's
// fault: the message and code 500.
func TestInjectedFault(t *testing.T) {
	t.Parallel()
	cloud := newCloud(t)
	s := boot(t, cloud, compute(t, cloud.MemberAuthOptions()), map[string]string{"fake:fail_spawn": "disk on fire"}, "ERROR")
	if s.Fault.Code != 500 || s.Fault.Message != "disk on fire" {
		t.Errorf("fault = %+v, want code 500, message 'disk on fire'", s.Fault)
	}
}

// Two clouds are independent: a server of one is unknown to the other.
func TestSeparateClouds(t *testing.T) {
	t.Parallel()
	one, two := newCloud(t), newCloud(t)
	if one.URL == two.URL {
		t.Fatalf("both clouds at %s", one.URL)
	}
	s := boot(t, one, compute(t, one.AuthOptions()), nil, "ACTIVE")
	err := servers.Get(context.Background(), compute(t, two.AuthOptions()), s.ID).Err
	if !gophercloud.ResponseCodeIs(err, 404) {
		t.Errorf("server of cloud one in cloud two: %v, want 404", err)
	}
}

// Seeded projects and users can boot servers of their own.
func TestSeed(t *testing.T) {
	t.Parallel()
	cloud := newCloud(t)
	cloud.AddProject("team")
	alice := novalitetest.User{Name: "alice", Password: "alice-pw", Project: "team"}
	cloud.AddUser(alice, "member")
	flavor := cloud.AddFlavor("big", novalitetest.Size{VCPUs: 4, RAMMB: 4096, DiskGB: 20})
	cloud.FlavorID = flavor
	cloud.NetworkID = cloud.AddNetwork("team-net", "192.168.7.0/24")
	cloud.ImageID = cloud.AddImage("blank", make([]byte, 4096))
	s := boot(t, cloud, compute(t, cloud.UserAuthOptions(alice)), nil, "ACTIVE")
	if s.Flavor["id"] != flavor { // microversion 2.1: the flavor by id
		t.Errorf("flavor = %v, want %s", s.Flavor, flavor)
	}
	if _, ok := s.Addresses["team-net"]; !ok {
		t.Errorf("addresses = %v, want one on team-net", s.Addresses)
	}
}

// BenchmarkNew is the cost of a test cloud: start, bootstrap, stop.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		novalitetest.New(b).Stop()
	}
}

// With soft delete, a deleted server is SOFT_DELETED until reclaimed:
// an hour later on the cloud's clock, which the test moves.
func TestSoftDeleteReclaim(t *testing.T) {
	t.Parallel()
	cloud := newCloud(t, novalitetest.WithSoftDelete(time.Hour))
	client := compute(t, cloud.MemberAuthOptions())
	s := boot(t, cloud, client, nil, "ACTIVE")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := servers.Delete(ctx, client, s.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	// The agent soft-deletes the guest after the 204, as Nova's compute
	// manager does: SOFT_DELETED comes a moment later.
	if err := servers.WaitForStatus(ctx, client, s.ID, "SOFT_DELETED"); err != nil {
		t.Fatalf("never SOFT_DELETED: %v", err)
	}
	cloud.Advance(59 * time.Minute)
	if got, err := servers.Get(ctx, client, s.ID).Extract(); err != nil || got.Status != "SOFT_DELETED" {
		t.Fatalf("before the interval: %v, %v; want SOFT_DELETED", got, err)
	}
	cloud.Advance(2 * time.Minute)
	err := servers.WaitForStatus(ctx, client, s.ID, "DELETED")
	if !gophercloud.ResponseCodeIs(err, 404) {
		t.Errorf("never reclaimed: %v", err)
	}
}

// A host's faults, liveness and capacity, set at run time.
func TestHostKnobs(t *testing.T) {
	t.Parallel()
	cloud := newCloud(t, novalitetest.WithHosts(1))
	client := compute(t, cloud.MemberAuthOptions())
	host := novalitetest.HostName(1)
	cloud.SetHostFaults(host, map[string]string{"fake:fail_spawn": "no room at the inn"})
	s := boot(t, cloud, client, nil, "ERROR")
	if s.Fault.Message != "no room at the inn" {
		t.Errorf("fault %+v, want the host's knob", s.Fault)
	}
	cloud.SetHostFaults(host, nil)
	boot(t, cloud, client, nil, "ACTIVE")
	cloud.SetHostDown(host, true)
	boot(t, cloud, client, nil, "ERROR") // no valid host
	cloud.SetHostDown(host, false)
	boot(t, cloud, client, nil, "ACTIVE")
	cloud.SetHostCapacity(host, novalitetest.Size{VCPUs: 16, RAMMB: 64, DiskGB: 100})
	boot(t, cloud, client, nil, "ERROR") // m1.tiny's 512 MiB do not fit
}

// A state exported from one cloud and imported into another brings its
// servers, with their ids; Reset goes back to the bootstrap state.
func TestExportImportReset(t *testing.T) {
	t.Parallel()
	from := newCloud(t)
	s := boot(t, from, compute(t, from.MemberAuthOptions()), map[string]string{"role": "db"}, "ACTIVE")
	state := from.Export()

	to := newCloud(t)
	to.Import(state)
	client := compute(t, to.MemberAuthOptions())
	ctx := context.Background()
	got, err := servers.Get(ctx, client, s.ID).Extract()
	if err != nil || got.Metadata["role"] != "db" || got.Status != "ACTIVE" {
		t.Fatalf("imported server: %+v, %v", got, err)
	}
	boot(t, to, client, nil, "ACTIVE")

	to.Reset()
	client = compute(t, to.MemberAuthOptions())
	if _, err := servers.Get(ctx, client, s.ID).Extract(); !gophercloud.ResponseCodeIs(err, 404) {
		t.Errorf("server after reset: %v, want 404", err)
	}
	boot(t, to, client, nil, "ACTIVE")
}
