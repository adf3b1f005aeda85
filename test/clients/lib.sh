# Shared by the client test scripts: start a fresh `novalite serve` on a free
# port with a temporary data dir, and small assertion helpers.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${NOVALITE_BIN:-$ROOT/bin/novalite}
# The team's shared material sits beside the project (../shared); a
# checkout elsewhere names it with NOVALITE_SHARED.
SHARED=${NOVALITE_SHARED:-$ROOT/../shared}
[ -d "$SHARED" ] || SHARED=/work/shared

start_novalite() {
  WORK=$(mktemp -d)
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" "$@" >"$WORK/serve.log" 2>&1 &
  NOVALITE_PID=$!
  trap stop_novalite EXIT
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && [ -f "$WORK/data/clouds.yaml" ] && break
    sleep 0.05
  done
  export OS_CLIENT_CONFIG_FILE="$WORK/data/clouds.yaml"
  export NOVALITE_URL="http://127.0.0.1:$PORT"
}

stop_novalite() {
  local rc=$?
  if [ -n "${NOVALITE_PID:-}" ]; then
    kill -TERM "$NOVALITE_PID" 2>/dev/null || true
    wait "$NOVALITE_PID" 2>/dev/null || true
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

# expect_fail NAME COMMAND...: the command must fail.
expect_fail() {
  local name=$1; shift
  if LAST=$("$@" 2>&1); then
    echo "FAIL: $name: succeeded but should have failed"; echo "$LAST" | tail -n 20; exit 1
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
