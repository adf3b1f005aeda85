-- Servers (Nova's instances) and what hangs off them, and the compute
-- hosts they run on. JSON columns hold small structures that are only
-- ever read and written whole with their row.
CREATE TABLE instances (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT, -- instance-%08x, sort tie-breaker
    uuid                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    description           TEXT,                  -- NULL = not set
    hostname              TEXT NOT NULL DEFAULT '',
    project_id            TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    image_ref             TEXT NOT NULL DEFAULT '',
    image_properties      TEXT NOT NULL DEFAULT '{}',
    flavor_id             TEXT NOT NULL,         -- flavorid of the current flavor (filter)
    vcpus                 INTEGER NOT NULL,      -- of the current flavor (quota usage)
    memory_mb             INTEGER NOT NULL,
    root_gb               INTEGER NOT NULL,
    flavor                TEXT NOT NULL,         -- FlavorSnapshot JSON
    old_flavor            TEXT,                  -- during resize
    vm_state              TEXT NOT NULL,
    task_state            TEXT,                  -- NULL = idle
    power_state           INTEGER NOT NULL DEFAULT 0,
    progress              INTEGER NOT NULL DEFAULT 0,
    host                  TEXT,                  -- NULL before scheduling
    node                  TEXT,
    availability_zone     TEXT NOT NULL DEFAULT '',
    pinned_az             TEXT,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    launched_at           INTEGER,
    terminated_at         INTEGER,
    deleted_at            INTEGER,
    deleted               BOOLEAN NOT NULL DEFAULT FALSE,
    locked                BOOLEAN NOT NULL DEFAULT FALSE,
    locked_by             TEXT,
    locked_reason         TEXT,
    key_name              TEXT,
    key_data              TEXT NOT NULL DEFAULT '',
    config_drive          BOOLEAN NOT NULL DEFAULT FALSE,
    auto_disk_config      BOOLEAN NOT NULL DEFAULT FALSE,
    access_ip_v4          TEXT NOT NULL DEFAULT '',
    access_ip_v6          TEXT NOT NULL DEFAULT '',
    reservation_id        TEXT NOT NULL,
    launch_index          INTEGER NOT NULL DEFAULT 0,
    root_device_name      TEXT NOT NULL DEFAULT '',
    user_data             TEXT,
    trusted_certs         TEXT,                  -- JSON array, NULL = none
    scheduler_hints       TEXT NOT NULL DEFAULT '{}',
    server_group          TEXT NOT NULL DEFAULT '',
    requested_networks    TEXT NOT NULL DEFAULT '',
    block_device_mappings TEXT NOT NULL DEFAULT '[]',
    admin_password_hash   TEXT NOT NULL DEFAULT '',
    encrypted_password    TEXT NOT NULL DEFAULT ''
);
-- The default list: a project's live servers, newest first.
CREATE INDEX instances_project_created ON instances (project_id, deleted, created_at DESC, id DESC);
CREATE INDEX instances_created ON instances (deleted, created_at DESC, id DESC);
CREATE INDEX instances_updated ON instances (updated_at);
CREATE INDEX instances_reservation ON instances (reservation_id);
CREATE INDEX instances_name ON instances (project_id, name);
-- Work for agents and the scheduler: rows with a task.
CREATE INDEX instances_work ON instances (host, task_state) WHERE task_state IS NOT NULL;
-- Reclaim of soft-deleted servers.
CREATE INDEX instances_soft_deleted ON instances (vm_state, deleted_at) WHERE vm_state = 'soft-delete';

CREATE TABLE instance_metadata (
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, key)
);

CREATE TABLE instance_tags (
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (instance_id, tag)
);
CREATE INDEX instance_tags_tag ON instance_tags (tag);

CREATE TABLE instance_faults (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    code        INTEGER NOT NULL,
    message     TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX instance_faults_instance ON instance_faults (instance_id, id DESC);

-- os-instance-actions: one row per API action, events per step.
CREATE TABLE instance_actions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_uuid TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    action        TEXT NOT NULL,
    project_id    TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    start_time    INTEGER NOT NULL,
    finish_time   INTEGER,
    updated_at    INTEGER NOT NULL,
    message       TEXT
);
CREATE INDEX instance_actions_instance ON instance_actions (instance_uuid, start_time DESC, id DESC);
CREATE UNIQUE INDEX instance_actions_request ON instance_actions (instance_uuid, request_id);

CREATE TABLE instance_action_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id   INTEGER NOT NULL REFERENCES instance_actions(id) ON DELETE CASCADE,
    event       TEXT NOT NULL,
    start_time  INTEGER NOT NULL,
    finish_time INTEGER,
    result      TEXT,
    traceback   TEXT,
    host        TEXT,
    details     TEXT
);
CREATE INDEX instance_action_events_action ON instance_action_events (action_id);

-- Compute hosts (one per simulated host in serve, one per agent).
CREATE TABLE compute_nodes (
    host              TEXT PRIMARY KEY,
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
    created_at        INTEGER NOT NULL
);
