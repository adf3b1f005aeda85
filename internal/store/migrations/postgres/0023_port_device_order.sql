-- The order a device's ports were attached in (a server's NICs in the
-- order requested), which Nova shows addresses in; created_at holds whole
-- seconds and a port made earlier may be attached later. Ports from
-- before this migration keep 0 and sort by created_at, id.
ALTER TABLE ports ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ports_seq ON ports (seq);
