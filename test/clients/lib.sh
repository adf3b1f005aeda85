# Shared by the client test scripts: start a fresh `novalite serve` on a free
# port with a temporary data dir, and small assertion helpers.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NOVALITE_PIDS=()
BIN=${NOVALITE_BIN:-$ROOT/bin/novalite}

# `openstack` is bin/clients/openstack (`make clients-shim`): the packaged
# client run by a fork server (oscd.py) that has imported it once, so that
# each call costs the command's requests and not a Python start
# (OSC_FORK_SERVER=0: the plain command). Given the binary, the server warms
# itself up against a novalite of its own.
if [ ! -x "$ROOT/bin/clients/openstack" ]; then
  make -C "$ROOT" --no-print-directory clients-shim >&2
fi
PATH="$ROOT/bin/clients:$PATH"
OSCD_PID=
if [ "${OSC_FORK_SERVER:-1}" = 1 ] && [ -z "${NOVALITE_OSCD:-}" ]; then
  OSCD_DIR=$(mktemp -d)
  /usr/bin/python3 "$ROOT/test/clients/oscd.py" "$OSCD_DIR/sock" "$BIN" &
  OSCD_PID=$!
  export NOVALITE_OSCD="$OSCD_DIR/sock"
fi

# bcrypt's least cost for the passwords of these throwaway clouds, as
# Keystone's own tests set password_hash_rounds: every `openstack` or `nova`
# call, and many of the suites' tests, sign in with a password, and at the
# default cost (10) that check was 55 ms of server CPU per call, as much as
# the rest of the call on both sides (an `openstack flavor list`: 62 -> 6 ms
# of serve's CPU). The API's answers do not depend on it.
export NOVALITE_PASSWORD_HASH_ROUNDS=${NOVALITE_PASSWORD_HASH_ROUNDS:-4}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_novalite [serve flags]: `novalite serve`, or with
# NOVALITE_DEPLOYMENT=postgres the roles of a deployment as processes on a
# fresh PostgreSQL database (NOVALITE_TEST_POSTGRES, default the local
# server): 3 api replicas behind a round-robin load balancer (lb.py) whose
# URL the catalog advertises, 2 controllers and one agent per --hosts.
start_novalite() {
  WORK=$(mktemp -d)
  PORT=$(free_port)
  trap stop_novalite EXIT
  if [ "${NOVALITE_DEPLOYMENT:-}" = postgres ]; then
    start_deployment "$@"
  else
    "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" "$@" >"$WORK/serve.log" 2>&1 &
    NOVALITE_PID=$!
  fi
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && [ -f "$WORK/data/clouds.yaml" ] && break
    sleep 0.05
  done
  if [ -n "$OSCD_PID" ]; then
    for _ in $(seq 200); do [ -S "$NOVALITE_OSCD" ] && break; sleep 0.05; done
  fi
  export OS_CLIENT_CONFIG_FILE="$WORK/data/clouds.yaml"
  export NOVALITE_URL="http://127.0.0.1:$PORT"
}

