-- The servers whose view (GetServer: the row, metadata, tags, faults,
-- volumes, ports with their addresses, floating IPs, network and group
-- names) changed, one entry per changed row, written by triggers in the
-- transaction of the write so that no write path can forget it. Caches
-- of server views evict those servers; '*' stands for any server (a
-- network or a security group renamed).
--
-- Writers run side by side here, so seq is not commit order: a reader may
-- see seq 10 while 9 is not yet committed. Each entry therefore keeps its
-- transaction's id (xid): a reader remembers the largest seq it saw and
-- the transactions then running (its snapshot's xip), and next reads the
-- entries above that seq and those of these transactions. An entry below
-- the seq it saw that it could not see was written by one of them: its
-- seq was drawn before the entry that reader saw committed, by a
-- transaction that already had its xid (the entries come from AFTER
-- triggers, once the row's write gave the transaction one).
-- The controller prunes old entries: server_changes_pruned.below says
-- that entries with a smaller seq are gone, epoch counts the prunings (a
-- reader that a pruning may have passed empties its cache).
CREATE TABLE server_changes (
    seq           BIGSERIAL PRIMARY KEY,
    instance_uuid TEXT NOT NULL,
    xid           BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)
);
CREATE INDEX server_changes_xid ON server_changes (xid);
CREATE TABLE server_changes_pruned (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    below BIGINT NOT NULL,
    epoch BIGINT NOT NULL
);
INSERT INTO server_changes_pruned (id, below, epoch) VALUES (1, 0, 0);

-- A row that names its server by uuid: instances (uuid), volumes
-- (instance_uuid) and ports (device_id, '' for none): the old and the new
-- one.
CREATE FUNCTION server_change_by_uuid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n TEXT;
    o TEXT;
BEGIN
    -- One IF a table: PL/pgSQL resolves NEW.x only where it runs.
    IF TG_TABLE_NAME = 'instances' THEN
        IF TG_OP <> 'DELETE' THEN n := NEW.uuid; END IF;
        IF TG_OP <> 'INSERT' THEN o := OLD.uuid; END IF;
    ELSIF TG_TABLE_NAME = 'block_device_mappings' THEN
        IF TG_OP <> 'DELETE' THEN n := NEW.instance_uuid; END IF;
        IF TG_OP <> 'INSERT' THEN o := OLD.instance_uuid; END IF;
    ELSE
        IF TG_OP <> 'DELETE' THEN n := NEW.device_id; END IF;
        IF TG_OP <> 'INSERT' THEN o := OLD.device_id; END IF;
    END IF;
    IF n IS NOT NULL AND n <> '' THEN
        INSERT INTO server_changes (instance_uuid) VALUES (n);
    END IF;
    IF o IS NOT NULL AND o <> '' AND o IS DISTINCT FROM n THEN
        INSERT INTO server_changes (instance_uuid) VALUES (o);
    END IF;
    RETURN NULL;
END $$;

-- A row that names its server by internal id (instance_id).
CREATE FUNCTION server_change_by_id() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
    o BIGINT;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        n := NEW.instance_id;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        o := OLD.instance_id;
    END IF;
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id IN (n, o);
    RETURN NULL;
END $$;

-- A row that names a port (port_id): the port's server.
CREATE FUNCTION server_change_by_port() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n TEXT;
    o TEXT;
BEGIN
    IF TG_OP <> 'DELETE' THEN
        n := NEW.port_id;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        o := OLD.port_id;
    END IF;
    INSERT INTO server_changes (instance_uuid)
        SELECT DISTINCT device_id FROM ports WHERE id IN (n, o) AND device_id <> '';
    RETURN NULL;
END $$;

-- A name many servers show: any server.
CREATE FUNCTION server_change_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES ('*');
    RETURN NULL;
END $$;

CREATE TRIGGER instances_change AFTER INSERT OR UPDATE OR DELETE ON instances
    FOR EACH ROW EXECUTE FUNCTION server_change_by_uuid();
CREATE TRIGGER instance_metadata_change AFTER INSERT OR UPDATE OR DELETE ON instance_metadata
    FOR EACH ROW EXECUTE FUNCTION server_change_by_id();
CREATE TRIGGER instance_tags_change AFTER INSERT OR UPDATE OR DELETE ON instance_tags
    FOR EACH ROW EXECUTE FUNCTION server_change_by_id();
CREATE TRIGGER instance_faults_change AFTER INSERT OR UPDATE OR DELETE ON instance_faults
    FOR EACH ROW EXECUTE FUNCTION server_change_by_id();
CREATE TRIGGER block_device_mappings_change AFTER INSERT OR UPDATE OR DELETE ON block_device_mappings
    FOR EACH ROW EXECUTE FUNCTION server_change_by_uuid();
CREATE TRIGGER ports_change AFTER INSERT OR UPDATE OR DELETE ON ports
    FOR EACH ROW EXECUTE FUNCTION server_change_by_uuid();
CREATE TRIGGER ip_allocations_change AFTER INSERT OR UPDATE OR DELETE ON ip_allocations
    FOR EACH ROW EXECUTE FUNCTION server_change_by_port();
CREATE TRIGGER port_security_groups_change AFTER INSERT OR UPDATE OR DELETE ON port_security_groups
    FOR EACH ROW EXECUTE FUNCTION server_change_by_port();
CREATE TRIGGER floatingips_change AFTER INSERT OR UPDATE OR DELETE ON floatingips
    FOR EACH ROW EXECUTE FUNCTION server_change_by_port();
CREATE TRIGGER networks_change_name AFTER UPDATE OF name ON networks
    FOR EACH ROW WHEN (OLD.name <> NEW.name) EXECUTE FUNCTION server_change_all();
CREATE TRIGGER security_groups_change_name AFTER UPDATE OF name ON security_groups
    FOR EACH ROW WHEN (OLD.name <> NEW.name) EXECUTE FUNCTION server_change_all();
