package novalitetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"novalite/novalitetest"
)

// A test boots a server with gophercloud against its own cloud and waits
// for ACTIVE. (An Example has no *testing.T; a test passes its own.)
func Example() {
	t := &testing.T{}
	cloud := novalitetest.New(t)
	defer cloud.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	provider, err := openstack.AuthenticatedClient(ctx, cloud.MemberAuthOptions())
	if err != nil {
		panic(err)
	}
	client, err := openstack.NewComputeV2(provider, gophercloud.EndpointOpts{})
	if err != nil {
		panic(err)
	}
	s, err := servers.Create(ctx, client, servers.CreateOpts{Name: "web", FlavorRef: cloud.FlavorID,
		ImageRef: cloud.ImageID, Networks: []servers.Network{{UUID: cloud.NetworkID}}}, nil).Extract()
	if err != nil {
		panic(err)
	}
	if err := servers.WaitForStatus(ctx, client, s.ID, "ACTIVE"); err != nil {
		panic(err)
	}
	s, _ = servers.Get(ctx, client, s.ID).Extract()
	fmt.Println(s.Name, s.Status)
	// Output: web ACTIVE
}
