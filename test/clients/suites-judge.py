#!/usr/bin/python3
"""Judges a client suite's pytest run (its JUnit XML) against suites-expected.txt.

Usage: suites-judge.py SUITE EXPECTED.txt PYTEST_EXIT_STATUS RESULTS.xml...

A suite run in parts (suites.sh: its parallel part, then the tests that run
alone) has one results file per part and the worst of their exit statuses.

Every test that fails (failure or error) must be listed for SUITE in
EXPECTED.txt as not-applicable (needs a service or feature novalite does not
serve) or known (a difference from Nova not fixed yet), each with a reason.
Prints one summary line and every unlisted failure; exits 1 when there is
one, when nothing ran, or when pytest stopped abnormally (exit status other
than 0 or 1). Listed tests that pass are reported, so that the list shrinks;
listed not-applicable tests that did not run (suites.sh leaves them out by
default) are counted as left out.
"""
import sys
import xml.etree.ElementTree as ET


def read_expected(path, suite):
    listed = {}
    for n, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) != 4 or f[2] not in ("not-applicable", "known") or not f[3]:
            sys.exit("%s:%d: want suite, test id, not-applicable|known and a reason, tab-separated" % (path, n))
        if f[0] == suite:
            if f[1] in listed:
                sys.exit("%s:%d: %s listed twice" % (path, n, f[1]))
            listed[f[1]] = (f[2], f[3])
    return listed


def read_results(paths):
    """test id (module.Class.test) -> passed|failed|skipped, and the failure
    messages, over every results file."""
    out, why = {}, {}
    cases = [c for path in paths for c in ET.parse(path).getroot().iter("testcase")]
    for case in cases:
        if not case.get("name"):
            continue  # an interrupted run leaves nameless cases: no test
        tid = "%s.%s" % (case.get("classname"), case.get("name"))
        status = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                status = "failed"
                msg = (child.get("message") or child.text or "").strip().splitlines()
                why[tid] = msg[-1][:200] if msg else ""
            elif child.tag == "skipped" and status != "failed":
                status = "skipped"
        # A test can fail in its call and again in its teardown: failed wins.
        if out.get(tid) != "failed":
            out[tid] = status
    return out, why


def main():
    suite, expected, rc, results = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    listed = read_expected(expected, suite)
    try:
        res, why = read_results(results)
    except (OSError, ET.ParseError) as e:
        print("%s: no results (%s)" % (suite, e))
        return 1
    count = {"passed": 0, "failed": 0, "skipped": 0, "not-applicable": 0, "known": 0}
    unlisted, now_passing = [], []
    for tid, st in sorted(res.items()):
        kind = listed.get(tid, (None,))[0]
        if st == "failed" and kind:
            count[kind] += 1
        elif st == "failed":
            count["failed"] += 1
            unlisted.append(tid)
        else:
            count[st] += 1
            if st == "passed" and kind:
                now_passing.append((tid, kind))
    # suites.sh leaves the not-applicable tests out unless asked to run them.
    left_out = sum(1 for tid, (kind, _) in listed.items() if kind == "not-applicable" and tid not in res)
    print("%s: %d run, %d passed, %d failed, %d skipped, %d not applicable, %d known; %d not applicable left out"
          % (suite, len(res), count["passed"], count["failed"], count["skipped"],
             count["not-applicable"], count["known"], left_out))
    for tid in unlisted:
        print("  FAILED (not listed): %s: %s" % (tid, why.get(tid, "")))
    for tid, kind in now_passing:
        print("  passed though listed as %s: %s (take it off the list)" % (kind, tid))
    bad = False
    if not res:
        print("%s: no tests ran" % suite)
        bad = True
    if rc not in (0, 1):
        print("%s: pytest exited %d: the run did not finish" % (suite, rc))
        bad = True
    return 1 if bad or unlisted else 0


if __name__ == "__main__":
    sys.exit(main())
