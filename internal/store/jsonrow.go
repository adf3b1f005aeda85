package store

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonRow is a row that SQLite returned as one JSON array of its columns
// (json_array(a, b, …)). Through the pure-Go driver every column of every
// row costs a type lookup and a value read, each under the connection's
// mutex, and a Go string; one text column a row costs that once, and
// Scan takes the strings that need no unescaping out of the row's text
// without copying them.
type jsonRow string

var errJSONRow = errors.New("store: malformed JSON row")

// Scan assigns the array's elements to dest in order, as sql.Row.Scan
// would assign the columns: a JSON string to *string, *sql.NullString or
// a string kind; a number to *int64, *int, *bool, *sql.NullInt64 or an
// integer kind; null to the Null types only. An element that is itself
// an array or object (a json(column)) is its JSON text.
func (r jsonRow) Scan(dest ...any) error {
	s := string(r)
	if len(s) < 2 || s[0] != '[' {
		return errJSONRow
	}
	i := 1
	for k, d := range dest {
		if k > 0 {
			if i >= len(s) || s[i] != ',' {
				return errJSONRow
			}
			i++
		}
		v, next, err := jsonElement(s, i)
		if err != nil {
			return err
		}
		if err := v.assign(d); err != nil {
			return fmt.Errorf("store: column %d: %w", k, err)
		}
		i = next
	}
	if i != len(s)-1 || s[i] != ']' {
		return fmt.Errorf("store: JSON row has more than %d columns", len(dest))
	}
	return nil
}

// jsonValue is one element of a jsonRow: text is the string's value for
// a string, else the element's JSON text.
type jsonValue struct {
	text   string
	str    bool
	isNull bool
}

// jsonElement reads the element starting at s[i] (SQLite writes no
// whitespace) and returns it with the index after it.
func jsonElement(s string, i int) (jsonValue, int, error) {
	if i >= len(s) {
		return jsonValue{}, i, errJSONRow
	}
	switch c := s[i]; {
	case c == '"':
		escaped := false
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				escaped = true
				j++
			case '"':
				if !escaped {
					return jsonValue{text: s[i+1 : j], str: true}, j + 1, nil
				}
				out, ok := unescapeJSON(s[i+1 : j])
				if !ok {
					return jsonValue{}, i, errJSONRow
				}
				return jsonValue{text: out, str: true}, j + 1, nil
			}
		}
	case c == '[' || c == '{':
		depth, inStr := 0, false
		for j := i; j < len(s); j++ {
			switch c := s[j]; {
			case inStr && c == '\\':
				j++
			case c == '"':
				inStr = !inStr
			case inStr:
			case c == '[' || c == '{':
				depth++
			case c == ']' || c == '}':
				if depth--; depth == 0 {
					return jsonValue{text: s[i : j+1]}, j + 1, nil
				}
			}
		}
	default: // a number, null, true or false
		j := i
		for j < len(s) && s[j] != ',' && s[j] != ']' {
			j++
		}
		if t := s[i:j]; t != "null" {
			return jsonValue{text: t}, j, nil
		}
		return jsonValue{isNull: true}, j, nil
	}
	return jsonValue{}, i, errJSONRow
}

func (v jsonValue) assign(dest any) error {
	switch d := dest.(type) {
	case *string:
		if v.isNull {
			return errors.New("NULL into a string")
		}
		*d = v.text
		return nil
	case *sql.NullString:
		*d = sql.NullString{String: v.text, Valid: !v.isNull}
		return nil
	case *int64:
		n, err := v.int()
		*d = n
		return err
	case *int:
		n, err := v.int()
		*d = int(n)
		return err
	case *bool:
		n, err := v.int()
		*d = n != 0
		return err
	case *sql.NullInt64:
		if v.isNull {
			*d = sql.NullInt64{}
			return nil
		}
		n, err := v.int()
		*d = sql.NullInt64{Int64: n, Valid: true}
		return err
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("cannot scan into %T", dest)
	}
	switch e := rv.Elem(); e.Kind() {
	case reflect.String:
		if v.isNull {
			return errors.New("NULL into a string")
		}
		e.SetString(v.text)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := v.int()
		e.SetInt(n)
		return err
	}
	return fmt.Errorf("cannot scan into %T", dest)
}

func (v jsonValue) int() (int64, error) {
	if v.str || v.isNull {
		return 0, fmt.Errorf("%q is not an integer", v.text)
	}
	switch v.text {
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	return strconv.ParseInt(v.text, 10, 64)
}

// unescapeJSON is the value of a JSON string's body (without its quotes)
// that holds backslash escapes; a lone surrogate becomes U+FFFD, as
// encoding/json decodes it.
func unescapeJSON(body string) (string, bool) {
	b := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		if i++; i >= len(body) {
			return "", false
		}
		switch body[i] {
		case '"', '\\', '/':
			b = append(b, body[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(body, i+1)
			if !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(-1), false
				if i+2 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
					r2, ok = hex4(body, i+3)
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return string(b), true
}

// hex4 reads the four hex digits of a \u escape at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 32)
	return rune(n), err == nil
}
