#!/usr/bin/env bash
# The openstack CLI through a server's life as an administrator sees it,
# configured only by OS_* variables (no clouds.yaml): identity and
# discovery, keypairs, flavors and images by name, create/show/set/unset,
# lock with a reason against a member of the same project, a multiple
# create with list filters and paging, hard delete, and what a user of
# another project may not see. Each JSON answer is checked field by field.
#
# DELETE is a hard delete here (reclaim_instance_interval 0, Nova's
# default): osc-servers.sh covers soft delete, restore and forceDelete.
source "$(dirname "$0")/lib.sh"
start_novalite
admin_env
unset OS_CLIENT_CONFIG_FILE
export OS_IDENTITY_API_VERSION=3 OS_INTERFACE=public

MV=2.79 # --nic none (2.37), description (2.19), lock reason and --locked (2.73)
P=smoke$RANDOM
osc() { openstack --os-compute-api-version "$MV" "$@"; }

# expect_json NAME EXPR: the Python expression EXPR, with j bound to the
# last check's JSON output (from its first line opening an array or object:
# check keeps stderr too), must be true.
expect_json() {
  if ! python3 -c '
import json, re, sys
out = sys.argv[1]
m = re.search(r"^[\[{]", out, re.M)
j = json.loads(out[m.start():] if m else out)
sys.exit(0 if eval(sys.argv[2]) else 1)' "$LAST" "$2"; then
    echo "FAIL: $1: not true of the output: $2"; echo "$LAST" | tail -n 30; exit 1
  fi
  PASS=$((PASS+1))
  echo "ok: $1"
}

# wait_status ID STATUS: polls until the server shows STATUS (GONE: not found).
wait_status() {
  local st="" deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    if st=$(osc server show "$1" -f value -c status 2>&1); then :
    elif grep -q "No server with a name or ID of '$1' exists" <<<"$st"; then st=GONE
    fi
    [ "$st" = "$2" ] && return 0
    [ "$st" = ERROR ] && break
    sleep 0.2
  done
  echo "server $1: wanted $2, last saw $st"
  return 1
}

# --- identity and discovery
check "token issue" openstack token issue -f json
expect_json "token scoped to the admin project" "j['project_id'] and j['user_id'] and j['expires']"
check "catalog list" openstack catalog list -f json
expect_json "catalog has identity, compute, image, network" "{'identity','compute','image','network'} <= {s['Type'] for s in j}"
check "versions show --service compute" openstack versions show --service compute -f json
expect_json "compute 2.1 is CURRENT with a max microversion" \
  "any(v['Version'] == '2.1' and v['Status'] == 'CURRENT' and v['Max Microversion'] for v in j)"
check "admin lists all projects' servers" osc server list --all-projects -f json
expect_json "nothing yet" "j == []"

# --- keypairs
check "keypair create (generated)" openstack keypair create "$P-kp"
expect_in "private key returned" "-----BEGIN RSA PRIVATE KEY-----"
check "keypair show" openstack keypair show "$P-kp" -f json
expect_json "fingerprint and type" "j['fingerprint'].count(':') == 15 and j['type'] == 'ssh'"
check "keypair show --public-key" openstack keypair show --public-key "$P-kp"
expect_in "an ssh public key" "ssh-"
printf '%s\n' "$LAST" >"$WORK/pub"
check "keypair create --public-key (import)" openstack keypair create --public-key "$WORK/pub" "$P-kp2" -f json
expect_json "imported with the same fingerprint" "j['name'] == '$P-kp2' and j['fingerprint']"
check "keypair list" openstack keypair list -f json
expect_json "both keypairs listed" "{'$P-kp', '$P-kp2'} <= {k['Name'] for k in j}"

# --- flavors and images by name
check "flavor list" openstack flavor list -f json
expect_json "m1.tiny listed with its size" "any(f['Name'] == 'm1.tiny' and f['RAM'] == 512 and f['Disk'] == 1 for f in j)"
check "flavor show by name" openstack flavor show m1.tiny -f json
expect_json "m1.tiny is id 1" "j['id'] == '1' and j['vcpus'] == 1"
check "image show by name (Glance v2)" openstack image show cirros -f json
expect_json "cirros is active" "j['status'] == 'active' and j['name'] == 'cirros'"
IMAGE_ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$LAST")

