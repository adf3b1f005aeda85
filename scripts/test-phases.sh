#!/usr/bin/env bash
# `make test` after deps and lint: the Go phases in two lanes (unit, which
# runs the benchmarks once too, then fuzz-smoke; unit-postgres then guests)
# and the client tests (`make clients`) beside them, all three at once.
# Each spends much of its time waiting — the Go tests on timers, HTTP and
# the database (unit: 186 s of wall for 139 s of CPU; guests 178 s for
# 51 s), the client jobs on their servers' builds and the suites' sleeps —
# so one after the other they left the 2 cores idle for minutes
# (docs/clients.md has the figures). Each lane's output is printed whole
# when it ends, with each phase's wall and CPU seconds; the run fails if
# any phase failed.
#
#   LANES="unit unit-postgres,guests": lanes apart, a lane's phases joined by commas
#   PHASES="unit guests": those Go phases only, one after the other (one lane)
#   CLIENTS=0: no client tests
set -uo pipefail
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
LANES=${LANES:-unit,fuzz-smoke unit-postgres,guests}
if [ -n "${PHASES:-}" ]; then
  LANES=${PHASES// /,}
fi
TIMEFORMAT='%R s wall, %U+%S s CPU'

# phase TARGET: runs `make TARGET`, then prints its times and status.
phase() {
  local t rc
  { time $MAKE --no-print-directory "$1" 2>&3; } 3>&2 2>"$tmp/times.$1"
  rc=$?
  t=$(tail -n 1 "$tmp/times.$1")
  echo "== make $1: $t, exit $rc"
  return $rc
}

# lane N PHASES: runs the comma-separated phases one after the other (all
# of them, whatever fails), output into lane N's log; the failed ones'
# names go into its .failed file.
lane() {
  local p
  for p in ${2//,/ }; do
    phase "$p" >>"$tmp/lane.$1" 2>&1 || echo "$p" >>"$tmp/lane.$1.failed"
  done
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
pids=() names=()
if [ "${CLIENTS:-1}" = 1 ]; then
  names+=(clients)
fi
names+=($LANES)
for i in "${!names[@]}"; do
  lane "$i" "${names[$i]}" &
  pids+=($!)
done
# Print each lane whole as it ends, the first to end first.
left=${#pids[@]}
while [ "$left" -gt 0 ]; do
  sleep 1
  for i in "${!pids[@]}"; do
    [ -n "${pids[$i]}" ] && ! kill -0 "${pids[$i]}" 2>/dev/null || continue
    wait "${pids[$i]}"
    echo "=== lane ${names[$i]}: ended at $((SECONDS - start)) s"
    cat "$tmp/lane.$i"
    pids[$i]=
    left=$((left - 1))
  done
done
failed=$(cat "$tmp"/lane.*.failed 2>/dev/null | tr '\n' ' ')
if [ -n "$failed" ]; then
  echo "make test: failed: ${failed}(after $((SECONDS - start)) s)"
  exit 1
fi
echo "make test: every phase passed in $((SECONDS - start)) s"
