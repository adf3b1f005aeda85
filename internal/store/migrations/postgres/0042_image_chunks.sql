-- Image bytes in the database, so that api replicas keep nothing of
-- their own (docs/deployment.md): an image's data is its chunks in seq
-- order, each image.ChunkSize bytes but the last. They are written in the
-- transaction that makes the image active and go with the image's row.
CREATE TABLE image_chunks (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    data     BYTEA NOT NULL,
    PRIMARY KEY (image_id, seq)
);
