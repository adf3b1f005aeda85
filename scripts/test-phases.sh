#!/usr/bin/env bash
# `make test` after deps and lint: the client tests (`make clients`) beside
# the Go phases (unit, unit-postgres, bench-smoke, fuzz-smoke, guests), not
# after them. The client jobs spend most of their time waiting (on their
# servers' builds, on the suites' sleeps between polls) and the Go phases
# keep the CPU busy meanwhile: one after the other, the two took the sum of
# their times on an idle 2-core machine (docs/clients.md has the figures).
# The Go phases print as they run; the clients' output (already printed
# job by job as each ends, by run.sh) follows when they end. Each phase's
# wall and CPU seconds are printed after it; the run fails if any failed.
#
#   PHASES="unit guests" scripts/test-phases.sh: those Go phases only
#   CLIENTS=0: no client tests
set -uo pipefail
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
PHASES=${PHASES:-unit unit-postgres bench-smoke fuzz-smoke guests}
TIMEFORMAT='%R s wall, %U+%S s CPU'

# phase TARGET: runs `make TARGET`, then prints its times and status.
phase() {
  local t rc
  { time $MAKE --no-print-directory "$1" 2>&3; } 3>&2 2>"$times.$1"
  rc=$?
  t=$(tail -n 1 "$times.$1")
  echo "== make $1: $t, exit $rc"
  return $rc
}

times=$(mktemp)
clients_log=$(mktemp)
trap 'rm -f "$times" "$times".* "$clients_log"' EXIT
clients_rc=0
if [ "${CLIENTS:-1}" = 1 ]; then
  phase clients >"$clients_log" 2>&1 &
  clients_pid=$!
fi
failed=()
for p in $PHASES; do
  phase "$p" || failed+=("$p")
done
if [ "${CLIENTS:-1}" = 1 ]; then
  wait "$clients_pid" || clients_rc=$?
  cat "$clients_log"
  [ "$clients_rc" = 0 ] || failed+=(clients)
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "make test: failed: ${failed[*]}"
  exit 1
fi
echo "make test: every phase passed"
