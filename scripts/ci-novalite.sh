#!/usr/bin/env bash
# Starts novalite in the background for a CI job and prints the
# environment an OpenStack test suite reads, as KEY=VALUE lines (append
# them to $GITHUB_ENV, or `export $(…)` them). docs/ci.md uses it in every
# recipe, and test/clients/ci-recipes.sh runs the same steps in `make test`.
#
#   ci-novalite.sh start   start, wait for /healthz, print the environment
#   ci-novalite.sh stop    stop the one started (SIGTERM, graceful)
#
# NOVALITE_BIN (default: novalite on PATH), NOVALITE_DATA_DIR (default
# ./novalite-ci), NOVALITE_LISTEN (default 127.0.0.1:8774) and every other
# NOVALITE_* setting of `novalite serve` apply. Needs curl and python3.
set -euo pipefail

BIN=${NOVALITE_BIN:-novalite}
export NOVALITE_DATA_DIR=${NOVALITE_DATA_DIR:-$PWD/novalite-ci}
export NOVALITE_LISTEN=${NOVALITE_LISTEN:-127.0.0.1:8774}
PIDFILE=$NOVALITE_DATA_DIR/ci.pid
URL=http://$NOVALITE_LISTEN

start() {
  mkdir -p "$NOVALITE_DATA_DIR"
  # A CI job knows its own admin password: generated unless given, or
  # the one of an earlier start on the same data dir.
  if [ -z "${NOVALITE_ADMIN_PASSWORD:-}" ] && [ -f "$NOVALITE_DATA_DIR/openrc" ]; then
    NOVALITE_ADMIN_PASSWORD=$(sed -n "s/^export OS_PASSWORD='\(.*\)'$/\1/p" "$NOVALITE_DATA_DIR/openrc")
  fi
  if [ -z "${NOVALITE_ADMIN_PASSWORD:-}" ]; then
    NOVALITE_ADMIN_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
  fi
  export NOVALITE_ADMIN_PASSWORD
  nohup "$BIN" serve >"$NOVALITE_DATA_DIR/novalite.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 300); do
    if curl -fsS "$URL/healthz" >/dev/null 2>&1 && [ -f "$NOVALITE_DATA_DIR/clouds.yaml" ]; then
      environment
      return 0
    fi
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
    sleep 0.1
  done
  echo "novalite did not become healthy; its log:" >&2
  cat "$NOVALITE_DATA_DIR/novalite.log" >&2
  return 1
}

# environment prints the variables of clouds.yaml users (OS_CLOUD), of
# OS_* users (Terraform's provider, gophercloud's acceptance tests) and
# the ids those suites ask for, looked up through the APIs.
environment() {
  python3 - "$URL" "$NOVALITE_DATA_DIR" "$NOVALITE_ADMIN_PASSWORD" <<'PY'
import json, sys, urllib.request
url, data, pw = sys.argv[1:4]
def call(path, body=None, token=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json", **({"X-Auth-Token": token} if token else {})})
    with urllib.request.urlopen(req) as r:
        return r.headers.get("X-Subject-Token"), json.load(r)
tok, _ = call("/identity/v3/auth/tokens", {"auth": {
    "identity": {"methods": ["password"], "password": {"user": {"name": "admin", "password": pw, "domain": {"name": "Default"}}}},
    "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}})
image = call("/image/v2/images?name=cirros", token=tok)[1]["images"][0]["id"]
net = call("/network/v2.0/networks?name=private", token=tok)[1]["networks"][0]["id"]
ext = call("/network/v2.0/networks?name=public", token=tok)[1]["networks"][0]["id"]
env = {
    "OS_CLIENT_CONFIG_FILE": data + "/clouds.yaml", "OS_CLOUD": "novalite",
    "OS_AUTH_URL": url + "/identity/v3", "OS_IDENTITY_API_VERSION": "3",
    "OS_USERNAME": "admin", "OS_PASSWORD": pw, "OS_PROJECT_NAME": "admin", "OS_TENANT_NAME": "admin",
    "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default", "OS_DOMAIN_NAME": "Default",
    "OS_REGION_NAME": "RegionOne",
    "OS_IMAGE_ID": image, "OS_IMAGE_NAME": "cirros", "OS_FLAVOR_ID": "1", "OS_FLAVOR_ID_RESIZE": "2",
    "OS_FLAVOR_NAME": "m1.tiny", "OS_NETWORK_ID": net, "OS_NETWORK_NAME": "private",
    "OS_POOL_NAME": "public", "OS_EXTGW_ID": ext,
}
for k, v in env.items():
    print(f"{k}={v}")
PY
}

stop() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid=$(cat "$PIDFILE")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
