#!/usr/bin/env bash
# Runs the steps of docs/ci.md's recipes locally, as a CI job would:
# scripts/ci-novalite.sh starts novalite and prints the environment, then
# each kind of suite uses only that environment —
#  - a Python openstacksdk project: OS_CLOUD + OS_CLIENT_CONFIG_FILE;
#  - gophercloud's acceptance tests: the OS_* variables (one test);
#  - Terraform's provider reads the same OS_* variables: the openstack CLI
#    authenticates with them alone and finds the ids the recipe exports.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export NOVALITE_BIN=$ROOT/bin/novalite NOVALITE_DATA_DIR=$WORK/data NOVALITE_LISTEN=127.0.0.1:$PORT
cleanup() {
  local rc=$?
  "$ROOT/scripts/ci-novalite.sh" stop
  [ $rc -eq 0 ] || tail -n 30 "$WORK/data/novalite.log" 2>/dev/null
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

# The recipe's step: start, then export what it printed.
"$ROOT/scripts/ci-novalite.sh" start >"$WORK/env"
set -a; source "$WORK/env"; set +a
echo "ok: novalite started, $(wc -l <"$WORK/env") variables exported"

echo "== openstacksdk (OS_CLOUD=$OS_CLOUD)"
# Debian's openstacksdk is in the system Python, not in a venv on PATH.
env -u OS_AUTH_URL -u OS_USERNAME -u OS_PASSWORD -u OS_PROJECT_NAME "${SDK_PYTHON:-/usr/bin/python3}" - <<'PY'
import openstack
conn = openstack.connect()  # OS_CLOUD and OS_CLIENT_CONFIG_FILE only
net = conn.network.find_network("private")
srv = conn.compute.create_server(name="ci-sdk", image_id=conn.image.find_image("cirros").id,
                                 flavor_id=conn.compute.find_flavor("m1.tiny").id, networks=[{"uuid": net.id}])
srv = conn.compute.wait_for_server(srv, status="ACTIVE", wait=60)
assert srv.addresses["private"], srv.addresses
conn.compute.delete_server(srv)
conn.compute.wait_for_delete(srv, wait=60)
print("ok: openstacksdk booted and deleted a server")
PY

echo "== Terraform's variables (OS_* only, no clouds.yaml)"
ids=$(env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE openstack image show "$OS_IMAGE_ID" -f value -c name)
[ "$ids" = cirros ] || { echo "FAIL: OS_IMAGE_ID does not name cirros: $ids"; exit 1; }
net=$(env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE openstack network show "$OS_NETWORK_ID" -f value -c name)
[ "$net" = private ] || { echo "FAIL: OS_NETWORK_ID does not name private: $net"; exit 1; }
ext=$(env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE openstack network show "$OS_EXTGW_ID" -f value -c router:external)
[ "$ext" = True ] || { echo "FAIL: OS_EXTGW_ID is not an external network: $ext"; exit 1; }
echo "ok: the OS_* variables authenticate and name the image, network and external network"

echo "== gophercloud acceptance test (OS_* only)"
GC_VERSION=${GC_VERSION:-v2.15.0}
dir=$(cd "$WORK" && go mod download -json "github.com/gophercloud/gophercloud/v2@$GC_VERSION" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
cp -r "$dir" "$WORK/gc" && chmod -R u+w "$WORK/gc"
(cd "$WORK/gc" && env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE go test -count=1 -tags "fixtures acceptance" \
  -run '^TestServersCreateDestroy$' ./internal/acceptance/openstack/compute/v2/ >"$WORK/gc.txt" 2>&1) ||
  { echo "FAIL: gophercloud"; tail -n 40 "$WORK/gc.txt"; exit 1; }
grep -q '^ok' "$WORK/gc.txt" || { echo "FAIL: gophercloud ran nothing"; cat "$WORK/gc.txt"; exit 1; }
echo "ok: gophercloud's TestServersCreateDestroy passed"
