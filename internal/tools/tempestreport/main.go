// Command tempestreport turns the results of a Tempest run
// (test/clients/tempest.sh's NAME.txt and NAME.console.txt) into a Markdown
// compatibility report: per test class the passed/failed/skipped counts,
// and a one-line reason for every failure and skip. It also judges the run:
// it exits non-zero on a failure not listed as known, on a status other
// than passed/failed/skipped, on no results at all, and on a test Tempest
// listed beforehand (-expected) that has no result.
//
//	go run ./internal/tools/tempestreport -results R.txt -console R.console.txt \
//	  -expected R.list.txt -known test/clients/tempest-known-failures.txt -o docs/compatibility.md
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// result is one line of NAME.txt.
type result struct {
	status string // passed, failed, skipped
	id     string // test id, or "setUpClass (pkg.Class)"
}

// class returns the test class of a test id ("pkg.mod.Class.test_x" or
// "setUpClass (pkg.mod.Class)") and the test name within it.
func (r result) class() (class, test string) {
	if i := strings.Index(r.id, " ("); i > 0 && strings.HasSuffix(r.id, ")") {
		return r.id[i+2 : len(r.id)-1], r.id[:i]
	}
	if i := strings.LastIndex(r.id, "."); i > 0 {
		return r.id[:i], r.id[i+1:]
	}
	return r.id, r.id
}

func readResults(path string) ([]result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rs []result
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		status, id, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		rs = append(rs, result{status, id})
	}
	return rs, sc.Err()
}

// A console line of stestr's subunit-trace output:
// "{0} pkg.Class.test [0.1s] ... ok|FAILED|SKIPPED: reason".
var lineRE = regexp.MustCompile(`^\{\d+\} (.+?)(?: \[[0-9.]+s\])? \.\.\. (ok|FAILED|SKIPPED(?:: (.*))?)$`)

// idTagsRE strips the "[id-…,smoke]" attribute suffix of a test id.
var idTagsRE = regexp.MustCompile(`\[[^\]]*\]$`)

// readReasons maps test ids (as in NAME.txt) to a one-line reason: the skip
// message, or the exception line(s) that end a failure's traceback.
func readReasons(r io.Reader) (map[string]string, error) {
	reasons := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var failed string // test whose traceback is being read
	var tb []string
	flush := func() {
		if failed != "" {
			if msg := exceptionOf(tb); msg != "" {
				if _, seen := reasons[failed]; !seen {
					reasons[failed] = msg
				}
			}
		}
		failed, tb = "", nil
	}
	for sc.Scan() {
		line := sc.Text()
		if m := lineRE.FindStringSubmatch(line); m != nil {
			flush()
			id := m[1]
			if !strings.HasPrefix(id, "setUpClass") && !strings.HasPrefix(id, "tearDownClass") {
				id = idTagsRE.ReplaceAllString(id, "")
			}
			switch {
			case strings.HasPrefix(m[2], "SKIPPED"):
				reasons[id] = m[3]
			case m[2] == "FAILED":
				failed = id
			}
			continue
		}
		if strings.HasPrefix(line, "======") {
			flush()
			continue
		}
		if failed != "" {
			tb = append(tb, line)
		}
	}
	flush()
	return reasons, sc.Err()
}

// exceptionOf returns the exception at the end of the first traceback in
// lines: what follows the last "File …" frame and its source line.
func exceptionOf(lines []string) string {
	start, last := -1, -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "Captured traceback") {
			if start >= 0 {
				break // only the first traceback section
			}
			start = i
		}
		if start >= 0 && strings.HasPrefix(t, "File \"") {
			last = i
		}
		if start >= 0 && last >= 0 && (strings.HasPrefix(t, "Captured ") && i > start) {
			lines = lines[:i]
			break
		}
	}
	if last < 0 {
		return ""
	}
	var parts []string
	for i := last + 2; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" && len(parts) > 0 {
			break // the exception (and its "Details:" lines) ends at a blank line
		}
		if t == "" || strings.Trim(t, "^~") == "" {
			continue
		}
		parts = append(parts, t)
	}
	msg := strings.Join(parts, " ")
	msg = strings.TrimPrefix(msg, "testtools.matchers._impl.")
	msg = strings.TrimPrefix(msg, "tempest.lib.exceptions.")
	const max = 300
	if len(msg) > max {
		msg = msg[:max] + "…"
	}
	return msg
}

