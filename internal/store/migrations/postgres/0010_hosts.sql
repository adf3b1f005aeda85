-- Compute hosts as Nova's nova-compute services show them: forced down
-- (host_status DOWN) and the reason an operator disabled them.
ALTER TABLE compute_nodes ADD COLUMN forced_down BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE compute_nodes ADD COLUMN disabled_reason TEXT;
-- The scheduler's queue: live servers waiting for a host, oldest first.
CREATE INDEX instances_unscheduled ON instances (id) WHERE host IS NULL AND task_state = 'scheduling';
