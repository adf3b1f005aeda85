package httpx

import "strconv"

// RawJSON is an encoded JSON value that WriteJSON copies as it is: a view
// rendered straight to bytes (Object) inside a body of maps.
type RawJSON []byte

// Object appends a JSON object to B one member at a time, with no map in
// between: the views a list repeats a thousand times per page are
// written this way (a map per server cost 75 allocations and a sort of its
// keys each). Members come out in the order they are written; views write
// them sorted, as encoding/json sorts a map's keys, so that the bytes are
// those a map would have given.
//
//	var o Object
//	o.Begin(dst)
//	o.Str("id", id)
//	dst = o.End()
type Object struct {
	B []byte
	n int
}

// Begin starts the object at the end of dst.
func (o *Object) Begin(dst []byte) {
	o.B, o.n = append(dst, '{'), 0
}

// End closes the object and returns the buffer.
func (o *Object) End() []byte { return append(o.B, '}') }

// Key writes the member name k; the caller appends the value to B.
func (o *Object) Key(k string) {
	if o.n > 0 {
		o.B = append(o.B, ',')
	}
	o.n++
	o.B = appendString(o.B, k)
	o.B = append(o.B, ':')
}

// Str writes a string member.
func (o *Object) Str(k, v string) {
	o.Key(k)
	o.B = appendString(o.B, v)
}

// StrOrNull writes *v, or null when v is nil.
func (o *Object) StrOrNull(k string, v *string) {
	if v == nil {
		o.Null(k)
		return
	}
	o.Str(k, *v)
}

// StrOrNullIfEmpty writes v, or null when v is "".
func (o *Object) StrOrNullIfEmpty(k, v string) {
	if v == "" {
		o.Null(k)
		return
	}
	o.Str(k, v)
}

// Int writes an integer member.
func (o *Object) Int(k string, v int64) {
	o.Key(k)
	o.B = strconv.AppendInt(o.B, v, 10)
}

// Bool writes a boolean member.
func (o *Object) Bool(k string, v bool) {
	o.Key(k)
	o.B = strconv.AppendBool(o.B, v)
}

// Null writes a null member.
func (o *Object) Null(k string) {
	o.Key(k)
	o.B = append(o.B, "null"...)
}

// Value writes any value as WriteJSON encodes it (json.Marshal's bytes).
func (o *Object) Value(k string, v any) error {
	o.Key(k)
	var err error
	o.B, err = appendJSON(o.B, v)
	return err
}

// AppendString appends s quoted as json.Marshal quotes it.
func AppendString(dst []byte, s string) []byte { return appendString(dst, s) }

// AppendConcat appends the string a+b+c quoted, without making it.
func AppendConcat(dst []byte, a, b, c string) []byte {
	if !plain(a) || !plain(b) || !plain(c) {
		return appendString(dst, a+b+c)
	}
	dst = append(dst, '"')
	dst = append(dst, a...)
	dst = append(dst, b...)
	dst = append(dst, c...)
	return append(dst, '"')
}

// plain: s needs no escaping in JSON (appendString copies it).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
