-- The order rules were created in, which Neutron lists them in; created_at
-- holds whole seconds, so rules made in the same second need it. Rules
-- from before this migration keep 0 and sort by created_at, id.
ALTER TABLE security_group_rules ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX security_group_rules_seq ON security_group_rules (seq);
