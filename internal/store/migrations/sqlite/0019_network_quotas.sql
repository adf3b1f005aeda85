-- Neutron's per-project limits set by PUT /v2.0/quotas/{project}; a
-- resource without a row has Neutron's default.
CREATE TABLE network_quotas (
    project_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    hard_limit BIGINT NOT NULL,
    PRIMARY KEY (project_id, resource)
);
