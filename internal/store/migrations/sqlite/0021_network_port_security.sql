-- Neutron's port_security_enabled on networks: stored, and the default
-- of the ports made on the network.
ALTER TABLE networks ADD COLUMN port_security_enabled BOOLEAN NOT NULL DEFAULT TRUE;
