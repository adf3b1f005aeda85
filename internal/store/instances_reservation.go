package store

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"novalite"
)

// Clients find the servers of one max_count create by listing them with
// reservation_id=<the id the create returned> (openstacksdk, novaclient,
// the bench's poll). Nova matches that filter as an unanchored regex, so
// no index serves it as such: with 100,000 servers in the project SQLite
// walked the project's created_at index and ran the regex on every row
// (a poll cost ~25 ms of CPU). Reservation ids all have one form
// (novalite.ReservationIDLen characters of [0-9a-z-]), so a pattern that
// is an ASCII literal of that length matches an id only when the id
// contains it, which at equal length is equality up to case: the lower
// case pattern is then the reservation index's key. The regex condition
// stays beside the equality, so the filter means what it meant.

// reservationLiteral is the reservation id that a regex filter on column
// can only match, if the pattern names one.
func reservationLiteral(column, pattern string) (string, bool) {
	if column != "reservation_id" || len(pattern) > 4*novalite.ReservationIDLen {
		return "", false
	}
	re, err := syntax.Parse(pattern, regexParseFlags)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	if re.Op != syntax.OpLiteral || len(re.Rune) != novalite.ReservationIDLen {
		return "", false
	}
	// The parser keeps each rune of a case-folded literal as the least of
	// its fold orbit (ſ as S, the Kelvin sign as K): ASCII wherever an id
	// could match it. A literal beyond ASCII matches no id;
	// the regex alone answers it.
	lit := string(re.Rune)
	for i := 0; i < len(lit); i++ {
		if lit[i] >= utf8.RuneSelf {
			return "", false
		}
	}
	return strings.ToLower(lit), true
}
