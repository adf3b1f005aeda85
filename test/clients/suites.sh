#!/usr/bin/env bash
# The clients' own functional suites, unmodified, from Debian's packages,
# against a fresh `novalite serve` whose bootstrap clouds.yaml has the
# cloud names they expect (devstack, devstack-admin, devstack-alt,
# functional_admin): nothing but OS_CLIENT_CONFIG_FILE and the cloud name.
#
#   suites.sh [sdk|novaclient|osc ...]   default: all three
#   SUITE_TIMEOUT (1800 s for each part of a suite)
#   SUITE_JOBS (4): pytest-xdist workers per suite (tests grouped by class,
#     whose setUpClass resources they share, but for the classes SUITE_SPREAD
#     names, spread test by test: pyplugins/xdist_spread.py; SUITE_DIST=load:
#     every class test by test); the tests suites-alone.txt lists run after
#     them, one at a time
#   SUITES_OUT (./clients-results): JUnit XML and pytest's output per suite
#   SUITE_K: a pytest -k expression to run some tests only, e.g. "tag or
#     members" (the tests it leaves out are not judged)
#   SUITE_NOT_APPLICABLE (skip): "run" runs the tests suites-expected.txt
#     lists as not applicable too; by default they are left out
#
# Each suite is judged by suites-judge.py against suites-expected.txt:
# a failure not listed there (not applicable: needs a service novalite does
# not have; known: a difference from Nova, with its reason) fails the run,
# as do a suite that ran nothing or stopped early.
# Each suite gets its own fresh server, as each is its own job against its
# own DevStack upstream: what one suite's failed or not-applicable tests
# leave behind (a network in the admin project) must not change what the
# next one sees (novaclient boots with no --nic, which needs one network).
if [ $# -gt 1 ] || [ $# -eq 0 ]; then
  [ $# -gt 0 ] || set -- sdk novaclient osc
  rc=0
  for s in "$@"; do "$0" "$s" || rc=1; done
  exit $rc
fi
source "$(dirname "$0")/lib.sh"
HERE=$ROOT/test/clients
PY=/usr/bin/python3 # Debian's packages are on Debian's python3, not a pyenv one
DIST=/usr/lib/python3/dist-packages
OUT=${SUITES_OUT:-$ROOT/clients-results}
mkdir -p "$OUT"
SUITES=("$@")
for s in "${SUITES[@]}"; do
  case "$s" in sdk|novaclient|osc) rm -f "$OUT/$s".* "$OUT/$s"-alone.* ;; *) echo "unknown suite $s" >&2; exit 2 ;; esac
done

start_novalite
# Debian's python3 and clients, but `openstack` is bin/clients/openstack (lib.sh):
# the packaged openstackclient run by the fork server, for osc's suite, which
# shells out to it for every step.
export PATH=$ROOT/bin/clients:/usr/sbin:/usr/bin:/sbin:/bin
# The sdk's image tests upload ./CONTRIBUTING.rst, a file of its source
# tree: run from a directory that has one.
RUNDIR=$WORK/run
mkdir -p "$RUNDIR"
echo "image data for openstacksdk's functional image tests" >"$RUNDIR/CONTRIBUTING.rst"

