#!/usr/bin/env bash
# openstackclient against novalite's image and network subsets.
source "$(dirname "$0")/lib.sh"
start_novalite

os() { openstack --os-cloud novalite "$@"; }
demo() { openstack --os-cloud novalite-demo "$@"; }

check "image list" demo image list -f value -c Name
expect_in "cirros listed" cirros
check "image show by name" demo image show cirros -f value -c status -c visibility
expect_in "cirros active" active
head -c 3000000 /dev/urandom >"$WORK/img.raw"
check "image create --file" demo image create --disk-format raw --container-format bare --file "$WORK/img.raw" osc-img -f value -c status
check "image show uploaded" demo image show osc-img -f value -c checksum -c size -c status
expect_in "uploaded active" active
expect_in "uploaded size" 3000000
expect_in "uploaded checksum" "$(md5sum "$WORK/img.raw" | cut -d' ' -f1)"
check "image save" demo image save --file "$WORK/img.back" osc-img
check "bytes round trip" cmp "$WORK/img.raw" "$WORK/img.back"
check "image set" demo image set --property hw_rescue_bus=usb osc-img
check "image delete" demo image delete osc-img
expect_fail "deleted image gone" "No Image found for osc-img" demo image show osc-img

check "network list" demo network list -f value -c Name
expect_in "private listed" private
expect_in "public listed" public
check "subnet list" demo subnet list -f value -c Subnet
expect_in "private subnet" 10.0.0.0/24
check "network create" demo network create osc-net -f value -c name
check "subnet create" demo subnet create --network osc-net --subnet-range 192.168.77.0/24 osc-sub -f value -c cidr
check "port create" demo port create --network osc-net --device dev-osc osc-port -f value -c fixed_ips
expect_in "port address" 192.168.77.
check "port list --network" demo port list --network osc-net -f value -c Name
expect_in "port listed" osc-port
check "security group list" demo security group list -f value -c Name
expect_in "default group" default
check "security group rule create" demo security group rule create --protocol tcp --dst-port 22 default -f value -c port_range_min
check "floating ip create" demo floating ip create public -f value -c floating_ip_address
expect_in "floating ip from public" 172.24.4.
check "port delete" demo port delete osc-port
check "subnet delete" demo subnet delete osc-sub
check "network delete" demo network delete osc-net
echo "osc-imgnet: $PASS checks passed"
