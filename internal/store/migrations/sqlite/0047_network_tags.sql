-- Neutron's resource tags (standard-attr-tag) on networks, subnets, ports,
-- security groups, routers and floating IPs: their ids are UUIDs, unique
-- across those tables, so one table holds them all.
CREATE TABLE network_tags (
    resource_id TEXT NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (resource_id, tag)
);
CREATE INDEX network_tags_tag ON network_tags (tag);
