-- Image: Glance's images. The bytes live in files under the data dir;
-- the row holds their size and hashes.
CREATE TABLE images (
    id               TEXT PRIMARY KEY,
    name             TEXT,
    status           TEXT NOT NULL,
    visibility       TEXT NOT NULL,
    owner            TEXT NOT NULL DEFAULT '',
    container_format TEXT,
    disk_format      TEXT,
    size             BIGINT,
    virtual_size     BIGINT,
    checksum         TEXT,
    os_hash_algo     TEXT,
    os_hash_value    TEXT,
    min_disk         BIGINT NOT NULL DEFAULT 0,
    min_ram          BIGINT NOT NULL DEFAULT 0,
    protected        BOOLEAN NOT NULL DEFAULT FALSE,
    os_hidden        BOOLEAN NOT NULL DEFAULT FALSE,
    tags             TEXT NOT NULL DEFAULT '[]',
    properties       TEXT NOT NULL DEFAULT '{}',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
-- The default list order (created_at desc, id) and the usual filters.
CREATE INDEX images_created ON images (created_at, id);
CREATE INDEX images_owner ON images (owner, created_at);
CREATE INDEX images_visibility ON images (visibility, created_at);
CREATE INDEX images_name ON images (name);
