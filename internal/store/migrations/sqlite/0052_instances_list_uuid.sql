-- A page of servers in the default order is read from these indexes alone
-- (the uuids the views are looked up by come with them); without the uuid
-- each listed server cost a read of its row.
DROP INDEX instances_project_created;
CREATE INDEX instances_project_created ON instances (project_id, deleted, created_at DESC, id DESC, uuid);
DROP INDEX instances_created;
CREATE INDEX instances_created ON instances (deleted, created_at DESC, id DESC, uuid);
