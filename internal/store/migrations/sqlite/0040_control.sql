-- The control API's simulation knobs (docs/control-api.md). A host marked
-- down has its agent stop heartbeating and working, as a crashed
-- nova-compute; fake_knobs are fake:* metadata applied to every server on
-- the host (a server's own metadata wins).
ALTER TABLE compute_nodes ADD COLUMN simulated_down BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE compute_nodes ADD COLUMN fake_knobs TEXT NOT NULL DEFAULT '{}';
-- The simulated clock: every process adds this offset to its wall clock
-- for the compute side (reclaim, resize auto-confirm, shelved offload,
-- heartbeats). One row, id 1.
CREATE TABLE clock_offset (id INTEGER PRIMARY KEY CHECK (id = 1), offset_us BIGINT NOT NULL);
-- Saved states of the cloud (the bootstrap state, for the control API's
-- reset), as JSON.
CREATE TABLE control_snapshots (name TEXT PRIMARY KEY, data TEXT NOT NULL);
