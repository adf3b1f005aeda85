-- Identity: Keystone's domains, projects, users, roles and assignments,
-- the Fernet keys and the token revocations.
CREATE TABLE domains (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    enabled     BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    domain_id   TEXT NOT NULL REFERENCES domains(id),
    description TEXT NOT NULL DEFAULT '',
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    tags        TEXT NOT NULL DEFAULT '[]',
    UNIQUE (domain_id, name)
);

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    domain_id          TEXT NOT NULL REFERENCES domains(id),
    password_hash      TEXT NOT NULL DEFAULT '',
    enabled            BOOLEAN NOT NULL DEFAULT TRUE,
    email              TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    default_project_id TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    UNIQUE (domain_id, name)
);

CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT ''
);

-- prior implies implied (admin -> manager -> member -> reader).
CREATE TABLE implied_roles (
    prior_role_id   TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    implied_role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (prior_role_id, implied_role_id)
);

-- A user's role on a project or a domain (target_type 'project'|'domain').
CREATE TABLE role_assignments (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    role_id     TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, target_type, target_id, role_id)
);
CREATE INDEX role_assignments_target ON role_assignments (target_id);
CREATE INDEX role_assignments_role ON role_assignments (role_id);

-- Fernet keys; the newest is the primary (encrypting) key.
CREATE TABLE fernet_keys (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Revoked tokens by audit id, kept until the token would have expired.
CREATE TABLE token_revocations (
    audit_id   TEXT PRIMARY KEY,
    revoked_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX token_revocations_revoked ON token_revocations (revoked_at);
