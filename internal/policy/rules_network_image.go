package policy

// The rules of Neutron (neutron/conf/policies/*.py) and Glance
// (glance/policies/image.py) that the network and image services check,
// with their default check strings; context_is_admin is oslo's rule that
// makes an admin context, which both services use to see every project's
// resources.
func init() {
	addRules(map[string]Rule{
		"context_is_admin": Admin,

		// Neutron: reads are the owner's (networks also when shared or
		// external, which the service checks before the rule).
		"get_network":             ProjectOwner,
		"get_subnet":              ProjectOwner,
		"get_port":                ProjectOwner,
		"get_router":              ProjectOwner,
		"get_floatingip":          ProjectOwner,
		"get_security_group":      ProjectOwner,
		"get_security_group_rule": ProjectOwner,
		"get_quota":               ProjectOwner,
		// writes are the owner's members' (admin_or_owner with member).
		"create_network":             MemberOrAdmin,
		"update_network":             MemberOrAdmin,
		"delete_network":             MemberOrAdmin,
		"create_subnet":              MemberOrAdmin,
		"update_subnet":              MemberOrAdmin,
		"delete_subnet":              MemberOrAdmin,
		"create_port":                ProjectOwner, // on the network's project (or a shared network)
		"update_port":                MemberOrAdmin,
		"delete_port":                MemberOrAdmin,
		"create_router":              MemberOrAdmin,
		"update_router":              MemberOrAdmin,
		"delete_router":              MemberOrAdmin,
		"add_router_interface":       MemberOrAdmin,
		"remove_router_interface":    MemberOrAdmin,
		"create_floatingip":          MemberOrAdmin,
		"update_floatingip":          MemberOrAdmin,
		"delete_floatingip":          MemberOrAdmin,
		"create_security_group":      MemberOrAdmin,
		"update_security_group":      MemberOrAdmin,
		"delete_security_group":      MemberOrAdmin,
		"create_security_group_rule": MemberOrAdmin,
		"delete_security_group_rule": MemberOrAdmin,
		// attributes only admins set.
		"create_network:shared":                                  Admin,
		"update_network:shared":                                  Admin,
		"create_network:router:external":                         Admin,
		"update_network:router:external":                         Admin,
		"create_network:tenant_id":                               Admin,
		"update_network:tenant_id":                               Admin,
		"create_subnet:tenant_id":                                Admin,
		"create_port:tenant_id":                                  Admin,
		"create_port:binding:host_id":                            Admin,
		"update_port:binding:host_id":                            Admin,
		"create_port:binding:profile":                            Admin,
		"update_port:binding:profile":                            Admin,
		"create_router:external_gateway_info:external_fixed_ips": Admin,
		"create_floatingip:floating_ip_address":                  Admin,

		// Glance.
		"add_image":       MemberOrAdmin,
		"modify_image":    MemberOrAdmin,
		"publicize_image": Admin,
		"add_member":      MemberOrAdmin, // on the image's owner
		"delete_member":   MemberOrAdmin,
	})
}