# --- create, show, set, unset
check "server create --nic none" osc server create --flavor m1.tiny --image cirros --nic none \
  --key-name "$P-kp" --property smoke=1 --description "smoke server" "$P-a" -f json
expect_json "create answer has an id and adminPass" "len(j['id']) == 36 and j['adminPass']"
A=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$LAST")
check "server becomes ACTIVE" wait_status "$A" ACTIVE
check "server show" osc server show "$A" -f json
expect_json "name, key, description, properties" \
  "j['name'] == '$P-a' and j['key_name'] == '$P-kp' and j['description'] == 'smoke server' and j['properties'] == {'smoke': '1'}"
expect_json "flavor embedded (2.47+), image by id" \
  "j['flavor']['original_name'] == 'm1.tiny' and j['flavor']['ram'] == 512 and '$IMAGE_ID' in j['image']"
expect_json "active, running, unlocked, no addresses" \
  "j['OS-EXT-STS:vm_state'] == 'active' and j['OS-EXT-STS:power_state'] in (1, 'Running') and j['locked'] is False and not j['addresses']"
check "server set --name --description --property" osc server set --name "$P-a2" --description renamed --property k2=v2 "$A"
check "server show after set" osc server show "$A" -f json
expect_json "renamed, described, both properties" \
  "j['name'] == '$P-a2' and j['description'] == 'renamed' and j['properties'] == {'smoke': '1', 'k2': 'v2'}"
check "server unset --property" osc server unset --property k2 "$A"
check "server show after unset" osc server show "$A" -f json
expect_json "k2 gone, smoke kept" "j['properties'] == {'smoke': '1'}"
check "server list --name (a regex)" osc server list --name "^$P-a2\$" -f json
expect_json "exactly the renamed server" "[s['ID'] for s in j] == ['$A']"

# --- stop and start
check "server stop" osc server stop "$A"
check "server becomes SHUTOFF" wait_status "$A" SHUTOFF
check "server start" osc server start "$A"
check "server ACTIVE again" wait_status "$A" ACTIVE

# --- lock, and a member of the same project
check "server lock --reason" osc server lock --reason "smoke lock" "$A"
check "server show locked" osc server show "$A" -f json
expect_json "locked with the reason" "j['locked'] is True and j['locked_reason'] == 'smoke lock'"
check "server list --locked" osc server list --locked -f value -c ID
expect_in "the locked server listed" "$A"
MEMBER_PW=m-$RANDOM$RANDOM
check "user create (member)" openstack user create --domain Default --password "$MEMBER_PW" "$P-member" -f json
check "role add member on the admin project" openstack role add --user "$P-member" --user-domain Default \
  --project admin --project-domain Default member
member() { OS_USERNAME=$P-member OS_PASSWORD=$MEMBER_PW osc "$@"; }
check "member sees the project's server" member server show "$A" -f json
expect_json "same server" "j['id'] == '$A'"
expect_fail "member may not delete the locked server" "Instance $A is locked.*\(HTTP 409\)" member server delete "$A"
expect_fail "member may not list all projects" "os_compute_api:servers:detail:get_all_tenants.*\(HTTP 403\)" \
  member server list --all-projects
check "server unlock" osc server unlock "$A"
check "server show unlocked" osc server show "$A" -f json
expect_json "unlocked, no reason" "j['locked'] is False and j['locked_reason'] is None"

# --- another project's user sees none of it
check "project create (other)" openstack project create --domain Default "$P-other" -f json
check "user create (other)" openstack user create --domain Default --password "$MEMBER_PW" "$P-stranger" -f json
check "role add member on the other project" openstack role add --user "$P-stranger" --project "$P-other" member
stranger() { OS_USERNAME=$P-stranger OS_PASSWORD=$MEMBER_PW OS_PROJECT_NAME=$P-other osc "$@"; }
expect_fail "another project's server is not found" "No server with a name or ID of '$A' exists" stranger server show "$A"
check "another project lists no servers" stranger server list -f json
expect_json "empty list" "j == []"
expect_fail "another project's keypair is not found" "No Keypair found for $P-kp" \
  env OS_USERNAME="$P-stranger" OS_PASSWORD="$MEMBER_PW" OS_PROJECT_NAME="$P-other" openstack keypair show "$P-kp"

