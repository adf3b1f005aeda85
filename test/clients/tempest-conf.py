#!/usr/bin/python3
"""Writes a tempest.conf (and accounts.yaml) for the cloud the OS_* variables name.

Everything cloud-specific is asked of the running endpoint: the catalog
(which services exist, the region), the compute version document (the
microversion range), the hypervisors (how many compute nodes), Glance's
images and Nova's flavors (ids of image_ref/flavor_ref and their alternates),
Neutron's networks, Cinder's version document and extensions ([volume],
[volume-feature-enabled]). The compute feature flags come from a profile:

  reference  the features of the Nova install Tempest's results are compared
             with (one host, fake driver, no Neutron in Tempest's view; Cinder
             on unless TEMPEST_CINDER=0, with swap_volume), so that pass/fail
             sets compare test for test
  extended   what novalite does beyond it: migrations when there are two or
             more hypervisors, stable rescue, password changes, the
             SameHost/DifferentHost filters

Usage: tempest-conf.py --workspace DIR [--profile reference|extended]
       [--dynamic-creds true|false] [--clouds clouds.yaml]
Writes DIR/etc/tempest.conf and DIR/etc/accounts.yaml; prints a summary.
Standard library only: it runs on Debian's python3 beside Tempest.
"""
import argparse
import json
import os
import re
import sys
import urllib.request


def call(method, url, token=None, body=None, headers=None):
    req = urllib.request.Request(url, method=method)
    req.add_header("Accept", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, data, timeout=30) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        # Version documents answer 300 Multiple Choices.
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


def login(auth_url, user, password, project, domain):
    status, headers, body = call("POST", auth_url.rstrip("/") + "/auth/tokens", body={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password, "domain": {"name": domain}}}},
        "scope": {"project": {"name": project, "domain": {"name": domain}}}}})
    if status != 201:
        sys.exit("tempest-conf: login as %s failed: %s %s" % (user, status, body))
    return headers["X-Subject-Token"], body["token"]


def endpoint(catalog, kind, region):
    for svc in catalog:
        if svc["type"] == kind:
            for ep in svc["endpoints"]:
                if ep["interface"] == "public" and ep.get("region_id", ep.get("region")) == region:
                    return ep["url"]
    return None


def clouds_users(path):
    """user name -> (password, project) from a novalite clouds.yaml (flat, no YAML library)."""
    users = {}
    if not path or not os.path.exists(path):
        return users
    cur = {}
    for line in open(path):
        m = re.match(r"\s+(username|password|project_name): \"?([^\"\n]*)\"?$", line)
        if m:
            cur[m.group(1)] = m.group(2)
        if {"username", "password", "project_name"} <= cur.keys():
            users[cur["username"]] = (cur["password"], cur["project_name"])
            cur = {}
    return users


