-- Calls that need a compute host's answer (console output): the API
-- inserts a row, the host's agent — woken by NOTIFY, or on its poll —
-- answers it, and the API reads the answer (docs/host-calls.md).
CREATE TABLE host_calls (
    id            BIGSERIAL PRIMARY KEY,
    host          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    instance_uuid TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    answered_at   BIGINT,
    result        TEXT,
    error         TEXT
);
CREATE INDEX host_calls_open ON host_calls (host, id) WHERE answered_at IS NULL;
