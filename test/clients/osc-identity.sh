#!/usr/bin/env bash
# openstackclient against novalite: tokens, catalog, projects, users, roles,
# and discovery of the compute endpoint.
source "$(dirname "$0")/lib.sh"
start_novalite

os() { openstack --os-cloud novalite "$@"; }

check "token issue" os token issue -f value -c project_id -c user_id
check "catalog list" os catalog list -f value -c Type
expect_in "catalog has compute" compute
expect_in "catalog has identity" identity
expect_in "catalog has image" image
expect_in "catalog has network" network
check "project create" os project create osc-proj -f value -c name
expect_in "project created" osc-proj
check "project list" os project list -f value -c Name
expect_in "project listed" osc-proj
expect_fail "duplicate project" "Conflict.*\(HTTP 409\)" os project create osc-proj
check "user create" os user create --password s3cret osc-user -f value -c name
expect_in "user created" osc-user
check "role add" os role add --project osc-proj --user osc-user member
check "role assignment list" os role assignment list --project osc-proj --user osc-user --names -f value -c Role
expect_in "member assigned" member
check "new user's token" openstack --os-auth-url "$NOVALITE_URL/identity/v3" --os-username osc-user \
  --os-password s3cret --os-project-name osc-proj --os-user-domain-name Default \
  --os-project-domain-name Default --os-identity-api-version 3 token issue -f value -c project_id
check "versions show" os versions show --service compute -f value -c Version -c Status
expect_in "compute 2.1 current" "2.1 CURRENT"
check "project show by name" os project show osc-proj -f value -c name
expect_in "project shown" osc-proj
check "project set" os project set --description "set by osc" osc-proj
check "project show after set" os project show osc-proj -f value -c description
expect_in "description set" "set by osc"
check "user show by name" os user show osc-user -f value -c name
expect_in "user shown" osc-user
check "user list --project" os user list --project osc-proj -f value -c Name
expect_in "member listed" osc-user
check "role list" os role list -f value -c Name
expect_in "reader role" reader
check "role create" os role create osc-role -f value -c name
check "role delete" os role delete osc-role
check "domain show" os domain show default -f value -c name
expect_in "default domain" Default
check "service list" os service list -f value -c Type
expect_in "compute service" compute
check "endpoint list" os endpoint list -f value -c URL
expect_in "compute endpoint" "$NOVALITE_URL/compute/v2.1"
check "my projects" openstack --os-cloud novalite-demo project list --my-projects -f value -c Name
expect_in "demo's project" demo
check "member shows its project" openstack --os-cloud novalite-demo project show demo -f value -c name
expect_in "demo shown" demo
expect_fail "member may not list users" "identity:list_users.*\(HTTP 403\)" openstack --os-cloud novalite-demo user list
check "token to revoke" openstack --os-cloud novalite-demo token issue -f value -c id
TOKEN=$LAST
check "token revoke" os token revoke "$TOKEN"
check "revoked token refused" curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $TOKEN" "$NOVALITE_URL/compute/v2.1/servers"
expect_in "401 after revoke" 401
check "role remove" os role remove --project osc-proj --user osc-user member
check "no projects left for the user" os project list --user osc-user -f value -c Name
if grep -q osc-proj <<<"$LAST"; then echo "FAIL: role remove: project still listed"; exit 1; fi
check "user delete" os user delete osc-user
check "project delete" os project delete osc-proj
expect_fail "deleted project" "No project with a name or ID of .osc-proj. exists" os project show osc-proj
echo "osc-identity: $PASS checks passed"
