#!/usr/bin/env bash
# Tempest 33 (Debian package; `./scripts/install-deps.sh tempest`) compute
# API tests against a fresh `novalite serve`, then docs/compatibility.md
# from the results. Everything it needs is here: tempest-conf.py writes
# tempest.conf from the running endpoint, tempestreport judges the run.
#
#   tempest.sh [servers|compute|volume|smoke|REGEX]   default: servers
#   TEMPEST_CONCURRENCY (2)   TEMPEST_OUT (./tempest-results)
#   TEMPEST_REPORT (docs/compatibility.md; empty: no report, still judged)
#   NOVALITE_DEPLOYMENT=postgres: against the roles of a deployment instead
#     of serve (lib.sh: 3 api replicas behind lb.py, 2 controllers, an agent
#     per host, on PostgreSQL); its report goes to
#     tempest-results/<suite>.deployment.md unless TEMPEST_REPORT says
#     otherwise, docs/compatibility.md being serve's
#   NOVALITE_DRIVER=qemu: serve --driver qemu (real QEMU guests; TCG here):
#     the test guest (internal/tools/testguest) uploaded as a kernel-booted
#     image is image_ref, the build timeout is 300 s, and the run is merged
#     into docs/compatibility.md as its `qemu` column (the run's own report
#     in tempest-results/<suite>.qemu.md) unless TEMPEST_REPORT says
#     otherwise
#   TEMPEST_FEATURES (reference; extended: also migrations, 2 nodes, stable
#     rescue, password: see tempest-conf.py)
#   TEMPEST_DYNAMIC_CREDS (true; false: the bootstrap's demo, alt_demo and
#     admin as pre-provisioned accounts, Tempest calls no Keystone admin API)
#
# The run fails when Tempest did not run or stopped early (a test it listed
# has no result), on a failure not in tempest-known-failures.txt, and on a
# result other than success, fail or skip. Uses bin/novalite (`make build`).
source "$(dirname "$0")/lib.sh"
GO=$(command -v go || true)
[ -n "$GO" ] || { echo "go not found on PATH" >&2; exit 2; }
# Debian's tempest and stestr run on Debian's python3 (stestr's test command
# runs ${PYTHON}), not on a pyenv or venv python3 first on PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin PYTHON=/usr/bin/python3
command -v tempest >/dev/null || { echo "tempest not installed: ./scripts/install-deps.sh tempest" >&2; exit 2; }

SUITE=${1:-servers}
case "$SUITE" in
  servers) NAME=servers REGEX='^tempest\.api\.compute\.servers\.' ;;
  compute) NAME=compute REGEX='^tempest\.api\.compute\.' ;;
  smoke)   NAME=smoke REGEX='^tempest\.api\.compute\..*\[.*\bsmoke\b.*\]' ;;
  volume)  NAME=volume REGEX='^tempest\.api\.volume\.' ;;
  *)       NAME=custom REGEX=$SUITE ;;
esac
OUT=${TEMPEST_OUT:-$ROOT/tempest-results}
mkdir -p "$OUT"
# Never judge an earlier run's files.
rm -f "$OUT/$NAME".*

DRIVER=${NOVALITE_DRIVER:-fake}
# Two hosts, so that a migration or a resize to another host has a target.
if [ "$DRIVER" = qemu ]; then
  # A guest that ignores the ACPI button is stopped hard after 10 s.
  start_novalite --hosts 2 --driver qemu --shutdown-timeout 10s
else
  # A snapshot takes a second, as an upload to Glance does on Nova: Tempest
  # asks for a second one while the first is being saved and expects 409.
  start_novalite --hosts 2 --fake-delays snapshot=1s
fi
admin_env

IMAGE=cirros IMAGE_ALT=cirros-alt
if [ "$DRIVER" = qemu ]; then
  # The test guest, uploaded as Nova users upload a kernel-booted image: it
  # boots to its prompt in seconds under TCG and obeys the ACPI button.
  eval "$(cd "$ROOT" && "$GO" run ./internal/tools/testguest "$WORK/guest")"
  img() { openstack --os-cloud novalite image create --public "$@" -f value -c id; }
  kernel=$(img --disk-format aki --container-format aki --file "$KERNEL" guest-kernel)
  ramdisk=$(img --disk-format ari --container-format ari --file "$INITRD" guest-ramdisk)
  img --disk-format ami --container-format ami --file "$DISK" --property kernel_id="$kernel" \
    --property ramdisk_id="$ramdisk" --property os_command_line="$CMDLINE" novalite-guest >/dev/null
  IMAGE=novalite-guest IMAGE_ALT=novalite-guest
else
  # A second bootable image (else the rebuild tests skip) beside cirros.
  head -c 1048576 /dev/zero >"$WORK/alt.raw"
  openstack --os-cloud novalite image create --disk-format raw --container-format bare --public \
    --file "$WORK/alt.raw" cirros-alt -f value -c id >/dev/null
fi

