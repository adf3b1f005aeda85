-- Keystone's revocation events. A token issued at or before issued_before
-- is void when every column the event sets matches it: user_id its user,
-- project_id its project, domain_id its user's or its project's domain,
-- audit_id one of its audit ids (itself or the token it was obtained
-- from), role_id one of its roles. Kept until the tokens they can match
-- have expired.
CREATE TABLE revocation_events (
    id            INTEGER PRIMARY KEY,
    user_id       TEXT,
    project_id    TEXT,
    domain_id     TEXT,
    audit_id      TEXT,
    role_id       TEXT,
    issued_before BIGINT NOT NULL,
    revoked_at    BIGINT NOT NULL
);
CREATE INDEX revocation_events_issued_before ON revocation_events (issued_before);
CREATE INDEX revocation_events_revoked_at ON revocation_events (revoked_at);

INSERT INTO revocation_events (audit_id, issued_before, revoked_at)
    SELECT audit_id, revoked_at, revoked_at FROM token_revocations;
DROP TABLE token_revocations;

-- One counter that every identity change able to void or alter a
-- validated token (or to rotate the Fernet keys) increments in its own
-- transaction. Each replica reads it per request and drops its cached
-- validations and keys when it moved, so a cache never outlives a change
-- made through another replica.
CREATE TABLE identity_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO identity_epoch (id, epoch) VALUES (1, 0);
