-- Console auth tokens (remote consoles): the token itself is a secret, so
-- only its SHA-256 is kept; a token expires after Nova's token_ttl.
CREATE TABLE console_tokens (
    token_hash    TEXT PRIMARY KEY,
    console_type  TEXT NOT NULL,
    instance_uuid TEXT NOT NULL,
    project_id    TEXT NOT NULL,
    host          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX console_tokens_expiry ON console_tokens (expires_at);
-- A host call may carry arguments (a console relay's bytes).
ALTER TABLE host_calls ADD COLUMN args TEXT;
