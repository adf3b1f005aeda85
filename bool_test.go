package novalite

import "testing"

// TestBoolFromString: oslo's words, in any case and trimmed; anything
// else is unknown. Go's strconv.ParseBool differs on the rows marked:
// it refuses them or (for mixed case) reads them otherwise.
func TestBoolFromString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in           string
		value, known bool
	}{
		{"1", true, true}, {"t", true, true}, {"T", true, true}, {"true", true, true},
		{" TRUE ", true, true}, // ParseBool: error
		{"tRuE", true, true},   // ParseBool: error
		{"On", true, true},     // ParseBool: error
		{"y", true, true},      // ParseBool: error
		{"yes", true, true},    // ParseBool: error
		{"YES", true, true},    // ParseBool: error
		{"0", false, true}, {"f", false, true}, {"False", false, true},
		{"off", false, true}, {"n", false, true}, {"NO", false, true},
		{"", false, false}, {"2", false, false}, {"yep", false, false}, {"none", false, false},
		{"disabled", false, false},
	} {
		v, known := BoolFromString(tc.in)
		if v != tc.value || known != tc.known {
			t.Errorf("BoolFromString(%q) = %v, %v; want %v, %v", tc.in, v, known, tc.value, tc.known)
		}
	}
}
