package httpx

import "testing"

func TestCleanPath(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"/":                     true,
		"/compute/v2.1/":        true,
		"/compute/v2.1/servers": true,
		"/a/../b":               false,
		"/a/./b":                false,
		"/a/..":                 false,
		"//a":                   false,
		"/a//b":                 false,
		"/a/\x00":               false,
		"/a/\xff":               false,
		"a/b":                   false,
		"/a/..b":                true,
	}
	for p, want := range cases {
		if got := cleanPath(p); got != want {
			t.Errorf("cleanPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestValidJSONText(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		`{"a": "b"}`:        true,
		`{"a": "\u0000"}`:   false,
		`{"a\u0000": 1}`:    false,
		`{"a": "\\u0000"}`:  true, // a backslash, then "u0000"
		`{"a": "\\\u0000"}`: false,
		`{"a": "\u00001"}`:  false,
		`{"a": "\u0001"}`:   true,
		"{\"a\": \"\xff\"}": false,
		"{\"a\": \"\xc3\"}": false,
		`{"a": "é"}`:        true,
		`{"a": "\ud800"}`:   true, // a lone surrogate decodes to U+FFFD
		`"trailing \`:       true,
	}
	for b, want := range cases {
		if got := validJSONText([]byte(b)); got != want {
			t.Errorf("validJSONText(%q) = %v, want %v", b, got, want)
		}
	}
}
