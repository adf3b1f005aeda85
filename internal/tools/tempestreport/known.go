package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// knownEntry is a test that fails against novalite and that, with the
// same configuration, fails or is skipped on a real Nova too; or
// (notApplicable) one that tests what novalite does not serve: a part
// of Cinder outside the block storage subset, say; or (racy) one whose
// outcome on Nova too depends on what Tempest's other workers are
// doing meanwhile, so that it passes in some runs and fails in others.
type knownEntry struct {
	onNova string // "failed", "skipped", racy or notApplicable
	reason string
}

// notApplicable marks a test of something outside what novalite serves.
const notApplicable = "not-applicable"

// racy marks a test that passes or fails on Nova as the run's timing
// goes: its passing is not news, its failing is known.
const racy = "racy"

// known maps full test ids (pkg.module.Class.test_name) to their entry.
type known map[string]knownEntry

// readKnown reads "test-id TAB failed|skipped|racy|not-applicable TAB reason"
// lines. Entries name single tests: a class or module prefix would hide
// new failures. A not-applicable class that fails as a whole is named as
// its result is: "setUpClass (pkg.module.Class)" (or tearDownClass).
func readKnown(path string) (known, error) {
	k := known{}
	if path == "" {
		return k, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || f[2] == "" {
			return nil, fmt.Errorf("%s:%d: want test id, failed|skipped|racy|not-applicable and a reason, tab-separated", path, i+1)
		}
		id, onNova := f[0], f[1]
		if onNova != "failed" && onNova != "skipped" && onNova != racy && onNova != notApplicable {
			return nil, fmt.Errorf("%s:%d: %q: say whether Nova failed or skipped it, that it is racy there, or that it is not applicable", path, i+1, onNova)
		}
		whole := (strings.HasPrefix(id, "setUpClass (") || strings.HasPrefix(id, "tearDownClass (")) && strings.HasSuffix(id, ")")
		if whole && onNova != notApplicable {
			return nil, fmt.Errorf("%s:%d: only a not-applicable entry names a whole class", path, i+1)
		}
		if j := strings.LastIndex(id, "."); !whole && (j < 0 || !strings.HasPrefix(id[j+1:], "test_")) {
			return nil, fmt.Errorf("%s:%d: %q is not a test id (pkg.module.Class.test_name)", path, i+1, id)
		}
		if _, dup := k[id]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", path, i+1, id)
		}
		k[id] = knownEntry{onNova, f[2]}
	}
	return k, nil
}

// readExpected reads the ids `tempest run --list-tests` printed, without
// their "[id-…,smoke]" attributes.
func readExpected(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids := []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if id := strings.TrimSpace(sc.Text()); strings.HasPrefix(id, "tempest.") {
			ids = append(ids, idTagsRE.ReplaceAllString(id, ""))
		}
	}
	return ids, sc.Err()
}

// missing returns the expected tests without a result of their own or of
// their class's setUpClass (a class skipped or failed as a whole).
func missing(expected []string, rs []result) []string {
	have := map[string]bool{}
	for _, r := range rs {
		if strings.HasPrefix(r.id, "setUpClass (") {
			cls, _ := r.class()
			have[cls] = true
		} else {
			have[r.id] = true
		}
	}
	var out []string
	for _, id := range expected {
		cls := id[:max(strings.LastIndex(id, "."), 0)]
		if !have[id] && !have[cls] {
			out = append(out, id)
		}
	}
	return out
}
