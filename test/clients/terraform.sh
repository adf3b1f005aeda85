#!/usr/bin/env bash
# OpenTofu with terraform-provider-openstack v3, both built from the Go
# module proxy (scripts/install-terraform.sh, into .tools/bin), against a
# fresh `novalite serve`: a small configuration (keypair, network and
# subnet, security group and rule, a server on that network with that
# keypair and group, a Cinder volume attached to it) is applied, planned
# again (which must show no change), and destroyed; the API must then have
# none of it left. Once as a member (cloud `devstack`, user demo) and once
# as an administrator (`devstack-admin`); the provider reads the cloud from
# OS_CLOUD and clouds.yaml, as a user's would.
#
# The provider comes from a filesystem mirror (the CLI configuration's
# provider_installation), so `tofu init` installs it as from a registry,
# with no network.
source "$(dirname "$0")/lib.sh"
TOOLS=${TOOLS_DIR:-$ROOT/.tools}/bin
PROVIDER_VERSION=${PROVIDER_VERSION:-v3.4.0}
for b in tofu terraform-provider-openstack; do
  [ -x "$TOOLS/$b" ] || { echo "FAIL: $TOOLS/$b missing: run scripts/install-terraform.sh"; exit 1; }
done
tofu() { "$TOOLS/tofu" "$@"; }

start_novalite
v=${PROVIDER_VERSION#v}
plat=$(go env GOOS)_$(go env GOARCH)
mirror=$WORK/mirror/registry.opentofu.org/terraform-provider-openstack/openstack/$v/$plat
mkdir -p "$mirror"
cp "$TOOLS/terraform-provider-openstack" "$mirror/terraform-provider-openstack_v$v"
cat >"$WORK/tofurc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$WORK/mirror"
    include = ["registry.opentofu.org/terraform-provider-openstack/openstack"]
  }
}
EOF
export TF_CLI_CONFIG_FILE=$WORK/tofurc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
ssh-keygen -q -t ed25519 -N '' -C novalite-tf -f "$WORK/id_ed25519"

# run_config CLOUD PREFIX: apply, plan (no change), destroy, then the API
# must show none of the resources.
run_config() {
  local cloud=$1 prefix=$2 dir=$WORK/tf-$1
  mkdir -p "$dir"
  cat >"$dir/main.tf" <<EOF
terraform {
  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "$v"
    }
  }
}

provider "openstack" {}

data "openstack_images_image_v2" "cirros" {
  name        = "cirros"
  most_recent = true
}

data "openstack_compute_flavor_v2" "tiny" {
  name = "m1.tiny"
}

resource "openstack_compute_keypair_v2" "kp" {
  name       = "$prefix-kp"
  public_key = "$(cat "$WORK/id_ed25519.pub")"
}

resource "openstack_networking_network_v2" "net" {
  name           = "$prefix-net"
  admin_state_up = true
}

resource "openstack_networking_subnet_v2" "subnet" {
  name            = "$prefix-subnet"
  network_id      = openstack_networking_network_v2.net.id
  cidr            = "192.168.77.0/24"
  ip_version      = 4
  dns_nameservers = ["192.0.2.53"]
}

resource "openstack_networking_secgroup_v2" "sg" {
  name        = "$prefix-sg"
  description = "ssh in"
}

resource "openstack_networking_secgroup_rule_v2" "ssh" {
  security_group_id = openstack_networking_secgroup_v2.sg.id
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  port_range_min    = 22
  port_range_max    = 22
  remote_ip_prefix  = "0.0.0.0/0"
}

resource "openstack_compute_instance_v2" "vm" {
  name            = "$prefix-vm"
  image_id        = data.openstack_images_image_v2.cirros.id
  flavor_id       = data.openstack_compute_flavor_v2.tiny.id
  key_pair        = openstack_compute_keypair_v2.kp.name
  security_groups = [openstack_networking_secgroup_v2.sg.name]
  metadata = {
    role = "tf-test"
  }
  network {
    uuid = openstack_networking_network_v2.net.id
  }
  depends_on = [openstack_networking_subnet_v2.subnet]
}

resource "openstack_blockstorage_volume_v3" "vol" {
  name = "$prefix-vol"
  size = 1
}

resource "openstack_compute_volume_attach_v2" "att" {
  instance_id = openstack_compute_instance_v2.vm.id
  volume_id   = openstack_blockstorage_volume_v3.vol.id
}

