#!/usr/bin/env bash
# openstackclient against novalite: the servers API end to end, by names
# (image, flavor and network looked up through Glance, Nova and Neutron).
source "$(dirname "$0")/lib.sh"
start_novalite --reclaim-instance-interval 1h

os() { openstack --os-cloud novalite-demo --os-compute-api-version 2.79 "$@"; }

check "server create --wait" os server create --image cirros --flavor m1.tiny --network private \
  --property role=web --wait vm1 -f value -c status
expect_in "server is ACTIVE" ACTIVE
check "server show" os server show vm1 -f value -c addresses -c flavor -c image
expect_in "address on private" "'private': ['10.0.0."
expect_in "image by name" cirros
check "port list --server" openstack --os-cloud novalite-demo port list --server vm1 -f value -c 'Fixed IP Addresses'
expect_in "the server's port" "10.0.0."
check "server create --nic none --min 2 --max 2" os server create --image cirros --flavor m1.nano \
  --nic none --min 2 --max 2 --wait multi -f value -c status
check "server list" os server list -f value -c Name
expect_in "multi-1 listed" multi-1
expect_in "multi-2 listed" multi-2
check "server list --name" os server list --name '^vm' -f value -c Name
expect_in "name filter" vm1
check "server list --status --flavor --image" os server list --status ACTIVE --flavor m1.tiny --image cirros -f value -c Name
expect_in "combined filters" vm1
check "server list --limit 1 (paged)" os server list --limit 1 -f value -c Name
check "server list --long" os server list --long -f value -c 'Availability Zone'
expect_in "zone nova" nova
check "server set name/property/description" os server set --name vm1b --property tier=gold vm1
check "server set --description" openstack --os-cloud novalite-demo --os-compute-api-version 2.19 server set --description web-server vm1b
check "server show after set" os server show vm1b -f value -c properties
expect_in "property set" gold
check "server unset --property" os server unset --property tier vm1b
check "server lock" os server lock vm1b
expect_fail "delete of a locked server as its owner" "is locked.*\(HTTP 409\)" os server delete vm1b
check "server unlock" os server unlock vm1b
check "server event list" os server event list vm1b -f value -c Action
expect_in "create event" create
VM=$(os server show vm1b -f value -c id)
check "server delete (soft, reclaim on)" os server delete vm1b
check "server show SOFT_DELETED" openstack --os-cloud novalite --os-compute-api-version 2.79 server list --all-projects --deleted --name vm1b -f value -c Status
expect_in "soft deleted" SOFT_DELETED
# By id: as on Nova, name look-ups do not see SOFT_DELETED servers.
check "server restore" os server restore "$VM"
for _ in $(seq 50); do
  st=$(os server show vm1b -f value -c status 2>/dev/null || true)
  [ "$st" = ACTIVE ] && break
  sleep 0.1
done
check "restored server is ACTIVE" os server show vm1b -f value -c status
expect_in "ACTIVE again" ACTIVE
check "server delete --force (forceDelete: no soft delete)" os server delete --force --wait multi-1 multi-2
check "limits show" os limits show --absolute -f value -c Name -c Value
expect_in "instances used" totalInstancesUsed
echo "osc-servers: $PASS checks passed"
