#!/usr/bin/env bash
# Runs every client test script in this directory, and the clients' own
# functional suites (suites.sh, one suite a job), CLIENT_JOBS (default 6) at
# a time: each starts its own `novalite serve` on a free port and spends most
# of its time waiting on servers, not on the CPU. Each job's output is
# printed whole when it ends; the run fails if any job failed.
set -euo pipefail
cd "$(dirname "$0")"
# One openstackclient fork server for every script (lib.sh, oscd.py).
if [ "${OSC_FORK_SERVER:-1}" = 1 ]; then
  OSCD_DIR=$(mktemp -d)
  /usr/bin/python3 oscd.py "$OSCD_DIR/sock" "${NOVALITE_BIN:-$(cd ../.. && pwd)/bin/novalite}" &
  OSCD_PID=$!
  export NOVALITE_OSCD="$OSCD_DIR/sock"
fi
OUT=$(mktemp -d)
trap 'kill -TERM ${OSCD_PID:-} 2>/dev/null || true; rm -rf "${OSCD_DIR:-}" "$OUT"' EXIT

# Longest first, so that the last to start are the short ones. A job is a
# script and its arguments: "suites.sh NAME" is a client's own functional
# suite (openstacksdk's, novaclient's, openstackclient's; judged against
# suites-expected.txt), rally-boot.sh Rally's boot-and-delete. The suites
# mostly wait on servers (osc's 100-115 s of CPU in 400 s, novaclient's 50
# s in 380 s, at a load of 10-14), hence more jobs than cores.
scripts=("suites.sh osc" gophercloud.sh "suites.sh novaclient" "suites.sh sdk"
  osc-actions.sh rally-boot.sh osc-smoke.sh image.sh ci-recipes.sh)
for t in osc-*.sh; do
  case " ${scripts[*]} " in *" $t "*) ;; *) scripts+=("$t") ;; esac
done

# run_one JOB: runs it, its output and its status and seconds in files
# named for it (spaces as underscores).
run_one() {
  local t=$1 start=$SECONDS rc=0
  # shellcheck disable=SC2086 # the job's words: a script and its arguments
  bash $t >"$OUT/${t// /_}.log" 2>&1 || rc=$?
  echo "$rc $((SECONDS - start))" >"$OUT/${t// /_}.rc"
}

max=${CLIENT_JOBS:-6} pids=()
for t in "${scripts[@]}"; do
  while [ ${#pids[@]} -ge "$max" ]; do
    wait -n "${pids[@]}" || true
    running=()
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && running+=("$p"); done
    pids=("${running[@]}")
  done
  run_one "$t" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done

failed=()
for t in "${scripts[@]}"; do
  read -r rc secs <"$OUT/${t// /_}.rc"
  echo "== $t (${secs}s, exit $rc)"
  cat "$OUT/${t// /_}.log"
  [ "$rc" = 0 ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "client scripts failed: ${failed[*]}"
  exit 1
fi
echo "client scripts: all ${#scripts[@]} passed"
