package novalite

// Quota resources of Nova that novalite keeps and enforces.
const (
	QuotaInstances          = "instances"
	QuotaCores              = "cores"
	QuotaRAM                = "ram"
	QuotaMetadataItems      = "metadata_items"
	QuotaKeyPairs           = "key_pairs"
	QuotaServerGroups       = "server_groups"
	QuotaServerGroupMembers = "server_group_members"
	QuotaInjectedFiles      = "injected_files"
	QuotaInjectedFileBytes  = "injected_file_content_bytes"
	QuotaInjectedPathBytes  = "injected_file_path_bytes"
	// Kept for the API below 2.36 only (nova-network's); never enforced.
	QuotaFixedIPs           = "fixed_ips"
	QuotaFloatingIPs        = "floating_ips"
	QuotaSecurityGroups     = "security_groups"
	QuotaSecurityGroupRules = "security_group_rules"
)

// QuotaResources are the settable resources, in Nova's order.
var QuotaResources = []string{QuotaInstances, QuotaCores, QuotaRAM, QuotaMetadataItems, QuotaKeyPairs,
	QuotaServerGroups, QuotaServerGroupMembers, QuotaInjectedFiles, QuotaInjectedFileBytes, QuotaInjectedPathBytes,
	QuotaFixedIPs, QuotaFloatingIPs, QuotaSecurityGroups, QuotaSecurityGroupRules}

// QuotaDefaults are Nova's [quota] defaults; -1 means unlimited.
var QuotaDefaults = map[string]int64{
	QuotaInstances: 10, QuotaCores: 20, QuotaRAM: 51200, QuotaMetadataItems: 128, QuotaKeyPairs: 100,
	QuotaServerGroups: 10, QuotaServerGroupMembers: 10, QuotaInjectedFiles: 5,
	QuotaInjectedFileBytes: 10240, QuotaInjectedPathBytes: 255,
	QuotaFixedIPs: -1, QuotaFloatingIPs: -1, QuotaSecurityGroups: -1, QuotaSecurityGroupRules: -1,
}

// QuotaClassDefault is the quota class whose limits new projects get.
const QuotaClassDefault = "default"

// QuotaLimits maps a resource to its limit (-1 = unlimited).
type QuotaLimits map[string]int64
