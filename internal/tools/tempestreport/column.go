package main

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// A second column: the same suite run against another configuration of
// novalite (e.g. `serve --driver qemu`), shown beside the report's own
// counts in the class table, with its run and its failures and skips in
// a section of its own at the end. Merging a run as a column keeps the
// report's own run; regenerating the report keeps its columns.

// column is one merged run: per class its passed/failed/skipped cells,
// and its section.
type column struct {
	name    string
	cells   map[string][3]string // class (as shown) → cells
	section string
}

const tableHeader = "| class | passed | failed | skipped |"

func sectionStart(name string) string { return "<!-- column " + name + " -->" }

var sectionRE = regexp.MustCompile(`(?s)\n<!-- column (\S+) -->\n.*?<!-- end column \S+ -->\n`)

// cells splits a Markdown table row into its trimmed cells.
func cells(row string) []string {
	row = strings.TrimSpace(row)
	if !strings.HasPrefix(row, "|") || !strings.HasSuffix(row, "|") {
		return nil
	}
	parts := strings.Split(row[1:len(row)-1], " | ")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// readColumns returns the columns merged into doc.
func readColumns(doc string) []column {
	lines := strings.Split(doc, "\n")
	var cols []column
	for i, l := range lines {
		if !strings.HasPrefix(l, tableHeader) {
			continue
		}
		head := cells(l)
		for g := 4; g+2 < len(head); g += 3 {
			cols = append(cols, column{name: strings.TrimSuffix(head[g], " passed"), cells: map[string][3]string{}})
		}
		for _, r := range lines[i+2:] {
			c := cells(r)
			if c == nil {
				break
			}
			for k := range cols {
				if g := 4 + 3*k; g+2 < len(c) {
					cols[k].cells[c[0]] = [3]string{c[g], c[g+1], c[g+2]}
				}
			}
		}
		break
	}
	for _, m := range sectionRE.FindAllStringSubmatchIndex(doc, -1) {
		name := doc[m[2]:m[3]]
		for k := range cols {
			if cols[k].name == name {
				cols[k].section = doc[m[0]+1 : m[1]]
			}
		}
	}
	return cols
}

// withColumns is doc (a report without columns) with cols added.
func withColumns(doc string, cols []column) string {
	if len(cols) == 0 {
		return doc
	}
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], tableHeader) {
			continue
		}
		for _, c := range cols {
			lines[i] += fmt.Sprintf(" %s passed | %[1]s failed | %[1]s skipped |", c.name)
			lines[i+1] += " ---: | ---: | ---: |"
		}
		seen := map[string]bool{}
		j := i + 2
		for ; j < len(lines) && cells(lines[j]) != nil; j++ {
			class := cells(lines[j])[0]
			seen[class] = true
			for _, c := range cols {
				v, ok := c.cells[class]
				if !ok {
					v = [3]string{"–", "–", "–"}
				}
				lines[j] += fmt.Sprintf(" %s | %s | %s |", v[0], v[1], v[2])
			}
		}
		// Classes only a column ran.
		var extra []string
		for _, c := range cols {
			for class := range c.cells {
				if seen[class] {
					continue
				}
				seen[class] = true
				row := "| " + class + " | – | – | – |"
				for _, c2 := range cols {
					v, ok := c2.cells[class]
					if !ok {
						v = [3]string{"–", "–", "–"}
					}
					row += fmt.Sprintf(" %s | %s | %s |", v[0], v[1], v[2])
				}
				extra = append(extra, row)
			}
		}
		sort.Strings(extra)
		lines = append(lines[:j], append(extra, lines[j:]...)...)
		break
	}
	out := strings.Join(lines, "\n")
	for _, c := range cols {
		if c.section != "" {
			out += "\n" + c.section
		}
	}
	return out
}

// asColumn turns a standalone report of a run into column name: its
// table's counts, and its summary and failures as a section.
func asColumn(name, report string) column {
	c := column{name: name, cells: map[string][3]string{}}
	var summary, rest []string
	lines := strings.Split(report, "\n")
	inTable, after := false, false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, tableHeader):
			inTable = true
			continue
		case inTable && strings.HasPrefix(l, "| ---"):
			continue
		case inTable && cells(l) != nil:
			v := cells(l)
			c.cells[v[0]] = [3]string{v[1], v[2], v[3]}
			continue
		case inTable:
			inTable, after = false, true
		}
		if after {
			if strings.HasPrefix(l, "#") {
				l = "#" + l // one level down, under the column's heading
			}
			rest = append(rest, l)
		} else if strings.HasPrefix(l, "- ") {
			summary = append(summary, l)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Column %s\n\n", sectionStart(name), name)
	fmt.Fprintf(&b, "The run shown in the table's %s columns (test/clients/tempest.sh says how each is made).\n\n", name)
	for _, l := range summary {
		b.WriteString(l + "\n")
	}
	b.WriteString(strings.TrimRight(strings.Join(rest, "\n"), "\n") + "\n")
	fmt.Fprintf(&b, "<!-- end column %s -->\n", name)
	c.section = b.String()
	return c
}

// merge writes col into the report at path, replacing a column of the
// same name and keeping the others.
func merge(path string, col column) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(old)
	cols := readColumns(doc)
	base := stripColumns(doc, len(cols))
	kept := []column{}
	for _, c := range cols {
		if c.name != col.name {
			kept = append(kept, c)
		}
	}
	return os.WriteFile(path, []byte(withColumns(base, append(kept, col))), 0o644)
}

// stripColumns is doc without its n columns and their sections.
func stripColumns(doc string, n int) string {
	doc = sectionRE.ReplaceAllString(doc, "\n")
	doc = strings.TrimRight(doc, "\n") + "\n"
	if n == 0 {
		return doc
	}
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, tableHeader) {
			continue
		}
		lines[i] = tableHeader
		lines[i+1] = "| --- | ---: | ---: | ---: |"
		var kept []string
		kept = append(kept, lines[:i+2]...)
		j := i + 2
		for ; j < len(lines) && cells(lines[j]) != nil; j++ {
			c := cells(lines[j])
			if c[1] == "–" { // a class only a column ran
				continue
			}
			kept = append(kept, "| "+strings.Join(c[:4], " | ")+" |")
		}
		return strings.Join(append(kept, lines[j:]...), "\n")
	}
	return doc
}
