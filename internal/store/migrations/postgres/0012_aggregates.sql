-- Host aggregates (Nova's os-aggregates): named groups of compute hosts
-- with metadata; the availability_zone key puts their hosts in that zone.
CREATE TABLE aggregates (
    id         BIGSERIAL PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT                     -- NULL until first changed
);

CREATE TABLE aggregate_hosts (
    aggregate_id BIGINT NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    host         TEXT NOT NULL,
    PRIMARY KEY (aggregate_id, host)
);
CREATE INDEX aggregate_hosts_host ON aggregate_hosts (host);

CREATE TABLE aggregate_metadata (
    aggregate_id BIGINT NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (aggregate_id, key)
);

-- Compute hosts get the integer id Nova's APIs show below 2.53 (for the
-- hypervisor and its nova-compute service) and the uuids they show from
-- 2.53; the uuids are filled when the host registers.
ALTER TABLE compute_nodes ADD COLUMN id BIGSERIAL UNIQUE;
ALTER TABLE compute_nodes ADD COLUMN uuid TEXT;
ALTER TABLE compute_nodes ADD COLUMN service_uuid TEXT;
