package httpx

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
)

// appendJSON appends v encoded exactly as json.Marshal encodes it. The
// views are maps of maps: encoding/json reflects on every value and sorts
// every map's keys through reflect.Value (17 ms for a 1,000-server page);
// here the shapes the views build are walked directly, and anything else
// (named types, pointers, floats, Marshalers) goes through json.Marshal
// itself, so the bytes never differ.
func appendJSON(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case RawJSON:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return append(dst, v...), nil
	case string:
		return appendString(dst, v), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case int:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case map[string]any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return appendMap(dst, v, func(dst []byte, x any) ([]byte, error) { return appendJSON(dst, x) })
	case map[string]string:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return appendMap(dst, v, func(dst []byte, x string) ([]byte, error) { return appendString(dst, x), nil })
	case []any:
		return appendSlice(dst, v, v == nil, appendJSON)
	case []map[string]any:
		return appendSlice(dst, v, v == nil, func(dst []byte, x map[string]any) ([]byte, error) { return appendJSON(dst, x) })
	case []string:
		return appendSlice(dst, v, v == nil, func(dst []byte, x string) ([]byte, error) { return appendString(dst, x), nil })
	case map[string][]map[string]any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return appendMap(dst, v, func(dst []byte, x []map[string]any) ([]byte, error) { return appendJSON(dst, x) })
	}
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

// keysPool recycles the key slices of appendMap.
var keysPool = sync.Pool{New: func() any { s := make([]string, 0, 64); return &s }}

// appendMap writes m with its keys sorted, as encoding/json does.
func appendMap[V any](dst []byte, m map[string]V, enc func([]byte, V) ([]byte, error)) ([]byte, error) {
	kp := keysPool.Get().(*[]string)
	keys := (*kp)[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		if dst, err = enc(dst, m[k]); err != nil {
			break
		}
	}
	clear(keys)
	*kp = keys
	keysPool.Put(kp)
	return append(dst, '}'), err
}

func appendSlice[V any](dst []byte, s []V, isNil bool, enc func([]byte, V) ([]byte, error)) ([]byte, error) {
	if isNil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	var err error
	for i, x := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = enc(dst, x); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// appendString quotes s: printable ASCII that encoding/json leaves alone
// is copied; anything else (controls, quotes, backslashes, the HTML
// characters it escapes, non-ASCII) is json.Marshal's business.
func appendString(dst []byte, s string) []byte {
	if !plain(s) {
		b, _ := json.Marshal(s)
		return append(dst, b...)
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
