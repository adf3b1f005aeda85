-- Calls that need a compute host's answer (console output): the API
-- inserts a row, the host's agent answers it, and the API reads the
-- answer (docs/host-calls.md).
CREATE TABLE host_calls (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    host          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    instance_uuid TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    answered_at   BIGINT,
    result        TEXT,
    error         TEXT
);
CREATE INDEX host_calls_open ON host_calls (host, id) WHERE answered_at IS NULL;
