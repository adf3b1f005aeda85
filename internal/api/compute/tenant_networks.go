package compute

import "novalite"

// /os-tenant-networks up to 2.35 (nova/api/openstack/compute/tenant_networks.py
// backed by Neutron): the networks the caller sees, as id, label and a cidr
// that Nova renders from a missing value, the string "None".

func tenantNetworkView(n novalite.Network) map[string]any {
	return map[string]any{"id": n.ID, "label": n.Name, "cidr": "None"}
}
