package store

import (
	"testing"

	"novalite"
)

// FuzzRegexTranslate: any pattern is either refused as Invalid or
// accepted by both engines' forms: Go compiles it for SQLite, and the
// PostgreSQL translation is produced (TestRegexDialect runs such
// translations on PostgreSQL).
func FuzzRegexTranslate(f *testing.F) {
	for _, s := range []string{"^web1$", `\d{2,}`, "a{300}", "(?P<x>a)", `\z`, `\pL`, "[^a-z]", "(a|b)*c+?",
		`\bx\B`, "(?i)Ab", "(?s).", "[[:alpha:]]", `\Q.*\E`, "x{0}", "()"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		pg, err := regexTranslate(Postgres, pattern)
		if err != nil {
			if novalite.KindOf(err) != novalite.Invalid {
				t.Fatalf("%q: %v", pattern, err)
			}
			return
		}
		if pg == "" && pattern != "" {
			t.Fatalf("%q: empty translation", pattern)
		}
		lite, err := regexTranslate(SQLite, pattern)
		if err != nil {
			t.Fatalf("%q: accepted for PostgreSQL, refused for SQLite: %v", pattern, err)
		}
		if _, err := compileRegex(lite); err != nil {
			t.Fatalf("%q: accepted but Go does not compile it: %v", pattern, err)
		}
	})
}
