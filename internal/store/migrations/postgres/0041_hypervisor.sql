-- What runs a host's guests, as its driver reports it at registration
-- (os-hypervisors' hypervisor_type and hypervisor_version): Nova's fake
-- driver's values for the simulated hosts, QEMU and its version for real ones.
ALTER TABLE compute_nodes ADD COLUMN hypervisor_type TEXT NOT NULL DEFAULT 'fake';
ALTER TABLE compute_nodes ADD COLUMN hypervisor_version INTEGER NOT NULL DEFAULT 1000;
