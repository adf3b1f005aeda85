#!/usr/bin/env bash
# openstackclient against the server sub-resources: metadata (properties),
# tags, instance actions (events), addresses and security groups.
source "$(dirname "$0")/lib.sh"
start_novalite

demo() { openstack --os-cloud novalite-demo "$@"; }
os() { openstack --os-cloud novalite "$@"; }

# The server is created through the API itself: the flavors API is not
# part of this subset (openstack server create resolves flavor names).
TOKEN=$(demo token issue -f value -c id)
IMAGE=$(demo image show cirros -f value -c id)
NET=$(demo network show private -f value -c id)
ID=$(curl -fsS -X POST "$NOVALITE_URL/compute/v2.1/servers" -H "X-Auth-Token: $TOKEN" \
  -H "Content-Type: application/json" -H "OpenStack-API-Version: compute 2.26" \
  -d "{\"server\": {\"name\": \"sub-vm\", \"flavorRef\": \"1\", \"imageRef\": \"$IMAGE\",
       \"networks\": [{\"uuid\": \"$NET\"}]}}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["server"]["id"])')
for _ in $(seq 100); do
  [ "$(demo server show "$ID" -f value -c status 2>/dev/null)" = ACTIVE ] && break
  sleep 0.1
done
check "server active" demo server show "$ID" -f value -c status
expect_in "ACTIVE" ACTIVE
check "set properties" demo server set --property color=blue --property size=big sub-vm
check "show properties" demo server show sub-vm -f json -c properties
expect_in "color set" '"color": "blue"'
check "unset property" demo server unset --property size sub-vm
check "show after unset" demo server show sub-vm -f json -c properties
expect_not_in "size gone" '"size"'
check "set tags" demo --os-compute-api-version 2.26 server set --tag web --tag db sub-vm
check "show tags" demo --os-compute-api-version 2.26 server show sub-vm -f value -c tags
expect_in "tag web" web
expect_in "tag db" db
check "unset tag" demo --os-compute-api-version 2.26 server unset --tag web sub-vm
check "show tags after remove" demo --os-compute-api-version 2.26 server show sub-vm -f value -c tags
expect_not_in "web removed" web
check "lock" demo server lock sub-vm
expect_fail "locked: property refused" "is locked.*\(HTTP 409\)" demo server set --property x=y sub-vm
check "unlock" demo server unlock sub-vm
check "event list" demo server event list sub-vm -f value -c Action -c "Request ID"
expect_in "create recorded" create
expect_in "lock recorded" lock
REQ=$(awk '$2 == "lock" {print $1}' <<<"$LAST" | head -n 1)
check "event show" demo --os-compute-api-version 2.51 server event show sub-vm "$REQ" -f json
expect_in "api_lock event" api_lock
check "event list paged" demo --os-compute-api-version 2.58 server event list --limit 1 sub-vm -f value -c Action
check "admin diagnostics" os server show --diagnostics "$ID" -f json
expect_in "memory" memory
check "admin diagnostics 2.48" os --os-compute-api-version 2.48 server show --diagnostics "$ID" -f json
expect_in "running" running
expect_fail "member diagnostics" "os-server-diagnostics.*\(HTTP 403\)" demo server show --diagnostics "$ID"
check "server security groups" demo server show sub-vm -f json -c security_groups
expect_in "default group" default
check "addresses" demo server show sub-vm -f value -c addresses
expect_in "private address" private
echo "osc-subres: $PASS checks passed"
