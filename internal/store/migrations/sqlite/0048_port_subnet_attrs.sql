-- Neutron's allowed-address-pairs and extra_dhcp_opt on ports and
-- subnet-service-types on subnets, as JSON lists.
ALTER TABLE ports ADD COLUMN allowed_address_pairs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE ports ADD COLUMN extra_dhcp_opts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE subnets ADD COLUMN service_types TEXT NOT NULL DEFAULT '[]';