# node_id ROOT ID: pytest's node id of a test or class id as the lists name
# it (module.Class[.test], relative to ROOT), e.g. v2.test_resize.TestServersResize
# -> ROOT/v2/test_resize.py::TestServersResize.
node_id() {
  local root=$1 rest=$2 path=""
  while [ -n "$rest" ]; do
    path+=${path:+/}${rest%%.*}
    [ "$rest" = "${rest#*.}" ] && rest="" || rest=${rest#*.}
    if [ -f "$root/$path.py" ]; then
      echo "$root/$path.py${rest:+::${rest//./::}}"
      return
    fi
  done
  echo "suites-alone.txt: no module for $2 under $root" >&2
  return 1
}

# pytest_run OUT-NAME ARGS...: pytest with JUnit XML; prints its exit status.
# SIGINT on time-out: pytest then still writes the results it has (and
# exits 2, which the judge counts as a run that did not finish).
pytest_run() {
  local out=$1 rc=0; shift
  (cd "$RUNDIR" && PYTHONPATH=$HERE/pyplugins timeout -s INT "${SUITE_TIMEOUT:-1800}" "$PY" -m pytest -p no:cacheprovider \
    -p xdist_spread -q -o junit_family=xunit1 \
    --junitxml="$OUT/$out.xml" ${SUITE_K:+-k "$SUITE_K"} "$@" >"$OUT/$out.log" 2>&1) || rc=$?
  tail -n 1 "$OUT/$out.log" >&2
  echo "$rc"
}

# run_suite NAME ROOT TEST-PATH...: the tests over SUITE_JOBS workers, a
# class to a worker unless SUITE_SPREAD names it (or as SUITE_DIST says),
# except those suites-alone.txt lists for NAME (tests that race other
# workers' tests), which run afterwards one at a time; then the judge over
# both parts.
status=0
run_suite() {
  local name=$1 root=$2 start rc rc2=0 s id node; shift 2
  local alone=() deselect=() results=("$OUT/$name.xml")
  start=$(date +%s)
  while IFS=$'\t' read -r s id _; do
    [ "$s" = "$name" ] || continue
    node=$(node_id "$root" "$id") || { status=1; return; }
    alone+=("$node")
    deselect+=(--deselect "${node#"$root"/}") # node ids are relative to --rootdir
  done < <(grep -v '^#' "$HERE/suites-alone.txt")
  # Not-applicable tests (suites-expected.txt: they need a service novalite
  # does not serve, so they can only fail) are left out unless
  # SUITE_NOT_APPLICABLE=run: osc's 123 were a quarter of its suite's time.
  # The judge counts them as not run; a name that no longer resolves to a
  # module fails the run, as a renamed test would go unnoticed otherwise.
  if [ "${SUITE_NOT_APPLICABLE:-skip}" != run ]; then
    while IFS=$'\t' read -r s id kind _; do
      [ "$s" = "$name" ] && [ "$kind" = not-applicable ] || continue
      node=$(node_id "$root" "$id") || { status=1; return; }
      deselect+=(--deselect "${node#"$root"/}")
    done < <(grep -v '^#' "$HERE/suites-expected.txt")
  fi
  # --rootdir: test ids relative to ROOT in both parts, as the lists name them.
  rc=$(pytest_run "$name" --rootdir "$root" -n "${SUITE_JOBS:-4}" --dist "${SUITE_DIST:-loadgroup}" "${deselect[@]}" "$@")
  if [ ${#alone[@]} -gt 0 ]; then
    rc2=$(pytest_run "$name-alone" --rootdir "$root" -n 0 "${alone[@]}")
    # 5: no test collected, which SUITE_K selecting none of them is not a failure.
    [ "$rc2" = 5 ] && [ -n "${SUITE_K:-}" ] && rc2=0
    results+=("$OUT/$name-alone.xml")
    [ "$rc2" -gt "$rc" ] && rc=$rc2
  fi
  "$PY" "$HERE/suites-judge.py" "$name" "$HERE/suites-expected.txt" "$rc" "${results[@]}" || status=1
  echo "$name: $(( $(date +%s) - start ))s"
}

for s in "${SUITES[@]}"; do
  case "$s" in
    sdk)
      # OS_CLOUD is the suites' operator cloud; the rest they take by name.
      # OS_TEST_TIMEOUT: the sdk's per-test limit defaults to 5 s, a unit
      # test's; its functional runs lift it (a loaded machine needs more).
      OS_CLOUD=devstack-admin OS_TEST_TIMEOUT=300 OPENSTACKSDK_FUNC_TEST_TIMEOUT=60 run_suite sdk "$DIST/openstack/tests/functional" \
        "$DIST/openstack/tests/functional/compute" "$DIST/openstack/tests/functional/image" \
        "$DIST/openstack/tests/functional/network" "$DIST/openstack/tests/functional/identity" ;;
    novaclient)
      # functional_admin; its CLI tests run bin/clients/nova, the packaged novaclient
      # run by the fork server (lib.sh).
      OS_NOVACLIENT_EXEC_DIR=$ROOT/bin/clients run_suite novaclient "$DIST/novaclient/tests/functional" \
        "$DIST/novaclient/tests/functional" ;;
    osc)
      # Its server tests look for DevStack's image by DevStack's name
      # (cirros-*-disk; bootstrap's is "cirros") and skip nothing without it:
      # upload one under that name, as DevStack does.
      openstack --os-cloud devstack-admin image create --public --disk-format qcow2 --container-format bare \
        --file "$RUNDIR/CONTRIBUTING.rst" cirros-0.6.2-x86_64-disk >/dev/null
      # ServerTests spread over the workers (pyplugins/xdist_spread.py): on
      # one worker its 24 tests' waits made it the suite's long pole.
      OS_CLOUD=devstack-admin SUITE_SPREAD=${SUITE_SPREAD-ServerTests} run_suite osc "$DIST/openstackclient/tests/functional" \
        "$DIST/openstackclient/tests/functional/compute" "$DIST/openstackclient/tests/functional/image" \
        "$DIST/openstackclient/tests/functional/network" "$DIST/openstackclient/tests/functional/identity" ;;
  esac
done
exit $status
