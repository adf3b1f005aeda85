-- What each user of a project holds against quota, kept by triggers in
-- the transaction of every write that changes it (create, delete, soft
-- delete, restore, resize, a failed build, a purge, a seeded row), so
-- that a quota check reads one row per user instead of counting every
-- server of the project inside the write transaction. A server counts
-- while it is neither deleted nor soft-deleted, with the vcpus and
-- memory_mb of its row, as the count did. Creates racing across API
-- replicas still take the project's quota lock (advisory) before they
-- read these rows, and the row locks of the updates order the rest.
CREATE TABLE quota_usages (
    project_id    TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    instances     BIGINT NOT NULL DEFAULT 0,
    cores         BIGINT NOT NULL DEFAULT 0,
    ram           BIGINT NOT NULL DEFAULT 0,
    server_groups BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, user_id)
);

INSERT INTO quota_usages (project_id, user_id, instances, cores, ram)
    SELECT project_id, user_id, COUNT(*), SUM(vcpus), SUM(memory_mb) FROM instances
    WHERE NOT deleted AND vm_state <> 'soft-delete' GROUP BY project_id, user_id;
INSERT INTO quota_usages (project_id, user_id, server_groups)
    SELECT project_id, user_id, COUNT(*) FROM server_groups GROUP BY project_id, user_id
    ON CONFLICT (project_id, user_id) DO UPDATE SET server_groups = excluded.server_groups;

CREATE FUNCTION instances_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND NOT OLD.deleted AND OLD.vm_state <> 'soft-delete' THEN
        UPDATE quota_usages SET instances = instances - 1, cores = cores - OLD.vcpus, ram = ram - OLD.memory_mb
            WHERE project_id = OLD.project_id AND user_id = OLD.user_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NOT NEW.deleted AND NEW.vm_state <> 'soft-delete' THEN
        INSERT INTO quota_usages AS u (project_id, user_id, instances, cores, ram)
            VALUES (NEW.project_id, NEW.user_id, 1, NEW.vcpus, NEW.memory_mb)
            ON CONFLICT (project_id, user_id) DO UPDATE SET instances = u.instances + 1,
                cores = u.cores + excluded.cores, ram = u.ram + excluded.ram;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER instances_usage_insert_delete AFTER INSERT OR DELETE ON instances
    FOR EACH ROW EXECUTE FUNCTION instances_usage();
-- Fires only when what the row counts for changes: most updates (task
-- and power states, ACTIVE after a build) leave it alone.
CREATE TRIGGER instances_usage_update AFTER UPDATE OF deleted, vm_state, vcpus, memory_mb, project_id, user_id
    ON instances FOR EACH ROW
    WHEN ((NOT OLD.deleted AND OLD.vm_state <> 'soft-delete') <> (NOT NEW.deleted AND NEW.vm_state <> 'soft-delete')
        OR (NOT NEW.deleted AND NEW.vm_state <> 'soft-delete' AND (OLD.vcpus <> NEW.vcpus
            OR OLD.memory_mb <> NEW.memory_mb OR OLD.project_id <> NEW.project_id OR OLD.user_id <> NEW.user_id)))
    EXECUTE FUNCTION instances_usage();

CREATE FUNCTION server_groups_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE quota_usages SET server_groups = server_groups - 1
            WHERE project_id = OLD.project_id AND user_id = OLD.user_id;
    ELSE
        INSERT INTO quota_usages AS u (project_id, user_id, server_groups) VALUES (NEW.project_id, NEW.user_id, 1)
            ON CONFLICT (project_id, user_id) DO UPDATE SET server_groups = u.server_groups + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER server_groups_usage AFTER INSERT OR DELETE ON server_groups
    FOR EACH ROW EXECUTE FUNCTION server_groups_usage();
