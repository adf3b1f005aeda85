-- A project's usage row was one row per user, updated by the triggers of
-- every create and delete: each such transaction held its row lock from
-- the insert to the commit (the commit's WAL flush included), so the
-- creates of one project ran one at a time across every API replica
-- whatever the quotas, as they did on the advisory quota lock (now taken
-- only when a limit can be exceeded). The usage is now spread over up to
-- 16 rows per user, the shard picked by the writing transaction's id:
-- transactions side by side mostly add to different rows, and a reader
-- sums them (QuotaUsage always summed). A row may go below zero on its
-- own; the sums are what the count finds.
ALTER TABLE quota_usages ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quota_usages DROP CONSTRAINT quota_usages_pkey;
ALTER TABLE quota_usages ADD PRIMARY KEY (project_id, user_id, shard);

CREATE OR REPLACE FUNCTION instances_usage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s INTEGER := (pg_current_xact_id()::text::bigint % 16)::integer;
BEGIN
    IF TG_OP <> 'INSERT' AND NOT OLD.deleted AND OLD.vm_state <> 'soft-delete' THEN
        INSERT INTO quota_usages AS u (project_id, user_id, shard, instances, cores, ram)
            VALUES (OLD.project_id, OLD.user_id, s, -1, -OLD.vcpus, -OLD.memory_mb)
            ON CONFLICT (project_id, user_id, shard) DO UPDATE SET instances = u.instances + excluded.instances,
                cores = u.cores + excluded.cores, ram = u.ram + excluded.ram;
    END IF;
    IF TG_OP <> 'DELETE' AND NOT NEW.deleted AND NEW.vm_state <> 'soft-delete' THEN
        INSERT INTO quota_usages AS u (project_id, user_id, shard, instances, cores, ram)
            VALUES (NEW.project_id, NEW.user_id, s, 1, NEW.vcpus, NEW.memory_mb)
            ON CONFLICT (project_id, user_id, shard) DO UPDATE SET instances = u.instances + excluded.instances,
                cores = u.cores + excluded.cores, ram = u.ram + excluded.ram;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION server_groups_usage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s INTEGER := (pg_current_xact_id()::text::bigint % 16)::integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO quota_usages AS u (project_id, user_id, shard, server_groups) VALUES (OLD.project_id, OLD.user_id, s, -1)
            ON CONFLICT (project_id, user_id, shard) DO UPDATE SET server_groups = u.server_groups - 1;
    ELSE
        INSERT INTO quota_usages AS u (project_id, user_id, shard, server_groups) VALUES (NEW.project_id, NEW.user_id, s, 1)
            ON CONFLICT (project_id, user_id, shard) DO UPDATE SET server_groups = u.server_groups + 1;
    END IF;
    RETURN NULL;
END $$;
