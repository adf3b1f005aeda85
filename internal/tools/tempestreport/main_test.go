package main

import (
	"os"
	"path/filepath"
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
	v, err := write(&b, input{results: rs, reasons: reasons, suite: "servers", version: "tempest 33.0.0", elapsed: "10s", when: "now"})
	if err != nil || v.unexpected != 1 {
		t.Fatalf("unexpected failures %d, %v; want 1", v.unexpected, err)
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

// TestVerdict: what makes a run fail, and what the report says about it.
func TestVerdict(t *testing.T) {
	const (
		a = "tempest.api.compute.servers.test_b.B.test_a"
		b = "tempest.api.compute.servers.test_b.B.test_b"
		c = "tempest.api.compute.servers.test_c.C.test_c"
		d = "tempest.api.compute.admin.test_d.D.test_d"
	)
	const qos = "setUpClass (tempest.api.volume.admin.test_qos.QosSpecsTestJSON)"
	kn := known{a: {"failed", "Nova answers 410"}, c: {notApplicable, "no QoS specs"}, qos: {notApplicable, "no QoS specs"},
		d: {racy, "the host may hold another worker's server"}}
	for _, tc := range []struct {
		name       string
		rs         []result
		expected   []string
		problem    string // substring of verdict.problem(); "" for none
		nowPassing int
		report     string
	}{
		{name: "no results", problem: "no results: Tempest did not run"},
		{name: "known failure", rs: []result{{"fail", a}, {"success", b}},
			report: "- failed `test_a`: **failed on Nova**: Nova answers 410"},
		{name: "unknown failure", rs: []result{{"fail", b}}, problem: "1 unexpected failures"},
		{name: "not applicable", rs: []result{{"fail", c}, {"fail", qos}},
			report: "- failed `test_c`: **not applicable**: no QoS specs"},
		{name: "not applicable counted apart", rs: []result{{"fail", a}, {"fail", c}},
			report: "failures of what novalite does not serve (not applicable, with the reason): 1"},
		{name: "not applicable test passes", rs: []result{{"success", c}}, nowPassing: 1,
			report: "passed `test_c`, though listed as known (not applicable)"},
		{name: "known test passes", rs: []result{{"success", a}}, nowPassing: 1,
			report: "passed `test_a`, though listed as known (failed on Nova)"},
		{name: "racy test fails", rs: []result{{"fail", d}},
			report: "- failed `test_d`: **racy on Nova**: the host may hold another worker's server"},
		{name: "racy test passes", rs: []result{{"success", d}}, report: "| 1 | 0 | 0 |"},
		{name: "other status", rs: []result{{"uxsuccess", b}}, problem: "1 unexpected failures",
			report: `status "uxsuccess" counts as a failure`},
		{name: "listed test without result", rs: []result{{"success", a}}, expected: []string{a, b},
			problem: "1 listed tests have no result (Tempest aborted?), e.g. " + b, nowPassing: 1,
			report: "- `" + b + "`"},
		{name: "class skipped as a whole", rs: []result{{"success", b}, {"skip", "setUpClass (tempest.api.compute.servers.test_c.C)"}},
			expected: []string{b, c}, report: "tests Tempest listed for the run: 2; without a result: 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			v, err := write(&out, input{results: tc.rs, known: kn, expected: tc.expected})
			if err != nil {
				t.Fatal(err)
			}
			if p := v.problem(); (tc.problem == "") != (p == "") || !strings.Contains(p, tc.problem) {
				t.Errorf("problem %q, want %q", p, tc.problem)
			}
			if len(v.nowPassing) != tc.nowPassing {
				t.Errorf("now passing %v, want %d", v.nowPassing, tc.nowPassing)
			}
			if !strings.Contains(out.String(), tc.report) {
				t.Errorf("report lacks %q:\n%s", tc.report, out.String())
			}
		})
	}
}

func TestReadKnown(t *testing.T) {
	for _, tc := range []struct{ name, line, err string }{
		{"test", "tempest.api.compute.x.Y.test_z\tskipped\tTempest skips it with Neutron on", ""},
		{"class prefix", "tempest.api.compute.x.Y.\tfailed\twhy", "is not a test id"},
		{"no Nova status", "tempest.api.compute.x.Y.test_z\twhy", "want test id, failed|skipped|racy|not-applicable and a reason"},
		{"racy", "tempest.api.compute.x.Y.test_z\tracy\tanother worker's server", ""},
		{"other Nova status", "tempest.api.compute.x.Y.test_z\tbroken\twhy", "say whether Nova failed or skipped it"},
		{"class as known", "setUpClass (tempest.api.compute.x.Y)\tfailed\twhy", "only a not-applicable entry names a whole class"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "known.txt")
			if err := os.WriteFile(p, []byte("# comment\n"+tc.line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			k, err := readKnown(p)
			if tc.err == "" {
				if want := strings.Split(tc.line, "\t")[1]; err != nil || k["tempest.api.compute.x.Y.test_z"].onNova != want {
					t.Fatalf("readKnown: %v, %v", k, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
		})
	}
}

// TestProjectList: the project's own list parses.
func TestProjectList(t *testing.T) {
	k, err := readKnown(filepath.Join("..", "..", "..", "test", "clients", "tempest-known-failures.txt"))
	if err != nil || len(k) == 0 {
		t.Fatalf("tempest-known-failures.txt: %d entries, %v", len(k), err)
	}
}

// TestReadKnownNotApplicable: a test, or a whole class by its setUpClass
// result, of something novalite does not serve.
func TestReadKnownNotApplicable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "known.txt")
	lines := "tempest.api.volume.x.Y.test_z\tnot-applicable\tno transfers\n" +
		"setUpClass (tempest.api.volume.admin.test_qos.QosSpecsTestJSON)\tnot-applicable\tno QoS specs\n"
	if err := os.WriteFile(p, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := readKnown(p)
	if err != nil || len(k) != 2 || k["setUpClass (tempest.api.volume.admin.test_qos.QosSpecsTestJSON)"].onNova != notApplicable {
		t.Fatalf("readKnown: %v, %v", k, err)
	}
}

// TestColumn merges a second run into a report as a column and
// regenerates the report's own run: each keeps the other.
func TestColumn(t *testing.T) {
	report := func(rs []result) string {
		var b strings.Builder
		if _, err := write(&b, input{results: rs, reasons: map[string]string{"tempest.api.compute.servers.test_b.B.test_bad": "Boom"},
			suite: "servers", when: "now"}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	serve := report([]result{
		{"passed", "tempest.api.compute.servers.test_b.B.test_ok"},
		{"passed", "tempest.api.compute.servers.test_b.B.test_bad"},
		{"passed", "tempest.api.compute.flavors.test_f.F.test_x"},
	})
	qemu := report([]result{
		{"passed", "tempest.api.compute.servers.test_b.B.test_ok"},
		{"failed", "tempest.api.compute.servers.test_b.B.test_bad"},
		{"skipped", "setUpClass (tempest.api.compute.servers.test_c.OnlyQemu)"},
	})
	path := filepath.Join(t.TempDir(), "compat.md")
	if err := os.WriteFile(path, []byte(serve), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // merging again replaces the column
		if err := merge(path, asColumn("qemu", qemu)); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	doc := string(b)
	for _, want := range []string{
		"| class | passed | failed | skipped | qemu passed | qemu failed | qemu skipped |",
		"| compute.servers.test_b.B | 2 | 0 | 0 | 1 | 1 | 0 |",
		"| compute.flavors.test_f.F | 1 | 0 | 0 | – | – | – |",
		"| compute.servers.test_c.OnlyQemu | – | – | – | 0 | 0 | 1 |",
		"## Column qemu",
		"- failed `test_bad`: Boom",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("merged report lacks %q:\n%s", want, doc)
		}
	}
	if n := strings.Count(doc, "## Column qemu"); n != 1 {
		t.Errorf("%d qemu sections", n)
	}
	// The report's own run again: the column stays.
	regenerated := withColumns(serve, readColumns(doc))
	if regenerated != doc {
		t.Errorf("regenerating lost the column:\n%s\nwant\n%s", regenerated, doc)
	}
}
