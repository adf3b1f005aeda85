#!/usr/bin/env bash
# gophercloud v2's own acceptance tests (compute/v2, identity/v3 and
# blockstorage/v3),
# unmodified, against a fresh `novalite serve`.
#
# The tests live in gophercloud's internal/ tree, so they only build inside
# the gophercloud module: the module is fetched from the Go module proxy
# and copied to a temporary directory, where `go test` runs them.
#
#   gophercloud.sh [REGEX]   default: the tests listed in gophercloud-tests.txt
#   GC_VERSION=v2.15.0       the gophercloud version to test with
source "$(dirname "$0")/lib.sh"

GC_VERSION=${GC_VERSION:-v2.15.0}
HERE=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then
  RUN=$1
else
  RUN="^($(grep -v '^#' "$HERE/gophercloud-tests.txt" | grep -v '^$' | paste -sd'|'))\$"
fi

tmp=$(mktemp -d)
dir=$(cd "$tmp" && go mod download -json "github.com/gophercloud/gophercloud/v2@$GC_VERSION" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
cp -r "$dir" "$tmp/gc" && chmod -R u+w "$tmp/gc"

# Two hosts so that migrations have a destination. serve's default
# --transition-time (2 s) keeps REBOOT, REBUILD … visible to its 1 s polls.
start_novalite --hosts 2
admin_env
export OS_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne OS_FLAVOR_ID=1 OS_FLAVOR_ID_RESIZE=2
export OS_LIVE_MIGRATE=1 OS_NETWORK_NAME=private OS_POOL_NAME=public OS_EXTGW_ID=placeholder
export OS_IMAGE_ID=$(openstack --os-cloud novalite image show cirros -f value -c id)

cd "$tmp/gc"
status=0
# -p 1: one package at a time. The packages share one cloud, and a
# blockstorage test's server must not land beside a compute test's
# (TestHypervisorListQuery reads the first host's servers).
go test -p 1 -count=1 -timeout 20m -tags "fixtures acceptance" -run "$RUN" -v \
  ./internal/acceptance/openstack/compute/v2/ ./internal/acceptance/openstack/identity/v3/ \
  ./internal/acceptance/openstack/blockstorage/v3/ \
  >"$tmp/out.txt" 2>&1 || status=$?
grep -E '^(=== RUN|--- (PASS|FAIL|SKIP)|FAIL|ok)' "$tmp/out.txt" | grep -v '=== RUN' || true
if [ $status -ne 0 ]; then
  grep -B2 -A20 -- '--- FAIL' "$tmp/out.txt" | head -n 120
fi
rm -rf "$tmp"
exit $status
