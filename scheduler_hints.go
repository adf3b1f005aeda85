package novalite

import (
	"encoding/json"
	"maps"
	"slices"
)

// SchedulerHints are a server's os:scheduler_hints as Nova's RequestSpec
// keeps them: each hint a list of strings, a lone value a list of one.
// The fields are the hints Nova's own filters read; Other holds any
// other hint, which Nova keeps and shows (2.100) as it was given. The
// JSON form, stored and shown, is Nova's object of lists, whatever the
// fields.
type SchedulerHints struct {
	Group           []string // server group uuid (ServerGroup(Anti)AffinityFilter)
	DifferentHost   []string // server uuids (DifferentHostFilter)
	SameHost        []string // server uuids (SameHostFilter)
	Query           []string // JsonFilter's query
	TargetCell      []string // cells v1's target cell
	DifferentCell   []string // cells v1's cells to avoid
	BuildNearHostIP []string // SimpleCIDRAffinityFilter's address ...
	CIDR            []string // ... and its prefix, "/24"
	Other           map[string][]string
}

// fields pairs each named hint with its field.
func (h *SchedulerHints) fields() []struct {
	name string
	v    *[]string
} {
	return []struct {
		name string
		v    *[]string
	}{
		{"group", &h.Group}, {"different_host", &h.DifferentHost}, {"same_host", &h.SameHost},
		{"query", &h.Query}, {"target_cell", &h.TargetCell}, {"different_cell", &h.DifferentCell},
		{"build_near_host_ip", &h.BuildNearHostIP}, {"cidr", &h.CIDR},
	}
}

// Add appends values to the hint called name; no values add nothing.
func (h *SchedulerHints) Add(name string, values ...string) {
	if len(values) == 0 {
		return
	}
	for _, f := range h.fields() {
		if f.name == name {
			*f.v = append(*f.v, values...)
			return
		}
	}
	if h.Other == nil {
		h.Other = map[string][]string{}
	}
	h.Other[name] = append(h.Other[name], values...)
}

// Map is the hints by name (never nil): the shown and stored form.
func (h SchedulerHints) Map() map[string][]string {
	m := make(map[string][]string, len(h.Other)+1)
	for k, vs := range h.Other {
		m[k] = vs
	}
	for _, f := range h.fields() {
		if len(*f.v) > 0 {
			m[f.name] = *f.v
		}
	}
	return m
}

// Clone is a deep copy.
func (h SchedulerHints) Clone() SchedulerHints {
	c := h
	for _, f := range c.fields() {
		*f.v = slices.Clone(*f.v)
	}
	if h.Other != nil {
		c.Other = make(map[string][]string, len(h.Other))
		for k, vs := range h.Other {
			c.Other[k] = slices.Clone(vs)
		}
	}
	return c
}

// MarshalJSON writes the hints as Nova's object of lists.
func (h SchedulerHints) MarshalJSON() ([]byte, error) { return json.Marshal(h.Map()) }

// UnmarshalJSON reads an object of lists (null: no hints).
func (h *SchedulerHints) UnmarshalJSON(b []byte) error {
	var m map[string][]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*h = SchedulerHints{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		h.Add(k, m[k]...)
	}
	return nil
}
