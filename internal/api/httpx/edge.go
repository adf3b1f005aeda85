package httpx

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"novalite"
)

// Dialect picks the error writer of the API a request is addressed to.
type Dialect func(r *http.Request) ErrorWriter

// Edge refuses, in the addressed API's error dialect, what no route of
// any API can take, before a router or the store sees it:
//
//   - a path that is not clean ("..", "." or an empty segment, also when
//     percent-encoded) or holds NUL or invalid UTF-8: 404, as Nova and
//     Keystone answer for a path that names nothing (http.ServeMux would
//     redirect to the cleaned path, which Nova never does);
//   - a query string that does not decode, or whose names or values hold
//     NUL or invalid UTF-8: 400.
//
// PostgreSQL refuses NUL and invalid UTF-8 in text, so without this an
// id or filter made of them answers 500 there and an empty list on
// SQLite.
func Edge(next http.Handler, dialect Dialect) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanPath(r.URL.Path) {
			dialect(r)(w, r, &novalite.Error{Kind: novalite.NotFound, Message: "The resource could not be found."})
			return
		}
		if err := checkQuery(r.URL.RawQuery); err != nil {
			dialect(r)(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cleanPath reports whether p (decoded) is a path a route can match:
// valid text, no "." or ".." segment, no empty segment but a trailing
// one.
func cleanPath(p string) bool {
	if !ValidText(p) || !strings.HasPrefix(p, "/") {
		return false
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		switch {
		case s == "." || s == "..":
			return false
		case s == "" && i != len(segs)-1:
			return false
		}
	}
	return true
}

func checkQuery(raw string) error {
	if raw == "" {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return &novalite.Error{Kind: novalite.Invalid, Message: "Invalid query string.", Err: err}
	}
	for k, vs := range q {
		if !ValidText(k) {
			return &novalite.Error{Kind: novalite.Invalid, Message: "Invalid query parameter name."}
		}
		for _, v := range vs {
			if !ValidText(v) {
				return &novalite.Error{Kind: novalite.Invalid,
					Message: "Invalid value for query parameter " + k + "."}
			}
		}
	}
	return nil
}

// ValidText reports whether s is text every engine stores as given:
// valid UTF-8 without NUL.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// validJSONText reports whether the JSON document b is valid UTF-8 and
// none of its strings holds NUL (an escaped \u0000; a raw NUL byte is not
// valid JSON anyway). An escaped backslash is skipped whole, so "\\u0000"
// (a backslash followed by "u0000") is text, not NUL.
func validJSONText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) && string(b[i+2:i+6]) == "0000" {
			return false
		}
		i++ // the escaped character
	}
	return true
}
