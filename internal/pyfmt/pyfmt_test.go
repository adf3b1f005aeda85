package pyfmt

import (
	"encoding/json"
	"testing"
)

// The wanted strings are what CPython 3 prints for the same values.
func TestReprAndStr(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		v         any
		repr, str string
	}{
		{"none", nil, "None", "None"},
		{"true", true, "True", "True"},
		{"false", false, "False", "False"},
		{"number", json.Number("1.50"), "1.50", "1.50"},
		{"float", 2.5, "2.5", "2.5"},
		{"string", "abc", "'abc'", "abc"},
		{"single quote", "it's", `"it's"`, "it's"},
		{"both quotes", `it's "x"`, `'it\'s "x"'`, `it's "x"`},
		{"escapes", "a\\b\n\t\r", `'a\\b\n\t\r'`, "a\\b\n\t\r"},
		{"list", []any{"a", json.Number("1"), nil}, "['a', 1, None]", "['a', 1, None]"},
		{"dict sorted", map[string]any{"b": true, "a": []any{}}, "{'a': [], 'b': True}", "{'a': [], 'b': True}"},
	} {
		if got := Repr(c.v); got != c.repr {
			t.Errorf("%s: Repr = %s, want %s", c.name, got, c.repr)
		}
		if got := Str(c.v); got != c.str {
			t.Errorf("%s: Str = %s, want %s", c.name, got, c.str)
		}
	}
}