type classStats struct {
	name                    string
	passed, failed, skipped int
	notes                   []string // "failed|skipped test: reason"
}

func main() {
	var in input
	resultsPath := flag.String("results", "", "NAME.txt (status<TAB>test-id per line)")
	consolePath := flag.String("console", "", "NAME.console.txt (optional; skip and failure reasons)")
	expectedPath := flag.String("expected", "", "test ids Tempest listed for the run, one per line (optional)")
	knownPath := flag.String("known", "", "known failures: test id TAB failed|skipped (on Nova) TAB reason, per line")
	out := flag.String("o", "-", "output file")
	flag.StringVar(&in.suite, "suite", "servers", "suite or regex that was run")
	flag.StringVar(&in.version, "version", "", "tempest version")
	flag.StringVar(&in.elapsed, "elapsed", "", "wall time of the run")
	flag.StringVar(&in.when, "when", "", "time of the run (default: the results file's mtime)")
	flag.StringVar(&in.column, "column", "", "merge the run into the report -o names as a second column of this name "+
		"(e.g. qemu), keeping the report's own run; -standalone gets the run's own report")
	flag.StringVar(&in.standalone, "standalone", "", "with -column: where the run's own report goes")
	flag.Parse()
	v, err := run(in, *resultsPath, *consolePath, *expectedPath, *knownPath, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tempestreport:", err)
		os.Exit(1)
	}
	for _, id := range v.nowPassing {
		fmt.Fprintf(os.Stderr, "tempestreport: listed as known but passed: %s (take it off the list)\n", id)
	}
	if msg := v.problem(); msg != "" {
		fmt.Fprintln(os.Stderr, "tempestreport:", msg)
		os.Exit(3)
	}
}

// input is what one report is made of.
type input struct {
	results                       []result
	reasons                       map[string]string // test id: skip or failure reason
	known                         known
	expected                      []string // test ids that must have a result; nil: not checked
	suite, version, elapsed, when string
	column, standalone            string
}

// verdict is what the run says beyond the counts.
type verdict struct {
	results    int
	unexpected int      // failures not known, and results of other statuses
	missing    []string // expected tests without a result
	nowPassing []string // known failures that passed
}

// problem says why the run fails, or "".
func (v verdict) problem() string {
	var p []string
	if v.results == 0 {
		p = append(p, "no results: Tempest did not run")
	}
	if v.unexpected > 0 {
		p = append(p, fmt.Sprintf("%d unexpected failures", v.unexpected))
	}
	if n := len(v.missing); n > 0 {
		p = append(p, fmt.Sprintf("%d listed tests have no result (Tempest aborted?), e.g. %s", n, v.missing[0]))
	}
	return strings.Join(p, "; ")
}

