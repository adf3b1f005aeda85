-- Host aggregates (Nova's os-aggregates): named groups of compute hosts
-- with metadata; the availability_zone key puts their hosts in that zone.
CREATE TABLE aggregates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER                    -- NULL until first changed
);

CREATE TABLE aggregate_hosts (
    aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    host         TEXT NOT NULL,
    PRIMARY KEY (aggregate_id, host)
);
CREATE INDEX aggregate_hosts_host ON aggregate_hosts (host);

CREATE TABLE aggregate_metadata (
    aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (aggregate_id, key)
);

-- Compute hosts get the integer id Nova's APIs show below 2.53 (for the
-- hypervisor and its nova-compute service) and the uuids they show from
-- 2.53; the uuids are filled when the host registers.
CREATE TABLE compute_nodes_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    host              TEXT NOT NULL UNIQUE,
    hypervisor_name   TEXT NOT NULL,
    availability_zone TEXT NOT NULL DEFAULT 'nova',
    driver            TEXT NOT NULL,
    vcpus             INTEGER NOT NULL,
    memory_mb         INTEGER NOT NULL,
    local_gb          INTEGER NOT NULL,
    vcpus_used        INTEGER NOT NULL DEFAULT 0,
    memory_mb_used    INTEGER NOT NULL DEFAULT 0,
    local_gb_used     INTEGER NOT NULL DEFAULT 0,
    disabled          BOOLEAN NOT NULL DEFAULT FALSE,
    heartbeat_at      INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    forced_down       BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_reason   TEXT,
    uuid              TEXT,
    service_uuid      TEXT
);
INSERT INTO compute_nodes_new (host, hypervisor_name, availability_zone, driver, vcpus, memory_mb, local_gb,
    vcpus_used, memory_mb_used, local_gb_used, disabled, heartbeat_at, created_at, forced_down, disabled_reason)
SELECT host, hypervisor_name, availability_zone, driver, vcpus, memory_mb, local_gb,
    vcpus_used, memory_mb_used, local_gb_used, disabled, heartbeat_at, created_at, forced_down, disabled_reason
FROM compute_nodes ORDER BY created_at, host;
DROP TABLE compute_nodes;
ALTER TABLE compute_nodes_new RENAME TO compute_nodes;
