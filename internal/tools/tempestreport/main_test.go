package main

import (
	"strings"
	"testing"
)

const console = `{0} setUpClass (tempest.api.compute.servers.test_a.NeedsNeutron) ... SKIPPED: Neutron is required
{1} tempest.api.compute.servers.test_b.B.test_ok[id-1] [0.1s] ... ok
{1} tempest.api.compute.servers.test_b.B.test_bad[id-2,smoke] [0.2s] ... FAILED

Captured traceback:
~~~~~~~~~~~~~~~~~~~
    Traceback (most recent call last):

      File "/x/rest_client.py", line 831, in _error_checker
    raise exceptions.BadRequest(resp_body, resp=resp)

    tempest.lib.exceptions.BadRequest: Bad request
Details: {'code': 400, 'message': 'no | way'}


Captured pythonlogging:
~~~~~~~~~~~~~~~~~~~~~~~
    File "/ignored", line 1
    Boom: not this one

{0} tempest.api.compute.servers.test_b.B.test_skip ... SKIPPED: not today
`

func TestReport(t *testing.T) {
	reasons, err := readReasons(strings.NewReader(console))
	if err != nil {
		t.Fatal(err)
	}
	rs := []result{
		{"skipped", "setUpClass (tempest.api.compute.servers.test_a.NeedsNeutron)"},
		{"failure", "tempest.api.compute.servers.test_b.B.test_bad"},
		{"passed", "tempest.api.compute.servers.test_b.B.test_ok"},
		{"skipped", "tempest.api.compute.servers.test_b.B.test_skip"},
	}
	var b strings.Builder
	if n, err := write(&b, rs, reasons, nil, "servers", "tempest 33.0.0", "10s", "now"); err != nil || n != 1 {
		t.Fatalf("unexpected failures %d, %v; want 1", n, err)
	}
	for _, want := range []string{
		"**1 passed, 1 failed, 2 skipped**",
		"| compute.servers.test_a.NeedsNeutron | 0 | 0 | 1 |",
		"| compute.servers.test_b.B | 1 | 1 | 1 |",
		"- skipped `setUpClass`: Neutron is required",
		"- failed `test_bad`: BadRequest: Bad request Details: {'code': 400, 'message': 'no \\| way'}",
		"- skipped `test_skip`: not today",
		"| 1 | BadRequest: Bad request Details: {'code': 400, 'message': 'no \\| way'} |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

// TestKnownFailures: a failure listed as failing on Nova too is marked so
// and does not count as unexpected.
func TestKnownFailures(t *testing.T) {
	rs := []result{{"failure", "tempest.api.compute.servers.test_b.B.test_bad"}, {"fail", "tempest.api.compute.x.Y.test_z"}}
	kn := known{{"tempest.api.compute.servers.test_b.", "Nova answers 410"}}
	var b strings.Builder
	n, err := write(&b, rs, map[string]string{}, kn, "servers", "", "", "")
	if err != nil || n != 1 {
		t.Fatalf("unexpected failures %d, %v; want 1", n, err)
	}
	for _, want := range []string{"- failed `test_bad`: **fails on Nova too**: Nova answers 410",
		"also fail on a real Nova with this configuration: 1"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
