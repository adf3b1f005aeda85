#!/usr/bin/env bash
# openstackclient against novalite's block storage: volumes, snapshots,
# boot from volume, attach and detach.
source "$(dirname "$0")/lib.sh"
start_novalite

demo() { openstack --os-cloud novalite-demo "$@"; }

check "catalog lists block storage" demo catalog list -f value -c Type
expect_in "volumev3" volumev3
expect_in "block-storage" block-storage
check "volume type list" demo volume type list -f value -c Name
expect_in "default type" __DEFAULT__
check "volume create" demo volume create --size 1 --property tier=gold osc-vol -f value -c name
check "volume show" demo volume show osc-vol -f value -c status -c size -c properties
expect_in "available" available
expect_in "property" gold
check "volume create --image" demo volume create --size 1 --image cirros --bootable osc-img-vol -f value -c name
check "volume list" demo volume list -f value -c Name -c Status
expect_in "listed" osc-img-vol
check "volume set" demo volume set --name osc-vol2 --description d osc-vol
check "volume snapshot create" demo volume snapshot create --volume osc-vol2 osc-snap -f value -c name
check "volume snapshot show" demo volume snapshot show osc-snap -f value -c status
expect_in "snapshot available" available
check "volume create --snapshot" demo volume create --snapshot osc-snap osc-from-snap -f value -c name
check "volume from snapshot" demo volume show osc-from-snap -f value -c snapshot_id -c size
check "volume delete (snapshot first)" demo volume snapshot delete osc-snap
check "volume delete" demo volume delete osc-from-snap

check "server create --boot-from-volume" demo server create --image cirros --flavor m1.tiny --network private \
  --boot-from-volume 1 --wait osc-bfv -f value -c status
expect_in "bfv active" ACTIVE
check "bfv server show" demo server show osc-bfv -f json
expect_in "volume-backed image" '"image": "N/A (booted from volume)"'
expect_in "root volume attached" '"volumes_attached"'
check "server add volume" demo server add volume osc-bfv osc-vol2
check "attached volume in-use" demo volume show osc-vol2 -f value -c status -c attachments
expect_in "in-use" in-use
check "server volume list" demo server volume list osc-bfv -f value -c Device
expect_in "device vdb" /dev/vdb
expect_fail "volume delete while attached" "Invalid volume: Volume status must be available.*\(HTTP 400\)" demo volume delete osc-vol2
check "server remove volume" demo server remove volume osc-bfv osc-vol2
check "detached volume available" demo volume show osc-vol2 -f value -c status
expect_in "available again" available
check "server delete --wait" demo server delete --wait osc-bfv
check "volumes after server delete" demo volume list -f value -c Name -c Status
expect_in "kept volume" osc-vol2
check "volume delete all" demo volume delete osc-vol2 osc-img-vol
check "no volumes left" demo volume list -f value -c Name
echo "osc-volumes: $PASS checks passed"