# --- multiple create, filters, paging
check "server create --min 2 --max 3" osc server create --flavor m1.tiny --image cirros --nic none \
  --min 2 --max 3 "$P-m" -f json
check "server list --name $P-m" osc server list --name "^$P-m-[0-9]\$" -f json
expect_json "three servers named -1 to -3" "sorted(s['Name'] for s in j) == ['$P-m-1', '$P-m-2', '$P-m-3']"
mapfile -t M < <(python3 -c 'import json,sys; [print(s["ID"]) for s in json.loads(sys.argv[1])]' "$LAST")
for id in "${M[@]}"; do check "server $id becomes ACTIVE" wait_status "$id" ACTIVE; done
check "server show (reservation id)" osc server show "${M[0]}" -f json
RES=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["OS-EXT-SRV-ATTR:reservation_id"])' "$LAST")
check "server list --reservation-id" osc server list --reservation-id "$RES" -f json
expect_json "the reservation's three servers" "sorted(s['ID'] for s in j) == sorted('${M[*]}'.split())"
check "server list --name [12]" osc server list --name "^$P-m-[12]\$" -f json
expect_json "exactly -1 and -2" "sorted(s['Name'] for s in j) == ['$P-m-1', '$P-m-2']"
check "server list --status ACTIVE" osc server list --status ACTIVE --name "^$P-" -f json
expect_json "all four" "len(j) == 4"
check "server list --status SHUTOFF" osc server list --status SHUTOFF --name "^$P-" -f json
expect_json "none" "j == []"
check "server list --flavor" osc server list --flavor m1.tiny --name "^$P-" -f json
expect_json "all four by flavor" "len(j) == 4"
check "server list --image" osc server list --image cirros --name "^$P-" -f json
expect_json "all four by image" "len(j) == 4"
# --limit 2 with --marker: the pages partition the four servers.
seen=() marker=()
for page in 1 2 3; do
  check "server list --limit 2, page $page" osc server list --name "^$P-" --limit 2 "${marker[@]}" -f value -c ID
  [ -z "$LAST" ] && break
  mapfile -t ids <<<"$LAST"
  [ ${#ids[@]} -le 2 ] || { echo "FAIL: page $page has ${#ids[@]} servers"; exit 1; }
  seen+=("${ids[@]}") marker=(--marker "${ids[-1]}")
done
check "the pages partition the four servers" test "$(printf '%s\n' "${seen[@]}" | sort | tr '\n' ' ')" = \
  "$(printf '%s\n' "$A" "${M[@]}" | sort | tr '\n' ' ')"

# --- delete
check "admin locks ${M[0]}" osc server lock "${M[0]}"
check "admin deletes a locked server" osc server delete "${M[0]}"
check "locked server gone" wait_status "${M[0]}" GONE
check "server delete" osc server delete "$A"
check "deleted server gone (hard delete)" wait_status "$A" GONE
expect_fail "restore of a hard-deleted server" "No server with a name or ID of '$A' exists" osc server restore "$A"
check "server list --deleted (admin)" osc server list --deleted --name "^$P-" -f json
expect_json "both deleted servers listed" "{'$A', '${M[0]}'} <= {s['ID'] for s in j}"
check "delete the rest" osc server delete --wait "${M[1]}" "${M[2]}"
check "server list after delete" osc server list --name "^$P-" -f json
expect_json "no smoke servers left" "j == []"
check "keypair delete" openstack keypair delete "$P-kp" "$P-kp2"
check "keypair list after delete" openstack keypair list -f json
expect_json "keypairs gone" "not {'$P-kp', '$P-kp2'} & {k['Name'] for k in j}"
check "user delete" openstack user delete "$P-member" "$P-stranger"
check "project delete" openstack project delete "$P-other"
echo "osc-smoke: $PASS checks passed"
