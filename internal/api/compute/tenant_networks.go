package compute

import "novalite"

// /os-tenant-networks up to 2.35 (nova/api/openstack/compute/tenant_networks.py
// backed by Neutron): the networks the caller sees, as id, label and a cidr
// that Nova renders from a missing value, the string "None".

type tenantNetwork struct {
	CIDR  string `json:"cidr"`
	ID    string `json:"id"`
	Label string `json:"label"`
}

func tenantNetworkView(n novalite.Network) tenantNetwork {
	return tenantNetwork{ID: n.ID, Label: n.Name, CIDR: "None"}
}
