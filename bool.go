package novalite

import (
	"slices"
	"strings"
)

// Oslo's strutils.bool_from_string words (compared trimmed, in any case).
var (
	trueStrings  = []string{"1", "t", "true", "on", "y", "yes"}
	falseStrings = []string{"0", "f", "false", "off", "n", "no"}
)

// BoolFromString is oslo.utils' strutils.bool_from_string, which Nova
// reads its boolean words with (query filters, image properties such as
// auto_disk_config, legacy block device mappings): known is false for a
// word that is neither true nor false, which strict callers refuse and
// the others read as false (oslo's default). It lives here because the
// API and the compute service both read such words.
func BoolFromString(v string) (value, known bool) {
	l := strings.ToLower(strings.TrimSpace(v))
	switch {
	case slices.Contains(trueStrings, l):
		return true, true
	case slices.Contains(falseStrings, l):
		return false, true
	}
	return false, false
}