// run reads the files, writes the report and returns the verdict.
func run(in input, resultsPath, consolePath, expectedPath, knownPath, out string) (verdict, error) {
	var err error
	if in.results, err = readResults(resultsPath); err != nil {
		return verdict{}, err
	}
	if in.known, err = readKnown(knownPath); err != nil {
		return verdict{}, err
	}
	if expectedPath != "" {
		if in.expected, err = readExpected(expectedPath); err != nil {
			return verdict{}, err
		}
	}
	if in.when == "" {
		if st, err := os.Stat(resultsPath); err == nil {
			in.when = st.ModTime().UTC().Format(time.RFC3339)
		}
	}
	in.reasons = map[string]string{}
	if consolePath != "" {
		f, err := os.Open(consolePath)
		if err != nil {
			return verdict{}, err
		}
		in.reasons, err = readReasons(f)
		f.Close()
		if err != nil {
			return verdict{}, err
		}
	}
	var b strings.Builder
	v, err := write(&b, in)
	if err != nil {
		return v, err
	}
	doc := b.String()
	switch {
	case in.column != "":
		if in.standalone != "" {
			if err := os.WriteFile(in.standalone, []byte(doc), 0o644); err != nil {
				return v, err
			}
		}
		return v, merge(out, asColumn(in.column, doc))
	case out == "-":
		_, err = io.WriteString(os.Stdout, doc)
		return v, err
	}
	// A new run of the report's own configuration keeps its columns.
	if old, err := os.ReadFile(out); err == nil {
		doc = withColumns(doc, readColumns(string(old)))
	}
	return v, os.WriteFile(out, []byte(doc), 0o644)
}

// status maps subunit2csv's words to the report's; others stay as they are.
func status(s string) string {
	switch s {
	case "success", "passed":
		return "passed"
	case "fail", "failure", "failed":
		return "failed"
	case "skip", "skipped":
		return "skipped"
	}
	return s
}

// write renders the report of in to w and judges the run.
func write(w io.Writer, in input) (verdict, error) {
	v := verdict{results: len(in.results)}
	t := tally{byClass: map[string]*classStats{}}
	for _, r := range in.results {
		t.add(r, in, &v)
	}
	v.missing = missing(in.expected, in.results)
	t.names = make([]string, 0, len(t.byClass))
	for n := range t.byClass {
		t.names = append(t.names, n)
	}
	sort.Strings(t.names)
	b := &strings.Builder{}
	writeSummary(b, in, t, v)
	writeDetails(b, t, v)
	_, err := io.WriteString(w, b.String())
	return v, err
}

// tally is what the results of a run add up to, per class and in all.
type tally struct {
	byClass                               map[string]*classStats
	names                                 []string // of byClass, sorted
	total                                 classStats
	knownFailed, notApplicableFailed, odd int
}

// add counts result r in its class, notes why it failed or was skipped,
// and tells v what the run's verdict must know of it.
func (t *tally) add(r result, in input, v *verdict) {
	r.status = status(r.status)
	cn, test := r.class()
	c := t.byClass[cn]
	if c == nil {
		c = &classStats{name: cn}
		t.byClass[cn] = c
	}
	k, isKnown := in.known[r.id]
	reason := in.reasons[r.id]
	if reason == "" {
		reason = "(no reason recorded)"
	}
	switch r.status {
	case "passed":
		c.passed++
		t.total.passed++
		if isKnown && k.onNova != racy {
			v.nowPassing = append(v.nowPassing, r.id)
			listed := k.onNova + " on Nova"
			if k.onNova == notApplicable {
				listed = "not applicable"
			}
			c.notes = append(c.notes, fmt.Sprintf("passed `%s`, though listed as known (%s): take it off the list", test, listed))
		}
		return
	case "skipped":
		c.skipped++
		t.total.skipped++
	case "failed":
		c.failed++
		t.total.failed++
		switch {
		case isKnown && k.onNova == notApplicable:
			reason = fmt.Sprintf("**not applicable**: %s", k.reason)
			t.notApplicableFailed++
		case isKnown:
			reason = fmt.Sprintf("**%s on Nova**: %s", k.onNova, k.reason)
			t.knownFailed++
		default:
			v.unexpected++
		}
	default:
		// xfail, uxsuccess, exists, inprogress: not a result the
		// harness can vouch for.
		c.failed++
		t.total.failed++
		t.odd++
		v.unexpected++
		reason = fmt.Sprintf("status %q counts as a failure; %s", r.status, reason)
		r.status = "failed"
	}
	reason = strings.ReplaceAll(reason, "|", `\|`)
	c.notes = append(c.notes, fmt.Sprintf("%s `%s`: %s", r.status, test, reason))
}

