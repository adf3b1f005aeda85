#!/usr/bin/env bash
# The container image: `make image` builds it with podman, then it runs as
# a user would run it (`podman run -p …`), answers /healthz, and the
# openstack CLI boots a server through the published port.
#
# podman here is daemonless and rootful. Some hosts (containers, VMs with
# cgroup v1 hierarchies and fixed rlimits, as this project's CI machines)
# refuse crun's cgroup and rlimit set-up; there runc with the cgroupfs
# manager and rlimits within the host's own limits work. The script tries
# podman's defaults first and says which it used.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
make -C "$ROOT" image >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
NAME=novalite-image-test-$$
PW=image-test-pw
podman=(podman)
if ! podman run --rm novalite help >/dev/null 2>&1; then
  podman=(podman --runtime runc --cgroup-manager=cgroupfs)
  limits=(--ulimit "nofile=$(ulimit -Sn):$(ulimit -Sn)" --ulimit nproc=4096:4096)
  echo "podman's defaults refused here: using ${podman[*]} ${limits[*]}"
fi
cleanup() {
  local rc=$?
  [ $rc -eq 0 ] || "${podman[@]}" logs "$NAME" 2>&1 | tail -n 20
  "${podman[@]}" rm -f "$NAME" >/dev/null 2>&1 || true
  "${podman[@]}" volume rm -f "$NAME" >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT
"${podman[@]}" run -d --name "$NAME" ${limits[@]+"${limits[@]}"} -p "127.0.0.1:$PORT:8774" -v "$NAME:/data" \
  -e NOVALITE_PUBLIC_URL="http://127.0.0.1:$PORT" -e NOVALITE_ADMIN_PASSWORD="$PW" novalite >/dev/null
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "FAIL: the container never answered /healthz"; exit 1; }
echo "ok: the container answers /healthz on the published port"
# The log reaches podman a moment after the first answer.
# The log is read whole before grep: with pipefail, grep -q leaving early
# would fail the pipeline through podman's SIGPIPE.
logs() { "${podman[@]}" logs "$NAME" 2>&1; }
for _ in $(seq 50); do grep -q "credentials in /data/clouds.yaml" <<<"$(logs)" && break; sleep 0.1; done
grep -q "credentials in /data/clouds.yaml" <<<"$(logs)" ||
  { echo "FAIL: no credentials line in the container's log"; exit 1; }
echo "ok: the log says where the credentials are"

export OS_AUTH_URL=http://127.0.0.1:$PORT/identity/v3 OS_USERNAME=admin OS_PASSWORD=$PW OS_PROJECT_NAME=admin \
  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3
openstack server create --image cirros --flavor m1.tiny --network private --wait vm >/dev/null
status=$(openstack server show vm -f value -c status)
[ "$status" = ACTIVE ] || { echo "FAIL: server status $status"; exit 1; }
echo "ok: the openstack CLI booted a server through the container"

# The data lives in the volume: a new container on it keeps the server.
"${podman[@]}" rm -f "$NAME" >/dev/null
"${podman[@]}" run -d --name "$NAME" ${limits[@]+"${limits[@]}"} -p "127.0.0.1:$PORT:8774" -v "$NAME:/data" \
  -e NOVALITE_PUBLIC_URL="http://127.0.0.1:$PORT" novalite >/dev/null
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
[ "$(openstack server show vm -f value -c status)" = ACTIVE ] || { echo "FAIL: server lost with the container"; exit 1; }
echo "ok: a new container on the same volume still has the server"
