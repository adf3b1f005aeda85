// Command tempestreport turns the results of a Tempest run (the shared
// harness's NAME.txt and NAME.console.txt) into a Markdown compatibility
// report: per test class the passed/failed/skipped counts, and a one-line
// reason for every failure and skip.
//
//	go run ./internal/tools/tempestreport -results R.txt -console R.console.txt -o docs/compatibility.md
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
	knownFailed             int      // failures listed as failing on Nova too
	notes                   []string // "failed|skipped test: reason"
}

func main() {
	resultsPath := flag.String("results", "", "NAME.txt (status<TAB>test-id per line)")
	consolePath := flag.String("console", "", "NAME.console.txt (optional; skip and failure reasons)")
	out := flag.String("o", "-", "output file")
	suite := flag.String("suite", "servers", "suite or regex that was run")
	version := flag.String("version", "", "tempest version")
	elapsed := flag.String("elapsed", "", "wall time of the run")
	when := flag.String("when", "", "time of the run (default: the results file's mtime)")
	knownPath := flag.String("known", "", "known failures: test id (or prefix) TAB reason, per line")
	flag.Parse()
	unexpected, err := run(*resultsPath, *consolePath, *knownPath, *out, *suite, *version, *elapsed, *when)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tempestreport:", err)
		os.Exit(1)
	}
	if unexpected > 0 {
		fmt.Fprintf(os.Stderr, "tempestreport: %d unexpected failures\n", unexpected)
		os.Exit(3)
	}
}

// known is a list of tests that fail on Nova too, by id prefix.
type known []struct{ prefix, reason string }

func readKnown(path string) (known, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var k known
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		prefix, reason, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("%s: no tab in %q", path, line)
		}
		k = append(k, struct{ prefix, reason string }{prefix, reason})
	}
	return k, nil
}

// reason returns why test id is known to fail, or "".
func (k known) reason(id string) string {
	for _, e := range k {
		if strings.HasPrefix(id, e.prefix) {
			return e.reason
		}
	}
	return ""
}

// run writes the report and returns how many failures are not known.
func run(resultsPath, consolePath, knownPath, out, suite, version, elapsed, when string) (int, error) {
	rs, err := readResults(resultsPath)
	if err != nil {
		return 0, err
	}
	kn, err := readKnown(knownPath)
	if err != nil {
		return 0, err
	}
	if when == "" {
		if st, err := os.Stat(resultsPath); err == nil {
			when = st.ModTime().UTC().Format(time.RFC3339)
		}
	}
	reasons := map[string]string{}
	if consolePath != "" {
		f, err := os.Open(consolePath)
		if err != nil {
			return 0, err
		}
		reasons, err = readReasons(f)
		f.Close()
		if err != nil {
			return 0, err
		}
	}
	var w io.Writer = os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		w = f
	}
	return write(w, rs, reasons, kn, suite, version, elapsed, when)
}

func write(w io.Writer, rs []result, reasons map[string]string, kn known, suite, version, elapsed, when string) (int, error) {
	unexpected := 0
	byClass := map[string]*classStats{}
	var total classStats
	for _, r := range rs {
		// The harness passes some of subunit2csv's words through.
		switch r.status {
		case "success":
			r.status = "passed"
		case "fail", "failure":
			r.status = "failed"
		case "skip":
			r.status = "skipped"
		}
		cn, test := r.class()
		c := byClass[cn]
		if c == nil {
			c = &classStats{name: cn}
			byClass[cn] = c
		}
		switch r.status {
		case "passed":
			c.passed++
			total.passed++
			continue
		case "failed":
			c.failed++
			total.failed++
		case "skipped":
			c.skipped++
			total.skipped++
		}
		reason := reasons[r.id]
		if reason == "" {
			reason = "(no reason recorded)"
		}
		if r.status == "failed" {
			if why := kn.reason(r.id); why != "" {
				reason = "**fails on Nova too**: " + why
				total.knownFailed++
			} else {
				unexpected++
			}
		}
		reason = strings.ReplaceAll(reason, "|", `\|`)
		c.notes = append(c.notes, fmt.Sprintf("%s `%s`: %s", r.status, test, reason))
	}
	names := make([]string, 0, len(byClass))
	for n := range byClass {
		names = append(names, n)
	}
	sort.Strings(names)

	reasonCount := map[string]int{}
	for _, c := range byClass {
		for _, n := range c.notes {
			if strings.HasPrefix(n, "failed ") {
				reasonCount[n[strings.Index(n, ": ")+2:]]++
			}
		}
	}
	reasonList := make([]string, 0, len(reasonCount))
	for r := range reasonCount {
		reasonList = append(reasonList, r)
	}
	sort.Slice(reasonList, func(i, j int) bool {
		a, b := reasonList[i], reasonList[j]
		if reasonCount[a] != reasonCount[b] {
			return reasonCount[a] > reasonCount[b]
		}
		return a < b
	})

	b := &strings.Builder{}
	fmt.Fprintf(b, "# Tempest compatibility\n\n")
	fmt.Fprintf(b, "Generated by `make tempest` (test/clients/tempest.sh, internal/tools/tempestreport); do not edit.\n\n")
	fmt.Fprintf(b, "- suite: `%s`\n", suite)
	if when != "" {
		fmt.Fprintf(b, "- run: %s", when)
		if elapsed != "" {
			fmt.Fprintf(b, " (%s)", elapsed)
		}
		fmt.Fprintln(b)
	}
	if version != "" {
		fmt.Fprintf(b, "- tempest: %s\n", version)
	}
	fmt.Fprintf(b, "- totals: **%d passed, %d failed, %d skipped** (%d results, %d classes)\n",
		total.passed, total.failed, total.skipped, len(rs), len(names))
	fmt.Fprintf(b, "- failures that also fail on a real Nova with this configuration: %d (test/clients/tempest-known-failures.txt)\n\n",
		total.knownFailed)
	fmt.Fprintf(b, "Skipped classes count as one result (`setUpClass`).\n\n")
	fmt.Fprintf(b, "| class | passed | failed | skipped |\n| --- | ---: | ---: | ---: |\n")
	for _, n := range names {
		c := byClass[n]
		fmt.Fprintf(b, "| %s | %d | %d | %d |\n", strings.TrimPrefix(n, "tempest.api."), c.passed, c.failed, c.skipped)
	}
	if len(reasonList) > 0 {
		fmt.Fprintf(b, "\n## Failures by reason\n\n| failures | reason |\n| ---: | --- |\n")
		for _, r := range reasonList {
			fmt.Fprintf(b, "| %d | %s |\n", reasonCount[r], r)
		}
	}
	fmt.Fprintf(b, "\n## Failures and skips\n")
	for _, n := range names {
		c := byClass[n]
		if len(c.notes) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n### %s\n\n", strings.TrimPrefix(n, "tempest.api."))
		for _, note := range c.notes {
			fmt.Fprintf(b, "- %s\n", note)
		}
	}
	_, err := io.WriteString(w, b.String())
	return unexpected, err
}
