#!/usr/bin/env bash
# terraform-provider-openstack's own acceptance tests, unmodified, against
# a fresh `novalite serve`, once as the member `demo` and once as `admin`
# (the tests choose by OS_USERNAME: some run only as admin, many only as
# demo). The module is fetched from the Go module proxy and copied to a
# temporary directory, where `go test` runs them; the plugin testing
# harness drives OpenTofu (.tools/bin/tofu, scripts/install-terraform.sh)
# as its Terraform binary.
#
#   terraform-acc.sh [REGEX]   default: TF_ACC_RUN below
#   TF_ACC_USERS ("demo admin"), TF_ACC_TIMEOUT (60m)
#   TF_ACC_OUT (./clients-results): go test -v output per user
#   TF_ACC_BIN: a test binary already built from the module (`go test -c`)
#
# Each failure is judged against terraform-acc-expected.txt (user, test,
# not-applicable or known, reason); an unlisted failure fails the run, a
# listed test that passes is reported.
source "$(dirname "$0")/lib.sh"
HERE=$ROOT/test/clients
TOOLS=${TOOLS_DIR:-$ROOT/.tools}/bin
PROVIDER_VERSION=${PROVIDER_VERSION:-v3.4.0}
RUN=${1:-${TF_ACC_RUN:-'^(TestAccComputeV2|TestAccComputeQuotasetV2|TestAccComputeServerGroupV2|TestAccComputeInstanceV2|TestAccComputeHypervisorV2|TestAccNetworkingV2Network_basic|TestAccNetworkingV2Subnet_basic|TestAccNetworkingV2SecGroup_basic|TestAccNetworkingV2SecGroupRule_basic|TestAccNetworkingV2Port_basic|TestAccImagesImageV2DataSource_basic)'}}
OUT=${TF_ACC_OUT:-$ROOT/clients-results}
mkdir -p "$OUT"
[ -x "$TOOLS/tofu" ] || { echo "FAIL: $TOOLS/tofu missing: run scripts/install-terraform.sh"; exit 1; }

tmp=$(mktemp -d)
mkdir -p "$tmp/provider/openstack"
if [ -n "${TF_ACC_BIN:-}" ]; then
  # A test binary built earlier from the same module (reruns of a subset).
  cp "$TF_ACC_BIN" "$tmp/openstack.test"
else
  dir=$(cd "$tmp" && go mod download -json \
    "github.com/terraform-provider-openstack/terraform-provider-openstack/v3@$PROVIDER_VERSION" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$tmp/provider" && cp -r "$dir" "$tmp/provider" && chmod -R u+w "$tmp/provider"
  # Build the test binary once (the long part), run it per user.
  (cd "$tmp/provider" && go test -c -o "$tmp/openstack.test" ./openstack)
fi

start_novalite
# cloud_env CLOUD: the OS_* variables of CLOUD in the generated clouds.yaml.
cloud_env() {
  eval "$(/usr/bin/python3 - "$OS_CLIENT_CONFIG_FILE" "$1" <<'PY'
import sys, yaml, shlex
c = yaml.safe_load(open(sys.argv[1]))["clouds"][sys.argv[2]]
a = c["auth"]
env = {"OS_AUTH_URL": a["auth_url"], "OS_USERNAME": a["username"], "OS_PASSWORD": a["password"],
       "OS_PROJECT_NAME": a["project_name"], "OS_REGION_NAME": c.get("region_name", "RegionOne")}
for k, v in env.items():
    print("export %s=%s" % (k, shlex.quote(str(v))))
PY
)"
  export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
}
export OS_IMAGE_ID OS_NETWORK_ID OS_EXTGW_ID
OS_IMAGE_ID=$(openstack --os-cloud novalite image show cirros -f value -c id)
OS_NETWORK_ID=$(openstack --os-cloud novalite network show private -f value -c id)
OS_EXTGW_ID=$(openstack --os-cloud novalite network show public -f value -c id)
# What the provider's own CI prepares on DevStack before these tests (its
# scripts/stackenv.sh): two flavors that some tests look up by name and
# size (m1.acctest, and m1.resize with one more GiB of disk), both with an
# ephemeral disk, and the variables that name them.
openstack --os-cloud novalite flavor create m1.acctest --id 99 --ram 512 --disk 10 --vcpus 1 --ephemeral 10 >/dev/null
openstack --os-cloud novalite flavor create m1.resize --id 98 --ram 512 --disk 11 --vcpus 1 --ephemeral 10 >/dev/null
# The tests of aggregates with a host, and of the hypervisor data source,
# name a hypervisor of this cloud.
export OS_HYPERVISOR_HOSTNAME
OS_HYPERVISOR_HOSTNAME=$(openstack --os-cloud novalite hypervisor list -f value -c "Hypervisor Hostname" | head -n 1)
export OS_IMAGE_NAME=cirros OS_FLAVOR_ID=99 OS_FLAVOR_ID_RESIZE=98 OS_POOL_NAME=public
export TF_ACC=1 TF_ACC_TERRAFORM_PATH=$TOOLS/tofu TF_ACC_PROVIDER_HOST=registry.opentofu.org
export CHECKPOINT_DISABLE=1
# A CLI configuration of our own: one named by the environment that does not
# exist makes every tofu command warn first, and the harness cannot read
# `tofu version` after that warning.
: >"$WORK/tofurc"
export TF_CLI_CONFIG_FILE=$WORK/tofurc

status=0
for user in ${TF_ACC_USERS:-demo admin}; do
  case $user in demo) cloud_env devstack ;; admin) cloud_env devstack-admin ;; *) echo "unknown user $user"; exit 2 ;; esac
  t0=$SECONDS rc=0
  (cd "$tmp/provider/openstack" && "$tmp/openstack.test" -test.run "$RUN" -test.v -test.timeout "${TF_ACC_TIMEOUT:-60m}" \
    >"$OUT/terraform-acc-$user.log" 2>&1) || rc=$?
  echo "terraform-acc ($user): $((SECONDS - t0)) s, exit $rc"
  python3 "$HERE/terraform-acc-judge.py" "$user" "$OUT/terraform-acc-$user.log" "$HERE/terraform-acc-expected.txt" "$rc" || status=1
done
rm -rf "$tmp"
exit $status
