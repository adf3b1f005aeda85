-- Flavors and their extra specs and access lists, keypairs, quota sets
-- and server groups (Nova's API database tables).
CREATE TABLE flavors (
    id           INTEGER PRIMARY KEY AUTOINCREMENT, -- sort tie-breaker
    flavorid     TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL UNIQUE,
    memory_mb    INTEGER NOT NULL,
    vcpus        INTEGER NOT NULL,
    root_gb      INTEGER NOT NULL,
    ephemeral_gb INTEGER NOT NULL DEFAULT 0,
    swap         INTEGER NOT NULL DEFAULT 0,
    rxtx_factor  REAL NOT NULL DEFAULT 1.0,
    vcpu_weight  INTEGER NOT NULL DEFAULT 0,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,
    is_public    BOOLEAN NOT NULL DEFAULT TRUE,
    description  TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER
);
CREATE INDEX flavors_public ON flavors (is_public, flavorid);

CREATE TABLE flavor_extra_specs (
    flavor_id INTEGER NOT NULL REFERENCES flavors (id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (flavor_id, key)
);

CREATE TABLE flavor_projects (
    flavor_id  INTEGER NOT NULL REFERENCES flavors (id) ON DELETE CASCADE,
    project_id TEXT NOT NULL,
    PRIMARY KEY (flavor_id, project_id)
);
CREATE INDEX flavor_projects_project ON flavor_projects (project_id);

CREATE TABLE key_pairs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL DEFAULT 'ssh',
    public_key  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, name)
);

-- user_id '' holds the project's limits; a user's row overrides them.
CREATE TABLE quotas (
    project_id TEXT NOT NULL,
    user_id    TEXT NOT NULL DEFAULT '',
    resource   TEXT NOT NULL,
    hard_limit INTEGER NOT NULL,
    PRIMARY KEY (project_id, user_id, resource)
);

CREATE TABLE server_groups (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    project_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    policy     TEXT NOT NULL,
    rules      TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);
CREATE INDEX server_groups_project ON server_groups (project_id, id);

CREATE TABLE server_group_members (
    group_id      INTEGER NOT NULL REFERENCES server_groups (id) ON DELETE CASCADE,
    instance_uuid TEXT NOT NULL,
    PRIMARY KEY (group_id, instance_uuid)
);
CREATE INDEX server_group_members_instance ON server_group_members (instance_uuid);
