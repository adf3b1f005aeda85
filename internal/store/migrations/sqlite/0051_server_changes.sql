-- The servers whose view (GetServer: the row, metadata, tags, faults,
-- volumes, ports with their addresses, floating IPs, network and group
-- names) changed, one entry per changed row, written by triggers in the
-- transaction of the write so that no write path can forget it. Caches
-- of server views read the entries after the last seq they applied and
-- evict those servers; '*' stands for any server (a network or a security
-- group renamed). SQLite has one writer at a time, so seq is commit order.
-- The controller prunes old entries; server_changes_pruned.below says
-- that entries with a smaller seq are gone (a reader behind it empties
-- its cache), epoch counts the prunings.
CREATE TABLE server_changes (
    seq           INTEGER PRIMARY KEY,
    instance_uuid TEXT NOT NULL
);
CREATE TABLE server_changes_pruned (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    below INTEGER NOT NULL,
    epoch INTEGER NOT NULL
);
INSERT INTO server_changes_pruned (id, below, epoch) VALUES (1, 0, 0);

CREATE TRIGGER instances_change_insert AFTER INSERT ON instances
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES (NEW.uuid);
END;
CREATE TRIGGER instances_change_update AFTER UPDATE ON instances
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES (NEW.uuid);
END;
CREATE TRIGGER instances_change_delete AFTER DELETE ON instances
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES (OLD.uuid);
END;

-- Rows of instance_metadata, instance_tags and instance_faults name their
-- server by its internal id; a row removed with its server (cascade) finds
-- none, and the server's own delete is logged.
CREATE TRIGGER instance_metadata_change_insert AFTER INSERT ON instance_metadata
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id = NEW.instance_id;
END;
CREATE TRIGGER instance_metadata_change_update AFTER UPDATE ON instance_metadata
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id IN (OLD.instance_id, NEW.instance_id);
END;
CREATE TRIGGER instance_metadata_change_delete AFTER DELETE ON instance_metadata
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id = OLD.instance_id;
END;
CREATE TRIGGER instance_tags_change_insert AFTER INSERT ON instance_tags
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id = NEW.instance_id;
END;
CREATE TRIGGER instance_tags_change_update AFTER UPDATE ON instance_tags
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id IN (OLD.instance_id, NEW.instance_id);
END;
CREATE TRIGGER instance_tags_change_delete AFTER DELETE ON instance_tags
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id = OLD.instance_id;
END;
CREATE TRIGGER instance_faults_change_insert AFTER INSERT ON instance_faults
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id = NEW.instance_id;
END;
CREATE TRIGGER instance_faults_change_update AFTER UPDATE ON instance_faults
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id IN (OLD.instance_id, NEW.instance_id);
END;
CREATE TRIGGER instance_faults_change_delete AFTER DELETE ON instance_faults
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT uuid FROM instances WHERE id = OLD.instance_id;
END;

CREATE TRIGGER block_device_mappings_change_insert AFTER INSERT ON block_device_mappings
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES (NEW.instance_uuid);
END;
CREATE TRIGGER block_device_mappings_change_update AFTER UPDATE ON block_device_mappings
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT NEW.instance_uuid UNION SELECT OLD.instance_uuid;
END;
CREATE TRIGGER block_device_mappings_change_delete AFTER DELETE ON block_device_mappings
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES (OLD.instance_uuid);
END;

-- Ports name their server in device_id ('' for none; routers' and DHCP
-- ports name other things, logged all the same): both the old and the new
-- one of an update (a port moved from one server to another).
CREATE TRIGGER ports_change_insert AFTER INSERT ON ports WHEN NEW.device_id <> ''
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES (NEW.device_id);
END;
CREATE TRIGGER ports_change_update AFTER UPDATE ON ports WHEN NEW.device_id <> '' OR OLD.device_id <> ''
BEGIN
    INSERT INTO server_changes (instance_uuid)
        SELECT NEW.device_id WHERE NEW.device_id <> '' UNION SELECT OLD.device_id WHERE OLD.device_id <> '';
END;
CREATE TRIGGER ports_change_delete AFTER DELETE ON ports WHEN OLD.device_id <> ''
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES (OLD.device_id);
END;

-- A port's addresses, groups and floating IPs: the server of the port.
CREATE TRIGGER ip_allocations_change_insert AFTER INSERT ON ip_allocations
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT device_id FROM ports WHERE id = NEW.port_id AND device_id <> '';
END;
CREATE TRIGGER ip_allocations_change_update AFTER UPDATE ON ip_allocations
BEGIN
    INSERT INTO server_changes (instance_uuid)
        SELECT device_id FROM ports WHERE id IN (OLD.port_id, NEW.port_id) AND device_id <> '';
END;
CREATE TRIGGER ip_allocations_change_delete AFTER DELETE ON ip_allocations
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT device_id FROM ports WHERE id = OLD.port_id AND device_id <> '';
END;
CREATE TRIGGER port_security_groups_change_insert AFTER INSERT ON port_security_groups
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT device_id FROM ports WHERE id = NEW.port_id AND device_id <> '';
END;
CREATE TRIGGER port_security_groups_change_update AFTER UPDATE ON port_security_groups
BEGIN
    INSERT INTO server_changes (instance_uuid)
        SELECT device_id FROM ports WHERE id IN (OLD.port_id, NEW.port_id) AND device_id <> '';
END;
CREATE TRIGGER port_security_groups_change_delete AFTER DELETE ON port_security_groups
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT device_id FROM ports WHERE id = OLD.port_id AND device_id <> '';
END;
CREATE TRIGGER floatingips_change_insert AFTER INSERT ON floatingips WHEN NEW.port_id IS NOT NULL
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT device_id FROM ports WHERE id = NEW.port_id AND device_id <> '';
END;
CREATE TRIGGER floatingips_change_update AFTER UPDATE ON floatingips
WHEN NEW.port_id IS NOT NULL OR OLD.port_id IS NOT NULL
BEGIN
    INSERT INTO server_changes (instance_uuid)
        SELECT device_id FROM ports WHERE id IN (OLD.port_id, NEW.port_id) AND device_id <> '';
END;
CREATE TRIGGER floatingips_change_delete AFTER DELETE ON floatingips WHEN OLD.port_id IS NOT NULL
BEGIN
    INSERT INTO server_changes (instance_uuid) SELECT device_id FROM ports WHERE id = OLD.port_id AND device_id <> '';
END;

-- Names shown by many servers at once: any server.
CREATE TRIGGER networks_change_name AFTER UPDATE OF name ON networks WHEN OLD.name <> NEW.name
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES ('*');
END;
CREATE TRIGGER security_groups_change_name AFTER UPDATE OF name ON security_groups WHEN OLD.name <> NEW.name
BEGIN
    INSERT INTO server_changes (instance_uuid) VALUES ('*');
END;