# A private workspace: tempest init registers it in the file given, never in
# ~/.tempest; it refuses a non-empty directory and logs into the current one.
WS=$WORK/tempest
mkdir -p "$WORK/scratch"
(cd "$WORK/scratch" && tempest init --workspace-path "$WORK/workspaces.yaml" --name novalite "$WS" >/dev/null)
# The fake driver is quick: a state that has not come in a minute will not
# come. A real guest under TCG with several booting at once takes longer.
timeout=60
[ "$DRIVER" = qemu ] && timeout=300
python3 "$ROOT/test/clients/tempest-conf.py" --workspace "$WS" --profile "${TEMPEST_FEATURES:-reference}" \
  --dynamic-creds "${TEMPEST_DYNAMIC_CREDS:-true}" --build-timeout "${TEMPEST_BUILD_TIMEOUT:-$timeout}" \
  --image "$IMAGE" --image-alt "$IMAGE_ALT"
cp "$WS/etc/tempest.conf" "$OUT/$NAME.tempest.conf"

cd "$WS"
# What should run: the run is judged against this list.
tempest run --list-tests --regex "$REGEX" 2>"$OUT/$NAME.list.err" | grep '^tempest\.' >"$OUT/$NAME.list.txt" || true
listed=$(wc -l <"$OUT/$NAME.list.txt")
[ "$listed" -gt 0 ] || { echo "tempest listed no tests for $REGEX" >&2; cat "$OUT/$NAME.list.err" >&2; exit 1; }
echo "tempest run --regex '$REGEX': $listed tests (workspace $WS)"

start=$(date +%s)
rc=0
tempest run --regex "$REGEX" --concurrency "${TEMPEST_CONCURRENCY:-2}" >"$OUT/$NAME.console.txt" 2>&1 || rc=$?
elapsed=$(( $(date +%s) - start ))
tail -n 12 "$OUT/$NAME.console.txt" | sed 's/^/  | /'
cp tempest.log "$OUT/$NAME.tempest.log" 2>/dev/null || true
stestr last --subunit >"$OUT/$NAME.subunit" 2>/dev/null || true
subunit2csv <"$OUT/$NAME.subunit" >"$OUT/$NAME.csv" 2>/dev/null || true
# status<TAB>test id, without the [id-…] attributes (kept for setUpClass).
python3 - "$OUT/$NAME.csv" "$OUT/$NAME.txt" <<'PY'
import csv, re, sys
rows = []
for r in csv.DictReader(open(sys.argv[1])):
    tid = r["test"]
    if not tid.startswith(("setUpClass", "tearDownClass")):
        tid = re.sub(r"\[[^\]]*\]$", "", tid)
    rows.append((tid, r["status"]))
with open(sys.argv[2], "w") as f:
    for tid, st in sorted(rows):
        f.write("%s\t%s\n" % (st, tid))
PY
echo "tempest exited $rc after ${elapsed}s; $(wc -l <"$OUT/$NAME.txt") results in $OUT/$NAME.txt"

# The report decides: known failures (tempest-known-failures.txt) do not
# fail the run; a missing result, an odd status or an unknown failure does.
REPORT=${TEMPEST_REPORT-$ROOT/docs/compatibility.md}
# The block storage suite has its report beside the compute one.
if [ "$NAME" = volume ] && [ -z "${TEMPEST_REPORT+set}" ]; then
  REPORT=$ROOT/docs/compatibility-volume.md
fi
if [ "${NOVALITE_DEPLOYMENT:-}" = postgres ] && [ -z "${TEMPEST_REPORT+set}" ]; then
  REPORT=$OUT/$NAME.deployment.md
fi
column=()
if [ "$DRIVER" = qemu ] && [ -n "$REPORT" ]; then
  column=(-column qemu -standalone "$OUT/$NAME.qemu.md")
fi
version=$(tempest --version 2>&1 | tail -n 1)
status=0
(cd "$ROOT" && "$GO" run ./internal/tools/tempestreport -suite "$SUITE" -version "$version" \
  -elapsed "${elapsed}s" -results "$OUT/$NAME.txt" -console "$OUT/$NAME.console.txt" \
  -expected "$OUT/$NAME.list.txt" -known "$ROOT/test/clients/tempest-known-failures.txt" \
  "${column[@]}" -o "${REPORT:-/dev/null}") || status=$?
if [ ${#column[@]} -gt 0 ]; then
  echo "merged into $REPORT as column qemu: $(sed -n 's/^- totals: //p' "$OUT/$NAME.qemu.md" | tr -d '*')"
elif [ -n "$REPORT" ]; then
  echo "wrote $REPORT: $(sed -n 's/^- totals: //p' "$REPORT" | tr -d '*')"
fi
# Tempest fails when any test fails, known ones too; a non-zero exit with
# no failure at all means it stopped for another reason.
if [ $rc -ne 0 ] && ! grep -qv -e '^success' -e '^skip' "$OUT/$NAME.txt"; then
  echo "tempest exited $rc without a failed test: it did not finish" >&2
  status=1
fi
exit $status
