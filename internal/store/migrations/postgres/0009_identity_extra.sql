-- Keystone's free-form "extra" attributes of users, projects and roles
-- (a JSON object), and domain-specific roles.
ALTER TABLE users ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
ALTER TABLE roles ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
ALTER TABLE roles ADD COLUMN domain_id TEXT REFERENCES domains(id);
CREATE INDEX roles_domain ON roles (domain_id);
