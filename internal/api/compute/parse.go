package compute

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
)

// The parsing every request of the compute API shares: bodies read,
// validated against the microversion's schema and then decoded into a
// typed request; Nova's loose scalars (booleans and numbers given as
// words) read in one place.

// Optional is a body field that may be left out: Set tells whether the
// client sent it. A JSON null counts as sent (the schema decides whether
// null is allowed; Nullable keeps it apart from a value).
type Optional[T any] struct {
	Set   bool
	Value T
}

// UnmarshalJSON records that the field was present.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if isNull(b) {
		return nil
	}
	return unmarshal(b, &o.Value)
}

// Ptr is the value when set, else nil (the services' "not given").
func (o Optional[T]) Ptr() *T {
	if !o.Set {
		return nil
	}
	return &o.Value
}

// Or is the value when set, else def.
func (o Optional[T]) Or(def T) T {
	if !o.Set {
		return def
	}
	return o.Value
}

// Nullable is a field that may be left out, set to null (Nova's "unset
// it"), or set to a value: the services' novalite.Nullable (Set is
// present in the body, null or not), which it adds JSON decoding to.
type Nullable[T any] novalite.Nullable[T]

// UnmarshalJSON tells null from a value.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if isNull(b) {
		n.Null = true
		return nil
	}
	return unmarshal(b, &n.Value)
}

// Ptr is the value, or nil when left out or null.
func (n Nullable[T]) Ptr() *T { return n.Change().Ptr() }

// Change is the field as the services take it.
func (n Nullable[T]) Change() novalite.Nullable[T] { return novalite.Nullable[T](n) }

func isNull(b []byte) bool { return bytes.Equal(bytes.TrimSpace(b), []byte("null")) }

// unmarshal decodes with numbers kept as json.Number, as the schema
// validator reads them, so that values passed on untyped (block device
// mappings, scheduler hints) are the same whichever way they were read.
func unmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// strictBool is bool_from_string(strict=True) with Nova's InvalidInput
// (query filters of the server list).
func strictBool(v string) (bool, error) {
	if b, ok := novalite.BoolFromString(v); ok {
		return b, nil
	}
	return false, novalite.Errorf(novalite.Invalid, "Invalid input received: Unrecognized value '%s', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'", v)
}

// boolValue reads Nova's boolean parameter type in a body: a JSON boolean
// or one of the words the schema lets through; ok is false for anything
// else (a field left out).
func boolValue(v any) (value, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, _ := novalite.BoolFromString(x)
		return b, true
	}
	return false, false
}

// pyTruth is Python's truth test of a body value, for the boolean fields
// Nova tests with `if value:` or stores through a BooleanField (bool())
// instead of reading them with bool_from_string: every word the boolean
// schema lets through, "False", "0" and "no" too, is a non-empty string
// and so true; only a JSON false (or a field left out) is false.
func pyTruth(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x != ""
	}
	return false // nil; the schema lets no other type through
}

// intValue reads a number the schema has checked, given as a JSON number
// or a string of digits (Nova's positive_integer).
func intValue(v any) int {
	switch x := v.(type) {
	case json.Number:
		n, _ := x.Int64()
		return int(n)
	case string:
		n, _ := strconv.Atoi(x)
		return n
	case float64:
		return int(x)
	}
	return 0
}

// looseBool is a body field of Nova's boolean type: a JSON boolean or a
// word (validated by the schema before it is decoded).
type looseBool bool

// UnmarshalJSON accepts true/false and the words.
func (b *looseBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := unmarshal(data, &v); err != nil {
		return err
	}
	x, _ := boolValue(v)
	*b = looseBool(x)
	return nil
}

// looseInt is a number given as a JSON number or a string of digits.
type looseInt int

// UnmarshalJSON accepts both forms.
func (n *looseInt) UnmarshalJSON(data []byte) error {
	var v any
	if err := unmarshal(data, &v); err != nil {
		return err
	}
	*n = looseInt(intValue(v))
	return nil
}

// looseString is an id given as a string or a number (flavorRef).
type looseString string

// UnmarshalJSON keeps a number's text as it was sent.
func (s *looseString) UnmarshalJSON(data []byte) error {
	var str string
	if err := json.Unmarshal(data, &str); err == nil {
		*s = looseString(str)
		return nil
	}
	*s = looseString(bytes.TrimSpace(data))
	return nil
}