// failureReasons counts the failures by reason, most frequent first (then
// by reason).
func (t tally) failureReasons() ([]string, map[string]int) {
	count := map[string]int{}
	for _, c := range t.byClass {
		for _, n := range c.notes {
			if strings.HasPrefix(n, "failed ") {
				count[n[strings.Index(n, ": ")+2:]]++
			}
		}
	}
	list := make([]string, 0, len(count))
	for r := range count {
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if count[a] != count[b] {
			return count[a] > count[b]
		}
		return a < b
	})
	return list, count
}

// writeSummary writes the report's title and its list of totals.
func writeSummary(b *strings.Builder, in input, t tally, v verdict) {
	fmt.Fprintf(b, "# Tempest compatibility\n\n")
	fmt.Fprintf(b, "Generated by `make tempest` (test/clients/tempest.sh, internal/tools/tempestreport); do not edit.\n\n")
	fmt.Fprintf(b, "- suite: `%s`\n", in.suite)
	if in.when != "" {
		fmt.Fprintf(b, "- run: %s", in.when)
		if in.elapsed != "" {
			fmt.Fprintf(b, " (%s)", in.elapsed)
		}
		fmt.Fprintln(b)
	}
	if in.version != "" {
		fmt.Fprintf(b, "- tempest: %s\n", in.version)
	}
	fmt.Fprintf(b, "- totals: **%d passed, %d failed, %d skipped** (%d results, %d classes)\n",
		t.total.passed, t.total.failed, t.total.skipped, len(in.results), len(t.names))
	fmt.Fprintf(b, "- failures that fail or are skipped on a real Nova with this configuration: %d (test/clients/tempest-known-failures.txt)\n",
		t.knownFailed)
	if t.notApplicableFailed > 0 {
		fmt.Fprintf(b, "- failures of what novalite does not serve (not applicable, with the reason): %d (the same list)\n",
			t.notApplicableFailed)
	}
	if t.odd > 0 {
		fmt.Fprintf(b, "- results with a status other than success, fail or skip (counted as failures): %d\n", t.odd)
	}
	if in.expected != nil {
		fmt.Fprintf(b, "- tests Tempest listed for the run: %d; without a result: %d\n", len(in.expected), len(v.missing))
	}
	if len(v.nowPassing) > 0 {
		fmt.Fprintf(b, "- listed as known but passed: %d (take them off the list)\n", len(v.nowPassing))
	}
}

// writeDetails writes the table of classes, the tests without a result,
// the failures by reason and every class's failures and skips.
func writeDetails(b *strings.Builder, t tally, v verdict) {
	fmt.Fprintf(b, "\nSkipped classes count as one result (`setUpClass`).\n\n")
	fmt.Fprintf(b, "| class | passed | failed | skipped |\n| --- | ---: | ---: | ---: |\n")
	for _, n := range t.names {
		c := t.byClass[n]
		fmt.Fprintf(b, "| %s | %d | %d | %d |\n", strings.TrimPrefix(n, "tempest.api."), c.passed, c.failed, c.skipped)
	}
	if len(v.missing) > 0 {
		fmt.Fprintf(b, "\n## Listed but without a result\n\n")
		for _, id := range v.missing {
			fmt.Fprintf(b, "- `%s`\n", id)
		}
	}
	if reasons, count := t.failureReasons(); len(reasons) > 0 {
		fmt.Fprintf(b, "\n## Failures by reason\n\n| failures | reason |\n| ---: | --- |\n")
		for _, r := range reasons {
			fmt.Fprintf(b, "| %d | %s |\n", count[r], r)
		}
	}
	fmt.Fprintf(b, "\n## Failures and skips\n")
	for _, n := range t.names {
		c := t.byClass[n]
		if len(c.notes) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n### %s\n\n", strings.TrimPrefix(n, "tempest.api."))
		for _, note := range c.notes {
			fmt.Fprintf(b, "- %s\n", note)
		}
	}
}
