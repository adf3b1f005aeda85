-- Network: Neutron's networks, subnets, ports and their addresses,
-- security groups, routers and floating IPs.
CREATE TABLE networks (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL DEFAULT '',
    project_id     TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    admin_state_up BOOLEAN NOT NULL DEFAULT TRUE,
    shared         BOOLEAN NOT NULL DEFAULT FALSE,
    external       BOOLEAN NOT NULL DEFAULT FALSE,
    mtu            BIGINT NOT NULL DEFAULT 1450,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX networks_project ON networks (project_id, id);
CREATE INDEX networks_name ON networks (name);

CREATE TABLE subnets (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL DEFAULT '',
    network_id        TEXT NOT NULL REFERENCES networks(id),
    project_id        TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    ip_version        BIGINT NOT NULL,
    cidr              TEXT NOT NULL,
    gateway_ip        TEXT,
    enable_dhcp       BOOLEAN NOT NULL DEFAULT TRUE,
    allocation_pools  TEXT NOT NULL DEFAULT '[]',
    dns_nameservers   TEXT NOT NULL DEFAULT '[]',
    host_routes       TEXT NOT NULL DEFAULT '[]',
    ipv6_address_mode TEXT,
    ipv6_ra_mode      TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX subnets_network ON subnets (network_id, id);
CREATE INDEX subnets_project ON subnets (project_id, id);

CREATE TABLE ports (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL DEFAULT '',
    network_id            TEXT NOT NULL REFERENCES networks(id),
    project_id            TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    mac_address           TEXT NOT NULL,
    admin_state_up        BOOLEAN NOT NULL DEFAULT TRUE,
    status                TEXT NOT NULL,
    device_id             TEXT NOT NULL DEFAULT '',
    device_owner          TEXT NOT NULL DEFAULT '',
    host_id               TEXT NOT NULL DEFAULT '',
    port_security_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    server_owned          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    UNIQUE (network_id, mac_address)
);
CREATE INDEX ports_project ON ports (project_id, id);
CREATE INDEX ports_network ON ports (network_id, id);
CREATE INDEX ports_device ON ports (device_id);

-- One row per address; the primary key makes a double allocation
-- impossible whatever the engine.
CREATE TABLE ip_allocations (
    subnet_id  TEXT NOT NULL REFERENCES subnets(id),
    ip_address TEXT NOT NULL,
    port_id    TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
    network_id TEXT NOT NULL,
    PRIMARY KEY (subnet_id, ip_address)
);
CREATE INDEX ip_allocations_port ON ip_allocations (port_id);
CREATE INDEX ip_allocations_address ON ip_allocations (ip_address);

CREATE TABLE security_groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    project_id  TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    stateful    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX security_groups_project ON security_groups (project_id, name);

-- The one "default" group of each project.
CREATE TABLE default_security_groups (
    project_id        TEXT PRIMARY KEY,
    security_group_id TEXT NOT NULL REFERENCES security_groups(id) ON DELETE CASCADE
);

CREATE TABLE security_group_rules (
    id                TEXT PRIMARY KEY,
    security_group_id TEXT NOT NULL REFERENCES security_groups(id) ON DELETE CASCADE,
    project_id        TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    direction         TEXT NOT NULL,
    ethertype         TEXT NOT NULL,
    protocol          TEXT,
    port_range_min    BIGINT,
    port_range_max    BIGINT,
    remote_ip_prefix  TEXT,
    remote_group_id   TEXT REFERENCES security_groups(id) ON DELETE CASCADE,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX security_group_rules_group ON security_group_rules (security_group_id);
CREATE INDEX security_group_rules_project ON security_group_rules (project_id, id);
CREATE INDEX security_group_rules_remote ON security_group_rules (remote_group_id);

CREATE TABLE port_security_groups (
    port_id           TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
    security_group_id TEXT NOT NULL REFERENCES security_groups(id),
    PRIMARY KEY (port_id, security_group_id)
);
CREATE INDEX port_security_groups_group ON port_security_groups (security_group_id);

CREATE TABLE routers (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL DEFAULT '',
    project_id       TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    admin_state_up   BOOLEAN NOT NULL DEFAULT TRUE,
    status           TEXT NOT NULL DEFAULT 'ACTIVE',
    gw_network_id    TEXT,
    gw_port_id       TEXT,
    enable_snat      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX routers_project ON routers (project_id, id);

CREATE TABLE floatingips (
    id                  TEXT PRIMARY KEY,
    project_id          TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    floating_network_id TEXT NOT NULL REFERENCES networks(id),
    floating_ip_address TEXT NOT NULL,
    floating_port_id    TEXT NOT NULL REFERENCES ports(id),
    port_id             TEXT REFERENCES ports(id),
    fixed_ip_address    TEXT,
    router_id           TEXT,
    status              TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX floatingips_project ON floatingips (project_id, id);
CREATE INDEX floatingips_port ON floatingips (port_id);
CREATE UNIQUE INDEX floatingips_address ON floatingips (floating_network_id, floating_ip_address);
