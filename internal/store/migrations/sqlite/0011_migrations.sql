-- Moves of servers between hosts (Nova's migrations): resizes, cold and
-- live migrations, evacuations. The in-progress one of a server carries
-- the destination and the flavor it is moving to.
CREATE TABLE migrations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid           TEXT NOT NULL UNIQUE,
    instance_uuid  TEXT NOT NULL,
    migration_type TEXT NOT NULL,         -- resize, migration, live-migration, evacuation
    status         TEXT NOT NULL,
    source_compute TEXT,
    source_node    TEXT,
    dest_compute   TEXT,
    dest_node      TEXT,
    old_flavor     TEXT NOT NULL,         -- FlavorSnapshot JSON
    new_flavor     TEXT NOT NULL,
    project_id     TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX migrations_instance ON migrations (instance_uuid, id DESC);
-- The image a createImage, createBackup or shelve is filling; a shelve
-- keeps it until unshelve deletes it.
ALTER TABLE instances ADD COLUMN pending_image_id TEXT;
