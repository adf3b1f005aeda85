#!/usr/bin/env bash
# openstackclient against novalite's flavors, keypairs, limits, quotas and
# server groups.
source "$(dirname "$0")/lib.sh"
start_novalite

os() { openstack --os-cloud novalite "$@"; }
demo() { openstack --os-cloud novalite-demo "$@"; }

check "flavor list" demo flavor list -f value -c ID -c Name
expect_in "m1.nano listed" "42 m1.nano"
expect_in "m1.xlarge listed" "5 m1.xlarge"
check "flavor show by name" demo flavor show m1.micro -f value -c ram -c vcpus -c disk
expect_in "m1.micro ram" 192
check "flavor create private" os flavor create --id p1 --ram 256 --disk 1 --vcpus 1 --private --property hw:cpu_policy=shared osc-private -f value -c name
expect_fail "private flavor hidden" "No Flavor found for p1" demo flavor show p1
check "flavor access" os flavor set --project demo osc-private
check "private flavor shared" demo flavor show p1 -f value -c properties
expect_in "extra specs shown" hw:cpu_policy
check "flavor delete" os flavor delete p1
expect_fail "deleted flavor gone" "No Flavor found for p1" os flavor show p1

check "keypair create" demo keypair create osc-key
expect_in "private key printed" "PRIVATE KEY"
check "keypair show" demo keypair show osc-key -f value -c fingerprint -c type
expect_in "ssh type" ssh
ssh-keygen -q -t ed25519 -N "" -f "$WORK/id_test"
check "keypair import" demo keypair create --public-key "$WORK/id_test.pub" osc-imported -f value -c fingerprint
expect_in "md5 fingerprint" "$(ssh-keygen -l -E md5 -f "$WORK/id_test.pub" | awk '{print $2}' | sed 's/^MD5://')"
check "keypair list" demo keypair list -f value -c Name
expect_in "imported listed" osc-imported
check "keypair delete" demo keypair delete osc-imported

check "limits" demo limits show --absolute -f value
expect_in "maxTotalInstances" maxTotalInstances
check "quota set" os quota set --instances 7 --key-pairs 3 demo
check "quota show" os quota show demo -f value
expect_in "instances 7" 7

check "server group create" demo server group create --policy anti-affinity osc-group -f value -c name
check "server group list" demo server group list -f value -c Name
expect_in "group listed" osc-group
check "server group delete" demo server group delete osc-group
echo "osc-compute-resources: $PASS checks passed"
