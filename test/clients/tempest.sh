#!/usr/bin/env bash
# Tempest 33 (Debian package; `./scripts/install-deps.sh tempest`) compute API
# tests against a fresh `novalite serve`, through the shared harness, then
# docs/compatibility.md from the results.
#
#   tempest.sh [servers|compute|interop|smoke|REGEX]   default: servers
#   TEMPEST_CONCURRENCY (2)   TEMPEST_OUT (./tempest-results)
#   TEMPEST_REPORT (docs/compatibility.md; empty: no report)
#   TEMPEST_HARNESS (../shared/harness/tempest)
#   TEMPEST_FEATURES (reference; extended: also migrations, 2 nodes, stable rescue, password)
# Uses bin/novalite (`make build`); builds nothing.
source "$(dirname "$0")/lib.sh"

SUITE=${1:-servers}
HARNESS=${TEMPEST_HARNESS:-$SHARED/harness/tempest}
[ -x "$HARNESS/run.sh" ] || [ -f "$HARNESS/run.sh" ] || { echo "no Tempest harness at $HARNESS" >&2; exit 2; }
PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v tempest >/dev/null ||
  { echo "tempest not installed: ./scripts/install-deps.sh tempest" >&2; exit 2; }

# Two hosts, so that a migration or a resize to another host has a target.
# A snapshot takes a second, as an upload to Glance does on Nova: Tempest
# asks for a second one while the first is being saved and expects 409.
start_novalite --hosts 2 --fake-delays snapshot=1s

# Admin credentials from the generated clouds.yaml (cloud "novalite").
admin_env

# Two distinct bootable images (else the rebuild tests skip): the bootstrap's
# cirros and a small raw one uploaded here. Flavors: m1.tiny and the larger m1.small.
os() { openstack --os-cloud novalite "$@"; }
TEMPEST_IMAGE_REF=$(os image show cirros -f value -c id)
head -c 1048576 /dev/zero >"$WORK/alt.raw"
TEMPEST_IMAGE_REF_ALT=$(os image create --disk-format raw --container-format bare --public \
  --file "$WORK/alt.raw" cirros-alt -f value -c id)
export TEMPEST_IMAGE_REF TEMPEST_IMAGE_REF_ALT TEMPEST_FLAVOR_REF=1 TEMPEST_FLAVOR_REF_ALT=2
export TEMPEST_GLANCE=true TEMPEST_DYNAMIC_CREDS=true
# The fake driver is quick: a state that has not come in a minute will not come.
export TEMPEST_BUILD_TIMEOUT=${TEMPEST_BUILD_TIMEOUT:-60}

# TEMPEST_FEATURES=extended turns on what novalite does beyond the reference
# Nova install the shared template describes (one host, fake driver): two
# compute nodes with cold and live migration, stable rescue and password
# changes, DevStack's SameHost/DifferentHost filters. The default keeps the template as it is, so that results compare
# with real Nova's.
if [ "${TEMPEST_FEATURES:-reference}" = extended ]; then
  sed -e 's/^min_compute_nodes = 1$/min_compute_nodes = 2/' \
      -e 's/^cold_migration = false$/cold_migration = true/' \
      -e 's/^live_migration = false$/live_migration = true/' \
      -e 's/^block_migration_for_live_migration = false$/block_migration_for_live_migration = true/' \
      -e 's/^stable_rescue = false$/stable_rescue = true/' \
      -e 's/^change_password = false$/change_password = true/' \
      -e 's/^\[compute-feature-enabled\]$/&\nscheduler_enabled_filters = AvailabilityZoneFilter,ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter,SameHostFilter,DifferentHostFilter/' \
      "$HARNESS/tempest.conf.template" >"$WORK/tempest.conf.template"
  export TEMPEST_CONF_TEMPLATE=$WORK/tempest.conf.template
fi

OUT=${TEMPEST_OUT:-$ROOT/tempest-results}
case "$SUITE" in servers|compute|interop|smoke) NAME=$SUITE ;; *) NAME=custom ;; esac
export TEMPEST_OUT=$OUT TEMPEST_NAME=$NAME TEMPEST_CONCURRENCY=${TEMPEST_CONCURRENCY:-2}
start=$(date +%s)
status=0
bash "$HARNESS/run.sh" "$SUITE" || status=$?
elapsed=$(( $(date +%s) - start ))

REPORT=${TEMPEST_REPORT-$ROOT/docs/compatibility.md}
if [ -n "$REPORT" ] && [ -f "$OUT/$NAME.txt" ]; then
  version=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin tempest --version 2>&1 | tail -n 1)
  # The report decides the exit status: failures listed in
  # tempest-known-failures.txt (they fail on Nova too) do not fail the run.
  status=0
  (cd "$ROOT" && go run ./internal/tools/tempestreport -suite "$SUITE" -version "$version" \
    -elapsed "${elapsed}s" -results "$OUT/$NAME.txt" -console "$OUT/$NAME.console.txt" \
    -known "$ROOT/test/clients/tempest-known-failures.txt" -o "$REPORT") || status=$?
  echo "wrote $REPORT: $(sed -n 's/^- totals: //p' "$REPORT" | tr -d '*')"
fi
exit $status
