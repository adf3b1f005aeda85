#!/usr/bin/env python3
"""Judges one run of terraform-provider-openstack's acceptance tests.

terraform-acc-judge.py USER LOG EXPECTED RC

LOG is `go test -v` output. Each top-level test's result (--- PASS/FAIL/SKIP)
is read; a failure not listed in EXPECTED for USER (tab-separated: user,
test, not-applicable|known, reason) fails the run, as does a run with no
result, or one that did not finish (a test that started and has no result,
or a non-zero exit with no failing test: a panic or the time-out). A listed
test that passed is reported. Prints one line of counts and the failures.
"""
import re
import sys

user, log, expected_path, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

expected = {}
for line in open(expected_path):
    if not line.strip() or line.startswith("#"):
        continue
    u, test, kind, reason = line.rstrip("\n").split("\t", 3)
    if u in (user, "*"):
        expected[test] = (kind, reason)

started, results = [], {}
for line in open(log, errors="replace"):
    m = re.match(r"^=== RUN\s+(\S+)$", line)
    if m and "/" not in m.group(1):
        started.append(m.group(1))
    m = re.match(r"^--- (PASS|FAIL|SKIP): (\S+) \(", line)
    if m and "/" not in m.group(2):
        results[m.group(2)] = m.group(1)

ok = True
counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
for r in results.values():
    counts[r] += 1
unexpected = [t for t, r in results.items() if r == "FAIL" and t not in expected]
listed = [t for t, r in results.items() if r == "FAIL" and t in expected]
fixed = [t for t, r in results.items() if r == "PASS" and t in expected]
unfinished = [t for t in started if t not in results]
na = sum(1 for t in listed if expected[t][0] == "not-applicable")
print("terraform-acc (%s): %d run, %d passed, %d failed (%d listed: %d not applicable, %d known), %d skipped"
      % (user, len(results), counts["PASS"], counts["FAIL"], len(listed), na, len(listed) - na, counts["SKIP"]))
if not results:
    print("FAIL: no test ran")
    ok = False
for t in unfinished:
    print("FAIL: %s started and has no result (panic or time-out)" % t)
    ok = False
if rc != 0 and counts["FAIL"] == 0:
    print("FAIL: go test exited %d with no failing test" % rc)
    ok = False
for t in sorted(unexpected):
    print("FAIL: %s (not in terraform-acc-expected.txt)" % t)
    ok = False
for t in sorted(fixed):
    print("note: %s passes now; remove it from terraform-acc-expected.txt" % t)
sys.exit(0 if ok else 1)
