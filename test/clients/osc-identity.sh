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
expect_fail "duplicate project" os project create osc-proj
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
check "user delete" os user delete osc-user
check "project delete" os project delete osc-proj
echo "osc-identity: $PASS checks passed"
