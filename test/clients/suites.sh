#!/usr/bin/env bash
# The clients' own functional suites, unmodified, from Debian's packages,
# against a fresh `novalite serve` whose bootstrap clouds.yaml has the
# cloud names they expect (devstack, devstack-admin, devstack-alt,
# functional_admin): nothing but OS_CLIENT_CONFIG_FILE and the cloud name.
#
#   suites.sh [sdk|novaclient|osc ...]   default: all three
#   SUITE_TIMEOUT (1800 s per suite)
#   SUITE_JOBS (4): pytest-xdist workers per suite (tests grouped by class,
#     whose setUpClass resources they share)
#   SUITES_OUT (./clients-results): JUnit XML and pytest's output per suite
#
# Each suite is judged by suites-judge.py against suites-expected.txt:
# a failure not listed there (not applicable: needs a service novalite does
# not have; known: a difference from Nova, with its reason) fails the run,
# as do a suite that ran nothing or stopped early.
source "$(dirname "$0")/lib.sh"
HERE=$ROOT/test/clients
PY=/usr/bin/python3 # Debian's packages are on Debian's python3, not a pyenv one
DIST=/usr/lib/python3/dist-packages
OUT=${SUITES_OUT:-$ROOT/clients-results}
mkdir -p "$OUT"
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(sdk novaclient osc)
for s in "${SUITES[@]}"; do
  case "$s" in sdk|novaclient|osc) rm -f "$OUT/$s".* ;; *) echo "unknown suite $s" >&2; exit 2 ;; esac
done

start_novalite
# Debian's python3 and clients, but `openstack` is bin/openstack (lib.sh):
# the packaged openstackclient run by the fork server, for osc's suite, which
# shells out to it for every step.
export PATH=$ROOT/test/clients/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The sdk's image tests upload ./CONTRIBUTING.rst, a file of its source
# tree: run from a directory that has one.
RUNDIR=$WORK/run
mkdir -p "$RUNDIR"
echo "image data for openstacksdk's functional image tests" >"$RUNDIR/CONTRIBUTING.rst"

# run_suite NAME TEST-PATH...: pytest with JUnit XML, then the judge.
status=0
run_suite() {
  local name=$1 rc=0 start; shift
  start=$(date +%s)
  # SIGINT on time-out: pytest then still writes the results it has (and
  # exits 2, which the judge counts as a run that did not finish).
  (cd "$RUNDIR" && timeout -s INT "${SUITE_TIMEOUT:-1800}" "$PY" -m pytest -p no:cacheprovider -q -o junit_family=xunit1 \
    -n "${SUITE_JOBS:-4}" --dist loadscope \
    --junitxml="$OUT/$name.xml" "$@" >"$OUT/$name.log" 2>&1) || rc=$?
  tail -n 1 "$OUT/$name.log"
  "$PY" "$HERE/suites-judge.py" "$name" "$OUT/$name.xml" "$HERE/suites-expected.txt" "$rc" || status=1
  echo "$name: $(( $(date +%s) - start ))s"
}

for s in "${SUITES[@]}"; do
  case "$s" in
    sdk)
      # OS_CLOUD is the suites' operator cloud; the rest they take by name.
      # OS_TEST_TIMEOUT: the sdk's per-test limit defaults to 5 s, a unit
      # test's; its functional runs lift it (a loaded machine needs more).
      OS_CLOUD=devstack-admin OS_TEST_TIMEOUT=300 OPENSTACKSDK_FUNC_TEST_TIMEOUT=60 run_suite sdk \
        "$DIST/openstack/tests/functional/compute" "$DIST/openstack/tests/functional/image" \
        "$DIST/openstack/tests/functional/network" "$DIST/openstack/tests/functional/identity" ;;
    novaclient)
      # functional_admin; its CLI tests run bin/nova, the packaged novaclient
      # run by the fork server (lib.sh).
      OS_NOVACLIENT_EXEC_DIR=$ROOT/test/clients/bin run_suite novaclient "$DIST/novaclient/tests/functional" ;;
    osc)
      # Its server tests look for DevStack's image by DevStack's name
      # (cirros-*-disk; bootstrap's is "cirros") and skip nothing without it:
      # upload one under that name, as DevStack does.
      openstack --os-cloud devstack-admin image create --public --disk-format qcow2 --container-format bare \
        --file "$RUNDIR/CONTRIBUTING.rst" cirros-0.6.2-x86_64-disk >/dev/null
      OS_CLOUD=devstack-admin run_suite osc \
        "$DIST/openstackclient/tests/functional/compute" "$DIST/openstackclient/tests/functional/image" \
        "$DIST/openstackclient/tests/functional/network" "$DIST/openstackclient/tests/functional/identity" ;;
  esac
done
exit $status