// stringValues is an object of any values of which only the strings are
// kept (os-volumes' metadata, whose schema is a bare object).
type stringValues map[string]string

// UnmarshalJSON drops the values that are not strings.
func (m *stringValues) UnmarshalJSON(data []byte) error {
	var raw map[string]any
	if err := unmarshal(data, &raw); err != nil {
		return err
	}
	*m = stringValues{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			(*m)[k] = s
		}
	}
	return nil
}

// diskConfig is OS-DCF:diskConfig as the services take it: nil when not
// given, else whether it is AUTO.
func diskConfig(v Optional[string]) *bool {
	if !v.Set {
		return nil
	}
	auto := v.Value == "AUTO"
	return &auto
}

// checkUserData refuses user_data that is not base64, with Nova's words.
func checkUserData(ud string) error {
	if _, err := base64.StdEncoding.DecodeString(ud); err != nil {
		return novalite.Errorf(novalite.Invalid,
			"Invalid input for field/attribute user_data. Value: %s. '%s' is not a 'base64'", ud, ud)
	}
	return nil
}

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }

// onlyParams is a strict query schema (2.75 on, mostly): any parameter
// but allowed fails.
func onlyParams(q url.Values, allowed ...string) error {
	var unknown []string
	for k := range q {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	return unexpectedParams(unknown)
}

// unexpectedParams is the strict query schema's failure for the keys
// given (none: nil), in jsonschema's words.
func unexpectedParams(keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	verb := "were"
	if len(keys) == 1 {
		verb = "was"
	}
	return novalite.Errorf(novalite.Invalid, "Additional properties are not allowed (%s %s unexpected)", quoteList(keys), verb)
}

// readValidated reads a JSON body and validates it against sch; it
// returns the decoded document and its bytes.
func readValidated(r *http.Request, sch *schema.Schema) (any, []byte, error) {
	var raw any
	if _, err := httpx.ReadBody(r, &raw, "Malformed request body"); err != nil {
		return nil, nil, err
	}
	return validate(raw, sch)
}

// validate checks a body already read against sch, as the validator
// reads JSON (numbers kept as written).
func validate(raw any, sch *schema.Schema) (any, []byte, error) {
	b, err := jsonBytes(raw)
	if err != nil {
		return nil, nil, err
	}
	doc, err := schema.Decode(b)
	if err != nil {
		return nil, nil, novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	if err := sch.Validate(doc); err != nil {
		return nil, nil, err
	}
	return doc, b, nil
}

// readAction reads the body of an action resource ({"name": {...}}): the
// action is the first of names the body holds; a body with none of them
// is Nova's "There is no such action". The body is validated and decoded
// afterwards (decodeAction), once the action has chosen the policy rule.
func readAction(r *http.Request, names ...string) (string, map[string]any, error) {
	var raw map[string]any
	if _, err := httpx.ReadBody(r, &raw, "Malformed request body"); err != nil {
		return "", nil, err
	}
	for _, k := range names {
		if _, ok := raw[k]; ok {
			return k, raw, nil
		}
	}
	for k := range raw {
		return "", nil, novalite.Errorf(novalite.Invalid, "There is no such action: %s", k)
	}
	return "", nil, novalite.Errorf(novalite.Invalid, "Malformed request body")
}

// decodeAction validates an action body read by readAction against sch,
// then decodes it into T.
func decodeAction[T any](raw map[string]any, sch *schema.Schema) (T, error) {
	_, b, err := validate(raw, sch)
	return decodeValidated[T](b, err)
}

// decodeRequest validates the body against sch first (so that every
// failure reads as Nova's), then decodes it into the request type T.
func decodeRequest[T any](r *http.Request, sch *schema.Schema) (T, error) {
	_, b, err := readValidated(r, sch)
	return decodeValidated[T](b, err)
}

// decodeValidated decodes body b, valid against its schema, into T; a
// validation error err is returned as it is.
func decodeValidated[T any](b []byte, err error) (T, error) {
	var req T
	if err != nil {
		return req, err
	}
	if err := unmarshal(b, &req); err != nil {
		return req, novalite.Wrap(novalite.Invalid, err, "Malformed request body")
	}
	return req, nil
}
