package compute

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"novalite"
)

// hintsRequest is os:scheduler_hints, decoded once the schema has
// passed: each hint a list of strings as Nova's RequestSpec keeps them
// (a value that is not a string becomes its JSON), Nova's own _nova*
// hints dropped.
type hintsRequest struct {
	set   bool // present and not null
	hints novalite.SchedulerHints
}

// UnmarshalJSON reads the hints object.
func (h *hintsRequest) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := unmarshal(b, &m); err != nil {
		return err
	}
	h.set = true
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if strings.HasPrefix(k, "_nova") {
			continue
		}
		vs, err := hintValues(m[k])
		if err != nil {
			return err
		}
		h.hints.Add(k, vs...)
	}
	return nil
}

// hintValues reads one hint: a list's items, or the lone value.
func hintValues(raw json.RawMessage) ([]string, error) {
	var v any
	if err := unmarshal(raw, &v); err != nil {
		return nil, err
	}
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	out := make([]string, 0, len(items))
	for _, e := range items {
		out = append(out, hintString(e))
	}
	return out, nil
}

func hintString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}
