package network

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// Bootstrap creates, when the admin project has no network named
// "private", DevStack's layout: network private (shared) with subnets
// 10.0.0.0/24 and fd00:10::/64, network public (external) with subnet
// 172.24.4.0/24, and router1 with its gateway on public and an interface
// on the private IPv4 subnet, so that floating IPs work at once.
func (s *Service) Bootstrap(ctx context.Context, adminProject string) error {
	admin := &novalite.Caller{ProjectID: adminProject, Roles: []novalite.Role{{Name: "admin"}, {Name: "member"}}}
	exists := false
	err := s.db.View(ctx, func(tx *store.Tx) error {
		nets, err := tx.NetworkList(ctx, store.NetFilter{Admin: true, Eq: map[string][]string{
			"name": {"private"}, "project_id": {adminProject}}})
		exists = len(nets) > 0
		return err
	})
	if err != nil || exists {
		return err
	}
	yes, v4, v6 := true, 4, 6
	str := func(s string) *string { return &s }
	private, err := s.CreateNetwork(ctx, admin, NetworkParams{Name: str("private"), Shared: &yes})
	if err != nil {
		return err
	}
	privSub, err := s.CreateSubnet(ctx, admin, SubnetParams{NetworkID: &private.ID, Name: str("private-subnet"),
		CIDR: str("10.0.0.0/24"), IPVersion: &v4})
	if err != nil {
		return err
	}
	if _, err := s.CreateSubnet(ctx, admin, SubnetParams{NetworkID: &private.ID, Name: str("ipv6-private-subnet"),
		CIDR: str("fd00:10::/64"), IPVersion: &v6}); err != nil {
		return err
	}
	public, err := s.CreateNetwork(ctx, admin, NetworkParams{Name: str("public"), External: &yes})
	if err != nil {
		return err
	}
	if _, err := s.CreateSubnet(ctx, admin, SubnetParams{NetworkID: &public.ID, Name: str("public-subnet"),
		CIDR: str("172.24.4.0/24"), IPVersion: &v4, EnableDHCP: new(bool)}); err != nil {
		return err
	}
	gw := novalite.NullableOf(Gateway{NetworkID: public.ID})
	r, err := s.CreateRouter(ctx, admin, RouterParams{Name: str("router1"), Gateway: gw})
	if err != nil {
		return err
	}
	_, err = s.AddRouterInterface(ctx, admin, r.ID, InterfaceRef{SubnetID: privSub.ID})
	return err
}