start_deployment() {
  local hosts=1 args=() admin=${NOVALITE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
  while [ $# -gt 0 ]; do
    case "$1" in --hosts) hosts=$2; shift 2 ;; *) args+=("$1"); shift ;; esac
  done
  DEPLOY_DB=novalite_clients_$$_$RANDOM
  psql "$admin" -qc "CREATE DATABASE $DEPLOY_DB" >/dev/null
  DEPLOY_ADMIN=$admin
  local dsn=${admin/\/postgres\?//$DEPLOY_DB?}
  "$BIN" bootstrap --database "$dsn" --data-dir "$WORK/data" --public-url "http://127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1
  NOVALITE_PIDS=()
  local common=(--database "$dsn" --database-max-conns 4 "${args[@]}")
  for i in 1 2; do
    "$BIN" controller --data-dir "$WORK/c$i" "${common[@]}" >>"$WORK/serve.log" 2>&1 &
    NOVALITE_PIDS+=($!)
  done
  for i in $(seq "$hosts"); do
    "$BIN" agent --host "novalite-compute-$i" --data-dir "$WORK/a$i" "${common[@]}" >>"$WORK/serve.log" 2>&1 &
    NOVALITE_PIDS+=($!)
  done
  for _ in $(seq 200); do
    [ "$(grep -c 'novalite agent .* registered' "$WORK/serve.log")" -ge "$hosts" ] && break
    sleep 0.05
  done
  # Each replica its own data dir: image bytes are in the database.
  local ports=()
  for i in 1 2 3; do
    local p; p=$(free_port)
    mkdir -p "$WORK/api$i"
    "$BIN" api --listen "127.0.0.1:$p" --public-url "http://127.0.0.1:$PORT" --data-dir "$WORK/api$i" \
      "${common[@]}" >>"$WORK/serve.log" 2>&1 &
    NOVALITE_PIDS+=($!)
    ports+=("$p")
  done
  python3 "$ROOT/test/clients/lb.py" "$PORT" "${ports[@]}" &
  NOVALITE_PIDS+=($!)
}

stop_novalite() {
  local rc=$?
  if [ -n "${NOVALITE_PID:-}" ]; then
    kill -TERM "$NOVALITE_PID" 2>/dev/null || true
    wait "$NOVALITE_PID" 2>/dev/null || true
  fi
  for pid in "${NOVALITE_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$OSCD_PID" ]; then
    kill -TERM "$OSCD_PID" 2>/dev/null || true
    rm -rf "$OSCD_DIR"
  fi
  # QEMU guests outlive novalite by design (--driver qemu): those of a run
  # that stopped before deleting its servers go with its data dir (a
  # pidfile's process only if it names the guest's uuid: pids are reused).
  local pf gpid
  for pf in "$WORK"/data/instances/*/*/qemu.pid; do
    [ -f "$pf" ] || continue
    gpid=$(cat "$pf")
    if grep -qa -- "$(basename "$(dirname "$pf")")" "/proc/$gpid/cmdline" 2>/dev/null; then
      kill -KILL "$gpid" 2>/dev/null || true
    fi
  done
  # So does each host's network namespace, named for its directory as
  # qemu.NetNS names it (novalite- and the first 10 hex of its sha1).
  local hd
  for hd in "$WORK"/data/instances/*/; do
    [ -d "$hd/_base" ] || continue
    ip netns del "novalite-$(printf %s "${hd%/}" | sha1sum | cut -c1-10)" 2>/dev/null || true
  done
  if [ -n "${DEPLOY_DB:-}" ]; then
    psql "$DEPLOY_ADMIN" -qc "DROP DATABASE IF EXISTS $DEPLOY_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ $rc -ne 0 ] && [ -f "$WORK/serve.log" ]; then
    echo "--- novalite log (tail) ---"; tail -n 40 "$WORK/serve.log"
  fi
  rm -rf "$WORK"
  exit $rc
}

PASS=0
# check NAME COMMAND...: runs the command, fails the script if it fails.
check() {
  local name=$1; shift
  local out
  if ! out=$("$@" 2>&1); then
    echo "FAIL: $name"; echo "$out" | tail -n 20; exit 1
  fi
  PASS=$((PASS+1))
  echo "ok: $name"
  LAST="$out"
}

# expect_in NAME NEEDLE: the last check's output must contain NEEDLE.
expect_in() {
  if ! grep -qF -- "$2" <<<"$LAST"; then
    echo "FAIL: $1: output lacks '$2'"; echo "$LAST" | tail -n 20; exit 1
  fi
  PASS=$((PASS+1))
  echo "ok: $1"
}

# expect_not_in NAME NEEDLE: the last check's output must not contain NEEDLE.
expect_not_in() {
  if grep -qF -- "$2" <<<"$LAST"; then
    echo "FAIL: $1: output has '$2'"; echo "$LAST" | tail -n 20; exit 1
  fi
  PASS=$((PASS+1))
  echo "ok: $1"
}

# expect_fail NAME PATTERN COMMAND...: the command must fail, and its output
# must match the extended regex PATTERN (the status and message expected),
# so that a failure for another reason does not pass.
expect_fail() {
  local name=$1 pattern=$2; shift 2
  if LAST=$("$@" 2>&1); then
    echo "FAIL: $name: succeeded but should have failed"; echo "$LAST" | tail -n 20; exit 1
  fi
  if ! grep -qE -- "$pattern" <<<"$LAST"; then
    echo "FAIL: $name: failed, but the output does not match /$pattern/"; echo "$LAST" | tail -n 20; exit 1
  fi
  PASS=$((PASS+1))
  echo "ok: $name"
}

# admin_env exports the admin's credentials from the generated clouds.yaml
# as the OS_* variables clients without clouds.yaml support read.
admin_env() {
  eval "$(python3 - "$OS_CLIENT_CONFIG_FILE" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
block = text.split("  novalite:\n", 1)[1].split("\n  novalite-demo:", 1)[0]
get = lambda k: re.search(r"%s: \"?([^\"\n]+)\"?" % k, block).group(1)
print("export OS_AUTH_URL=%s OS_USERNAME=admin OS_PASSWORD='%s' OS_PROJECT_NAME=admin" % (get("auth_url"), get("password")))
PY
)"
  export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne
}
