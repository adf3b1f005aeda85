package store

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"

	"novalite"
)

// Regex list filters (Nova's name=, ip=, … on servers and flavors) speak
// one dialect on both engines: Go's RE2 syntax without what PostgreSQL's
// ARE engine lacks. A pattern is parsed here once; SQLite matches the
// pattern itself with Go's regexp, PostgreSQL a translation of its syntax
// tree into ARE, so both engines accept the same patterns and agree on
// what they match. Nova passes patterns to its database unchecked, so a
// pattern its database rejects answers 500 there; here it is 400.
const (
	// regexMaxLen bounds a pattern: server and flavor names are at most
	// 255 characters, so longer patterns serve no purpose.
	regexMaxLen = 1024
	// regexMaxInsts bounds the compiled program, whose size a short
	// pattern can blow up ("(a{255}){255}").
	regexMaxInsts = 10000
	// pgMaxRepeat is PostgreSQL's largest repetition count (DUPMAX).
	pgMaxRepeat = 255
)

// regexParseFlags is Go's regexp.Compile syntax without Unicode classes
// (\pL), which ARE does not have, and case-insensitive as matching is:
// classes are folded before they are negated, as ~* does.
const regexParseFlags = syntax.Perl&^syntax.UnicodeGroups | syntax.FoldCase

func invalidRegex(pattern, why string) error {
	return &novalite.Error{Kind: novalite.Invalid,
		Message: fmt.Sprintf("Invalid regular expression %q: %s.", truncate(pattern, 64), why)}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// regexTranslate checks pattern against the dialect and returns it as
// the engine matches it.
func regexTranslate(engine Engine, pattern string) (string, error) {
	if len(pattern) > regexMaxLen {
		return "", invalidRegex(pattern, fmt.Sprintf("longer than %d bytes", regexMaxLen))
	}
	re, err := syntax.Parse(pattern, regexParseFlags)
	if err != nil {
		return "", invalidRegex(pattern, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil || len(prog.Inst) > regexMaxInsts {
		return "", invalidRegex(pattern, "too complex")
	}
	var b strings.Builder
	if err := writeARE(&b, re); err != nil {
		return "", invalidRegex(pattern, err.Error())
	}
	if engine == Postgres {
		return b.String(), nil
	}
	return pattern, nil
}

// writeARE writes re in PostgreSQL's ARE syntax, or says what of it ARE
// cannot express. Greediness is dropped: it never changes whether a
// pattern matches.
func writeARE(b *strings.Builder, re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpNoMatch:
		return fmt.Errorf("matches nothing")
	case syntax.OpEmptyMatch:
		b.WriteString("(?:)")
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			writeRune(b, r)
		}
	case syntax.OpCharClass:
		if !writeClass(b, re.Rune) {
			return fmt.Errorf("matches nothing")
		}
	case syntax.OpAnyCharNotNL:
		b.WriteString(`[^\n]`)
	case syntax.OpAnyChar:
		b.WriteString(".")
	case syntax.OpBeginText:
		b.WriteString("^")
	case syntax.OpEndText: // "$" and "\z": the end of the text in both
		b.WriteString("$")
	case syntax.OpBeginLine, syntax.OpEndLine:
		return fmt.Errorf("multi-line anchors are not supported")
	case syntax.OpWordBoundary:
		b.WriteString(`\y`)
	case syntax.OpNoWordBoundary:
		b.WriteString(`\Y`)
	case syntax.OpCapture:
		if re.Name != "" {
			return fmt.Errorf("named groups are not supported")
		}
		b.WriteString("(")
		if err := writeARE(b, re.Sub[0]); err != nil {
			return err
		}
		b.WriteString(")")
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		if err := writeGroup(b, re.Sub[0]); err != nil {
			return err
		}
		b.WriteString(map[syntax.Op]string{syntax.OpStar: "*", syntax.OpPlus: "+", syntax.OpQuest: "?"}[re.Op])
	case syntax.OpRepeat:
		if re.Min > pgMaxRepeat || re.Max > pgMaxRepeat {
			return fmt.Errorf("repetition counts above %d are not supported", pgMaxRepeat)
		}
		if err := writeGroup(b, re.Sub[0]); err != nil {
			return err
		}
		switch {
		case re.Max == -1:
			fmt.Fprintf(b, "{%d,}", re.Min)
		case re.Max == re.Min:
			fmt.Fprintf(b, "{%d}", re.Min)
		default:
			fmt.Fprintf(b, "{%d,%d}", re.Min, re.Max)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if err := writeGroup(b, s); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		b.WriteString("(?:")
		for i, s := range re.Sub {
			if i > 0 {
				b.WriteString("|")
			}
			if err := writeARE(b, s); err != nil {
				return err
			}
		}
		b.WriteString(")")
	default:
		return fmt.Errorf("unsupported construct")
	}
	return nil
}

// writeGroup writes re as one atom, so that a quantifier or a neighbour
// applies to all of it.
func writeGroup(b *strings.Builder, re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 1 {
			return writeARE(b, re)
		}
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL, syntax.OpCapture, syntax.OpAlternate:
		return writeARE(b, re)
	}
	b.WriteString("(?:")
	if err := writeARE(b, re); err != nil {
		return err
	}
	b.WriteString(")")
	return nil
}

// writeRune writes r as a literal: ASCII letters and digits as
// themselves, everything else as a character-entry escape, which ARE
// reads the same inside and outside brackets.
func writeRune(b *strings.Builder, r rune) {
	switch {
	case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		b.WriteRune(r)
	case r <= 0xFFFF:
		fmt.Fprintf(b, `\u%04x`, r)
	default:
		fmt.Fprintf(b, `\U%08x`, r)
	}
}

// writeClass writes the ranges of a character class as a bracket
// expression. NUL cannot occur in stored text, so ranges start at 1; a
// class left empty is refused (false).
func writeClass(b *strings.Builder, ranges []rune) bool {
	b.WriteString("[")
	n := 0
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := max(ranges[i], 1), ranges[i+1]
		if hi < lo {
			continue
		}
		n++
		writeRune(b, lo)
		if hi != lo {
			b.WriteString("-")
			writeRune(b, hi)
		}
	}
	b.WriteString("]")
	return n > 0
}

// compileRegex compiles a pattern of the dialect for SQLite's regexp():
// unanchored and case-insensitive, as MySQL (Nova's usual database)
// matches and PostgreSQL's ~* does.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	return regexp.Compile("(?i)" + pattern)
}
