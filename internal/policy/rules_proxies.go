package policy

// The rules of Nova's deprecated image and network proxies
// (nova/policies/security_groups.py, floating_ips.py,
// floating_ip_pools.py, networks.py, tenant_networks.py).
func init() {
	addRules(map[string]Rule{
		"os_compute_api:os-security-groups:get":         ReaderOrAdmin,
		"os_compute_api:os-security-groups:show":        ReaderOrAdmin,
		"os_compute_api:os-security-groups:create":      MemberOrAdmin,
		"os_compute_api:os-security-groups:update":      MemberOrAdmin,
		"os_compute_api:os-security-groups:delete":      MemberOrAdmin,
		"os_compute_api:os-security-groups:rule:create": MemberOrAdmin,
		"os_compute_api:os-security-groups:rule:delete": MemberOrAdmin,
		"os_compute_api:os-floating-ips:list":           ReaderOrAdmin,
		"os_compute_api:os-floating-ips:show":           ReaderOrAdmin,
		"os_compute_api:os-floating-ips:create":         MemberOrAdmin,
		"os_compute_api:os-floating-ips:delete":         MemberOrAdmin,
		"os_compute_api:os-floating-ip-pools":           Any,
		"os_compute_api:os-networks:list":               ReaderOrAdmin,
		"os_compute_api:os-networks:view":               ReaderOrAdmin,
		"os_compute_api:os-tenant-networks:list":        ReaderOrAdmin,
		"os_compute_api:os-tenant-networks:show":        ReaderOrAdmin,
	})
}