output "server_id" { value = openstack_compute_instance_v2.vm.id }
output "server_ip" { value = openstack_compute_instance_v2.vm.access_ip_v4 }
output "network_id" { value = openstack_networking_network_v2.net.id }
output "volume_id" { value = openstack_blockstorage_volume_v3.vol.id }
output "device" { value = openstack_compute_volume_attach_v2.att.device }
EOF
  export OS_CLOUD=$cloud
  local t0=$SECONDS
  check "$cloud: tofu init (provider from the filesystem mirror)" tofu -chdir="$dir" init -input=false -no-color
  expect_in "$cloud: init installed provider $v" "Installed terraform-provider-openstack/openstack v$v"
  check "$cloud: tofu apply" tofu -chdir="$dir" apply -auto-approve -input=false -no-color
  expect_in "$cloud: apply created 8 resources" "Apply complete! Resources: 8 added, 0 changed, 0 destroyed."
  local server net vol ip
  server=$(tofu -chdir="$dir" output -raw server_id)
  net=$(tofu -chdir="$dir" output -raw network_id)
  vol=$(tofu -chdir="$dir" output -raw volume_id)
  ip=$(tofu -chdir="$dir" output -raw server_ip)
  check "$cloud: the server is ACTIVE with the keypair" openstack --os-cloud "$cloud" server show "$server" -f json
  expect_in "$cloud: server ACTIVE" '"status": "ACTIVE"'
  expect_in "$cloud: server's keypair" "\"key_name\": \"$prefix-kp\""
  expect_in "$cloud: server's address in the subnet" "192.168.77."
  [[ $ip == 192.168.77.* ]] || { echo "FAIL: $cloud: access_ip_v4 '$ip' is not in 192.168.77.0/24"; exit 1; }
  check "$cloud: the volume is attached to the server" openstack --os-cloud "$cloud" volume show "$vol" -f json
  expect_in "$cloud: volume in-use" '"status": "in-use"'
  expect_in "$cloud: volume attached to the server" "$server"
  local ports
  ports=$(openstack --os-cloud "$cloud" port list --server "$server" -f value -c ID)
  [ -n "$ports" ] || { echo "FAIL: $cloud: the server has no port"; exit 1; }

  # A second plan against what apply made: no change at all (exit 0; 2
  # would mean the provider read back something else than it wrote).
  local rc=0
  LAST=$(tofu -chdir="$dir" plan -detailed-exitcode -input=false -no-color 2>&1) || rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL: $cloud: tofu plan after apply exited $rc (0 = no changes)"; echo "$LAST" | tail -n 60; exit 1
  fi
  PASS=$((PASS+1)); echo "ok: $cloud: tofu plan after apply: no changes"
  expect_in "$cloud: plan says so" "No changes."

  check "$cloud: tofu destroy" tofu -chdir="$dir" destroy -auto-approve -input=false -no-color
  expect_in "$cloud: destroy removed 8 resources" "Destroy complete! Resources: 8 destroyed."

  # Nothing left, as the API sees it.
  expect_fail "$cloud: server gone" "No server with a name or ID of '$server' exists" openstack --os-cloud "$cloud" server show "$server"
  expect_fail "$cloud: volume gone" "No volume with a name or ID of '$vol' exists" openstack --os-cloud "$cloud" volume show "$vol"
  expect_fail "$cloud: network gone" "No Network found for $net" openstack --os-cloud "$cloud" network show "$net"
  local p
  for p in $ports; do
    expect_fail "$cloud: port $p gone" "No Port found for $p" openstack --os-cloud "$cloud" port show "$p"
  done
  check "$cloud: keypair list" openstack --os-cloud "$cloud" keypair list -f value -c Name
  expect_not_in "$cloud: keypair gone" "$prefix-kp"
  check "$cloud: security group list" openstack --os-cloud "$cloud" security group list -f value -c Name
  expect_not_in "$cloud: security group gone" "$prefix-sg"
  check "$cloud: subnet list" openstack --os-cloud "$cloud" subnet list -f value -c Name
  expect_not_in "$cloud: subnet gone" "$prefix-subnet"
  echo "$cloud: apply/plan/destroy in $((SECONDS - t0)) s"
}

run_config devstack tfdemo
run_config devstack-admin tfadmin
echo "terraform: $PASS checks passed"
