-- Block storage: Cinder's volumes, their attachments, snapshots, types
-- and per-project quotas; and Nova's block device mappings, which tie a
-- server to its volumes.
CREATE TABLE volume_types (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT,
    is_public   BOOLEAN NOT NULL DEFAULT TRUE,
    extra_specs TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE volumes (
    id                TEXT PRIMARY KEY,
    project_id        TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    name              TEXT,
    description       TEXT,
    size              BIGINT NOT NULL,
    status            TEXT NOT NULL,
    availability_zone TEXT NOT NULL,
    type_id           TEXT NOT NULL,
    bootable          BOOLEAN NOT NULL DEFAULT FALSE,
    read_only         BOOLEAN NOT NULL DEFAULT FALSE,
    multiattach       BOOLEAN NOT NULL DEFAULT FALSE,
    snapshot_id       TEXT NOT NULL DEFAULT '',
    source_volid      TEXT NOT NULL DEFAULT '',
    image_id          TEXT NOT NULL DEFAULT '',
    metadata          TEXT NOT NULL DEFAULT '{}',
    image_metadata    TEXT NOT NULL DEFAULT '{}',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX volumes_project ON volumes (project_id, created_at, id);
CREATE INDEX volumes_created ON volumes (created_at, id);

CREATE TABLE volume_attachments (
    id            TEXT PRIMARY KEY,
    volume_id     TEXT NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
    instance_uuid TEXT NOT NULL,
    status        TEXT NOT NULL,
    mode          TEXT NOT NULL DEFAULT 'rw',
    host          TEXT NOT NULL DEFAULT '',
    mountpoint    TEXT NOT NULL DEFAULT '',
    connector     TEXT NOT NULL DEFAULT '',
    attached_at   BIGINT,
    detached_at   BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX volume_attachments_volume ON volume_attachments (volume_id, created_at);
CREATE INDEX volume_attachments_instance ON volume_attachments (instance_uuid);

CREATE TABLE volume_snapshots (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    volume_id   TEXT NOT NULL REFERENCES volumes(id),
    name        TEXT,
    description TEXT,
    size        BIGINT NOT NULL,
    status      TEXT NOT NULL,
    metadata    TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX volume_snapshots_project ON volume_snapshots (project_id, created_at, id);
CREATE INDEX volume_snapshots_created ON volume_snapshots (created_at, id);
CREATE INDEX volume_snapshots_volume ON volume_snapshots (volume_id);

-- Cinder's per-project limits set by PUT os-quota-sets; a resource
-- without a row has the default.
CREATE TABLE volume_quotas (
    project_id TEXT NOT NULL,
    resource   TEXT NOT NULL,
    hard_limit BIGINT NOT NULL,
    PRIMARY KEY (project_id, resource)
);

-- Nova's block device mappings of volumes: one row per volume a server
-- has (attached at boot or later).
CREATE TABLE block_device_mappings (
    id                    TEXT PRIMARY KEY,
    instance_uuid         TEXT NOT NULL,
    volume_id             TEXT NOT NULL,
    attachment_id         TEXT NOT NULL DEFAULT '',
    device_name           TEXT NOT NULL,
    boot_index            BIGINT,
    delete_on_termination BOOLEAN NOT NULL DEFAULT FALSE,
    tag                   TEXT NOT NULL DEFAULT '',
    source_type           TEXT NOT NULL DEFAULT 'volume',
    created_at            BIGINT NOT NULL
);
CREATE UNIQUE INDEX block_device_mappings_volume ON block_device_mappings (instance_uuid, volume_id);
