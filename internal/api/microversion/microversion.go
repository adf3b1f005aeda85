// Package microversion parses and negotiates Nova's API microversions
// (OpenStack-API-Version: compute X.Y and X-OpenStack-Nova-API-Version).
package microversion

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"novalite"
)

// Version is a microversion X.Y.
type Version struct{ Major, Minor int }

// Min and Max are the microversions novalite serves.
var (
	Min = Version{2, 1}
	Max = Version{2, 104}
)

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// AtLeast reports whether v ≥ major.minor.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// AtMost reports whether v ≤ major.minor.
func (v Version) AtMost(major, minor int) bool {
	return v.Major < major || (v.Major == major && v.Minor <= minor)
}

// Less reports whether v < w.
func (v Version) Less(w Version) bool { return !v.AtLeast(w.Major, w.Minor) }

// parse parses "X.Y" or "latest": X a number without leading zeros and
// not 0, Y a number without leading zeros, ASCII digits only (Nova's
// ^([1-9]\d*)\.([1-9]\d*|0)$, checked by hand: a regular expression was
// a tenth of the API's frame for a show).
func parse(s string) (Version, error) {
	if s == "latest" {
		return Max, nil
	}
	if x, y, ok := wellFormed(s); ok {
		major, err1 := strconv.Atoi(x)
		minor, err2 := strconv.Atoi(y)
		if err1 == nil && err2 == nil {
			return Version{major, minor}, nil
		}
	}
	return Version{}, novalite.Errorf(novalite.Invalid,
		"API Version String %s is of invalid format. Must be of format MajorNum.MinorNum.", s)
}

// wellFormed splits s into its numbers when it has Nova's format.
func wellFormed(s string) (x, y string, ok bool) {
	x, y, ok = strings.Cut(s, ".")
	return x, y, ok && number(x) && x[0] != '0' && number(y) && (y == "0" || y[0] != '0')
}

// number reports whether s is one or more ASCII digits.
func number(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// requested returns the version string asked for in h, or "" (h's keys
// are canonical, as net/http makes them and http.Header's methods read
// them).
// OpenStack-API-Version naming compute wins over the legacy header; in
// either, the last value wins.
func requested(h http.Header) string {
	var v string
	for _, line := range h[keyVersion] {
		for part := range strings.SplitSeq(line, ",") {
			var f [2]string
			n := 0
			for w := range strings.FieldsSeq(part) {
				if n < len(f) {
					f[n] = w
				}
				n++
			}
			if n == 2 && strings.EqualFold(f[0], "compute") {
				v = f[1]
			}
		}
	}
	if v != "" {
		return v
	}
	for _, line := range h[keyNovaVersion] {
		for part := range strings.SplitSeq(line, ",") {
			if p := strings.TrimSpace(part); p != "" {
				v = p
			}
		}
	}
	return v
}

// Negotiate returns the microversion of a request: 2.1 when none is
// asked, 400 for a malformed value, 406 outside [Min, Max].
func Negotiate(h http.Header) (Version, error) {
	s := requested(h)
	if s == "" {
		return Min, nil
	}
	return ParseIn(s, Min, Max)
}

// ParseIn parses s as parse does and answers 406, in the words Nova and
// Cinder share, for a version outside [min, max].
func ParseIn(s string, min, max Version) (Version, error) {
	v, err := parse(s)
	_, _, formed := wellFormed(s)
	if formed && (err != nil || v.Less(min) || max.Less(v)) {
		// Nova's and Cinder's numbers are Python ints, without bound: a
		// well-formed version past an int is past any maximum too (406,
		// where parse alone says 400). s is v's string when well-formed.
		return v, novalite.Errorf(novalite.NotAcceptable,
			"Version %s is not supported by the API. Minimum is %s and maximum is %s.", s, min, max)
	}
	return v, err
}

// SetHeaders writes the response headers that echo v.
func SetHeaders(h http.Header, v Version) {
	if v.Major != 2 || v.Minor < 0 || v.Minor >= len(echoes) {
		setHeaders(h, v)
		return
	}
	e := &echoes[v.Minor]
	h[keyVersion], h[keyNovaVersion] = e.version, e.novaVersion
	if old := h[keyVary]; len(old) > 0 {
		h[keyVary] = append(old, vary...)
	} else {
		h[keyVary] = vary
	}
}

// setHeaders is SetHeaders through http.Header's methods.
func setHeaders(h http.Header, v Version) {
	h.Set("OpenStack-API-Version", "compute "+v.String())
	h.Set("X-OpenStack-Nova-API-Version", v.String())
	h.Add("Vary", "OpenStack-API-Version")
	h.Add("Vary", "X-OpenStack-Nova-API-Version")
}

// The values SetHeaders writes for each 2.x up to Max, made once and
// shared by every answer: writing them was a tenth of a show's time in
// the API's frame (a key's canonical form, the version's string, four
// slices). Each slice is full (len = cap), so that a later Add to one of
// these headers copies it and never writes into the shared array.
var (
	keyVersion     = http.CanonicalHeaderKey("OpenStack-API-Version")
	keyNovaVersion = http.CanonicalHeaderKey("X-OpenStack-Nova-API-Version")
	keyVary        = http.CanonicalHeaderKey("Vary")
	vary           = []string{"OpenStack-API-Version", "X-OpenStack-Nova-API-Version"}
	echoes         = func() []struct{ version, novaVersion []string } {
		out := make([]struct{ version, novaVersion []string }, Max.Minor+1)
		for minor := range out {
			v := Version{2, minor}.String()
			out[minor].version, out[minor].novaVersion = []string{"compute " + v}, []string{v}
		}
		return out
	}()
)
