#!/usr/bin/env bash
# Rally's Nova scenarios (Debian's rally and python3-rally-openstack,
# unmodified) against a fresh `novalite serve` with two hosts: every
# scenario of rally/nova.yaml as the existing users (demo and alt_demo,
# with the admin for the scenarios that need one), then a few in the mode
# where Rally makes its own projects and users for each. Each scenario has
# the SLA "no iteration fails"; a failed SLA fails the script.
source "$(dirname "$0")/lib.sh"
start_novalite --hosts 2

R=$WORK/rally
mkdir -p "$R"
printf '[database]\nconnection = sqlite:///%s/rally.sqlite\n' "$R" >"$R/rally.conf"
rally() { command rally --config-file "$R/rally.conf" "$@"; }
rally db create >/dev/null

# The environment: the admin and the existing users, from clouds.yaml.
/usr/bin/python3 - "$OS_CLIENT_CONFIG_FILE" >"$R/env.yaml" <<'PY'
import sys, yaml
clouds = yaml.safe_load(open(sys.argv[1]))["clouds"]
def user(name):
    a = clouds[name]["auth"]
    return {"username": a["username"], "password": a["password"], "project_name": a["project_name"],
            "user_domain_name": "Default", "project_domain_name": "Default"}
print(yaml.safe_dump({"openstack": {
    "auth_url": clouds["novalite"]["auth"]["auth_url"], "region_name": "RegionOne", "endpoint_type": "public",
    "admin": user("novalite"), "users": [user("devstack"), user("devstack-alt")]}}))
PY
rally env create --name novalite --spec "$R/env.yaml" >"$R/env.log" 2>&1 # its table shows the passwords
check "rally env check" rally env check

# run_task NAME ARGS: the task with these --task-args; its SLA must pass.
run_task() {
  local name=$1 args=$2 uuid
  rally task start "$ROOT/test/clients/rally/nova.yaml" --task-args "$args" >"$R/$name.log" 2>&1 || true
  uuid=$(grep -oE 'Using task: [0-9a-f-]{36}' "$R/$name.log" | head -1 | cut -d' ' -f3)
  if [ -z "$uuid" ]; then
    echo "FAIL: $name: the task did not start"; tail -n 30 "$R/$name.log"; exit 1
  fi
  if ! rally task sla-check --uuid "$uuid" >"$R/$name.sla" 2>&1; then
    echo "FAIL: $name: SLA"; grep -v PASS "$R/$name.sla"
    grep -E 'END: Error' "$R/$name.log" | sed -E 's/.*\| //' | sort | uniq -c | head -20
    exit 1
  fi
  PASS=$((PASS+1))
  echo "ok: $name: $(grep -c PASS "$R/$name.sla") scenarios, no iteration failed"
}

# RALLY_ONLY='["NovaServers.boot_server", …]' runs those scenarios alone, as existing users.
run_task "existing users" '{"create_users": false, "admin": true, "times": 2, "only": '"${RALLY_ONLY:-[]}"'}'
[ -n "${RALLY_ONLY:-}" ] && { echo "rally: $PASS checks passed"; exit 0; }
run_task "Rally's own users" '{"create_users": true, "admin": false, "times": 2,
  "only": ["NovaServers.boot_and_delete_server", "NovaServers.boot_and_bounce_server", "NovaKeypair.create_and_delete_keypair",
           "NovaServerGroups.create_and_list_server_groups", "NovaServers.boot_server_and_attach_interface"]}'
echo "rally: $PASS checks passed"