PROFILES = {
    # The reference Nova install: one host, fake driver.
    "reference": {
        "resize": True, "cold_migration": False, "live_migration": False,
        "block_migration_for_live_migration": False, "pause": True, "suspend": True,
        "shelve": True, "shelve_migrate": False, "rescue": True, "stable_rescue": False,
        "console_output": True, "change_password": False, "vnc_console": True,
        "spice_console": False, "serial_console": False, "rdp_console": False,
        "personality": False, "config_drive": True, "metadata_service": False,
        "disk_config": True, "xenapi_apis": False, "unified_limits": False,
        "interface_attach": False, "attach_encrypted_volume": False,
        # The swap API is served as Nova serves it since bug 2112187: only
        # Cinder may call it, for a migrating volume, so Tempest 33's swap
        # test gets 409 (tempest-known-failures.txt).
        "swap_volume": True,
        # Off: novalite's Nova lacks multiattach's rules (2.60, the
        # shelved and boot-from-volume checks), and the QEMU driver plugs
        # a volume without share-rw, so QEMU's image locking would refuse
        # a second guest the same file.
        "volume_multiattach": False, "volume_backed_live_migration": False,
    },
}
PROFILES["extended"] = dict(PROFILES["reference"], stable_rescue=True, change_password=True)
MIGRATIONS = ("cold_migration", "live_migration", "block_migration_for_live_migration")
EXTENDED_FILTERS = ("AvailabilityZoneFilter,ComputeFilter,ComputeCapabilitiesFilter,"
                    "ImagePropertiesFilter,ServerGroupAntiAffinityFilter,"
                    "ServerGroupAffinityFilter,SameHostFilter,DifferentHostFilter")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="reference")
    ap.add_argument("--dynamic-creds", choices=("true", "false"), default="true")
    ap.add_argument("--clouds", default=os.environ.get("OS_CLIENT_CONFIG_FILE", ""),
                    help="clouds.yaml with the demo and alt_demo users (for accounts.yaml)")
    ap.add_argument("--build-timeout", type=int, default=196)
    ap.add_argument("--flavor", default="m1.tiny", help="name of flavor_ref")
    ap.add_argument("--flavor-alt", default="m1.small", help="name of flavor_ref_alt (larger: resizes)")
    ap.add_argument("--image", default="cirros", help="name of image_ref")
    ap.add_argument("--image-alt", default="cirros-alt", help="name of image_ref_alt")
    a = ap.parse_args()

    env = os.environ
    for v in ("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME"):
        if not env.get(v):
            sys.exit("tempest-conf: %s is required" % v)
    auth_url = env["OS_AUTH_URL"].rstrip("/")
    if not auth_url.endswith("/v3"):
        auth_url += "/v3"
    domain = env.get("OS_USER_DOMAIN_NAME", "Default")
    region = env.get("OS_REGION_NAME", "RegionOne")
    token, tok = login(auth_url, env["OS_USERNAME"], env["OS_PASSWORD"], env["OS_PROJECT_NAME"], domain)
    if "admin" not in {r["name"] for r in tok["roles"]}:
        sys.exit("tempest-conf: %s is not an admin" % env["OS_USERNAME"])
    catalog = tok["catalog"]
    types = {s["type"] for s in catalog}

    compute = endpoint(catalog, "compute", region)
    if not compute:
        sys.exit("tempest-conf: no public compute endpoint in region %s" % region)
    _, _, ver = call("GET", compute, token)
    min_mv, max_mv = ver["version"]["min_version"], ver["version"]["version"]
    _, _, hyp = call("GET", compute + "/os-hypervisors", token)
    nodes = len(hyp["hypervisors"])
    _, _, fl = call("GET", compute + "/flavors/detail", token)
    flavor_ids = {f["name"]: f["id"] for f in fl["flavors"]}
    flavor_ref, flavor_alt = flavor_ids.get(a.flavor), flavor_ids.get(a.flavor_alt)
    if not flavor_ref or not flavor_alt:
        sys.exit("tempest-conf: no flavors %r and %r" % (a.flavor, a.flavor_alt))

    image_ref = image_alt = None
    glance = endpoint(catalog, "image", region)
    if glance:
        _, _, im = call("GET", glance.rstrip("/") + "/v2/images?limit=1000", token)
        by_name = {i["name"]: i["id"] for i in im["images"] if i["status"] == "active"}
        image_ref = by_name.get(a.image)
        image_alt = by_name.get(a.image_alt, image_ref)
    if not image_ref:
        sys.exit("tempest-conf: no active image %r" % a.image)

    network = endpoint(catalog, "network", region)
    networks = []
    if network:
        _, _, nets = call("GET", network.rstrip("/") + "/v2.0/networks", token)
        networks = [n["name"] for n in nets["networks"]]

    features = dict(PROFILES[a.profile])
    extra_features = ""
    if a.profile == "extended":
        for k in MIGRATIONS:
            features[k] = nodes >= 2
        extra_features = "scheduler_enabled_filters = %s\n" % EXTENDED_FILTERS
    # Snapshots (createImage, createBackup) land in Glance.
    features["snapshot"] = bool(glance)
    min_nodes = nodes if a.profile == "extended" else 1

    ws = os.path.abspath(a.workspace)
    etc = os.path.join(ws, "etc")
    os.makedirs(etc, exist_ok=True)
    lines = []

    def section(name, **opts):
        lines.append("[%s]" % name)
        for k, v in opts.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            lines.append("%s = %s" % (k, v))
        lines.append("")

    section("DEFAULT", log_file="tempest.log", use_stderr=False)
    section("oslo_concurrency", lock_path=os.path.join(ws, "lock"))
    # Neutron is left out of Tempest's view in both profiles: the results are
    # compared with a Nova install Tempest saw without it, and with it Tempest
    # would make networks and routers per test class.
    section("auth", use_dynamic_credentials=a.dynamic_creds,
            test_accounts_file=os.path.join(etc, "accounts.yaml"),
            create_isolated_networks=False, default_credentials_domain_name=domain,
            admin_username=env["OS_USERNAME"], admin_password=env["OS_PASSWORD"],
            admin_project_name=env["OS_PROJECT_NAME"], admin_domain_name=domain)
    section("identity", uri_v3=auth_url, auth_version="v3", region=region,
            v3_endpoint_type="public", admin_role="admin", default_domain_id="default")
    section("identity-feature-enabled", api_v2=False, api_v2_admin=False, api_v3=True)
    section("compute", image_ref=image_ref, image_ref_alt=image_alt, flavor_ref=flavor_ref,
            flavor_ref_alt=flavor_alt, region=region, endpoint_type="publicURL",
            catalog_type="compute", min_microversion=min_mv, max_microversion=max_mv,
            min_compute_nodes=min_nodes, build_interval=1, build_timeout=a.build_timeout)
    section("compute-feature-enabled", **features)
    if extra_features:
        lines.insert(lines.index("[compute-feature-enabled]") + 1, extra_features.rstrip())
    section("validation", run_validation=False)
    section("service_available", nova=True, glance=bool(glance), neutron=False,
            # The block storage subset is on (TEMPEST_CINDER=0 turns it
            # off): the compute volume, boot-from-volume, attach, rescue and
            # volume-backed resize tests run against novalite's Cinder.
            cinder=os.environ.get("TEMPEST_CINDER", "1") != "0" and ("volumev3" in types or "block-storage" in types),
            swift="object-store" in types, horizon=False)
    volume = endpoint(catalog, "volumev3", region)
    if volume:
        # The version document (300 Multiple Choices at the root) gives the
        # microversion range, as the compute one does.
        _, _, vv = call("GET", volume.rstrip("/").rsplit("/v3", 1)[0] + "/", token)
        vmin, vmax = "3.0", "3.0"
        for v in (vv or {}).get("versions", []):
            if v["id"].startswith("v3"):
                vmin, vmax = v["min_version"], v["version"]
        # The extensions the subset lists; Tempest's "all" would mean every
        # extension of Cinder (it checks for os-hosts, which is not served).
        _, _, ext = call("GET", volume.rstrip("/") + "/extensions", token)
        aliases = ",".join(e["alias"] for e in (ext or {}).get("extensions", []))
        section("volume", catalog_type="volumev3", region=region, endpoint_type="publicURL",
                min_microversion=vmin, max_microversion=vmax, build_interval=1,
                build_timeout=a.build_timeout, volume_size=1)
        # What the subset serves (internal/api/volume/README.md): snapshots
        # and clones yes; backups, multiple backends and manage/unmanage
        # no, so Tempest skips their tests with that reason. Extending an
        # attached volume (3.42) sends Nova volume-extended, which records
        # the extend_volume action its test looks for; encrypted volumes
        # are not served.
        section("volume-feature-enabled", backup=False, snapshot=True, clone=True,
                multi_backend=False, manage_snapshot=False, manage_volume=False,
                extend_attached_volume=True, extend_attached_encrypted_volume=False,
                api_extensions=aliases or "all")
    section("image", region=region, endpoint_type="publicURL")
    section("image-feature-enabled", api_v2=True, api_v1=False)
    section("network", region=region)
    section("enforce_scope", nova=False, keystone=False)
    with open(os.path.join(etc, "tempest.conf"), "w") as f:
        f.write("# Written by test/clients/tempest-conf.py from %s (profile %s).\n" % (auth_url, a.profile))
        f.write("\n".join(lines))

    # Pre-provisioned credentials (--dynamic-creds false): the bootstrap's
    # demo and alt_demo are the primary and alt users, in two projects.
    users = clouds_users(a.clouds)
    accounts = []
    for name in ("demo", "alt_demo"):
        if name in users:
            pw, project = users[name]
            accounts.append((name, pw, project, []))
    accounts.append((env["OS_USERNAME"], env["OS_PASSWORD"], env["OS_PROJECT_NAME"], ["admin"]))
    if a.dynamic_creds == "false" and len(accounts) < 3:
        sys.exit("tempest-conf: pre-provisioned credentials need demo and alt_demo in %s" % a.clouds)
    with open(os.path.join(etc, "accounts.yaml"), "w") as f:
        for user, pw, project, roles in accounts:
            f.write("- username: %s\n  password: %s\n  project_name: %s\n  domain_name: %s\n"
                    % (json.dumps(user), json.dumps(pw), json.dumps(project), json.dumps(domain)))
            if roles:
                f.write("  roles: %s\n" % json.dumps(roles))
    print("tempest-conf: compute %s-%s, %d compute node(s), flavors %s/%s, images %s/%s, "
          "services %s, networks %s, profile %s, dynamic credentials %s"
          % (min_mv, max_mv, nodes, flavor_ref, flavor_alt, image_ref, image_alt,
             ",".join(sorted(types)), ",".join(networks) or "-", a.profile, a.dynamic_creds))


if __name__ == "__main__":
    main()
