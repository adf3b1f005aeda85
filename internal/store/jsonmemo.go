package store

import (
	"encoding/json"
	"maps"
	"strings"
	"sync"
	"sync/atomic"

	"novalite"
)

// jsonMemo remembers what the JSON columns of server rows decode to. A
// page of 1,000 servers holds a handful of distinct flavor snapshots and
// image properties, and json.Unmarshal of each row's copy was a fifth of
// reading the page. Callers get a deep copy: a server's maps stay its own.
type jsonMemo[T any] struct {
	m     sync.Map // raw JSON → T
	n     atomic.Int64
	clone func(T) T
}

// memoCap bounds each memo: beyond it, texts are decoded every time.
const memoCap = 4096

// decode sets *dst to what raw decodes to; a text that does not decode,
// or none, leaves *dst as it is (json.Unmarshal's errors were ignored before too).
func (c *jsonMemo[T]) decode(raw string, dst *T) {
	if raw == "" { // a column a list left unread
		return
	}
	if v, ok := c.m.Load(raw); ok {
		*dst = c.clone(v.(T))
		return
	}
	var x T
	if err := json.Unmarshal([]byte(raw), &x); err != nil {
		return
	}
	if c.n.Load() < memoCap {
		// A copy: raw may be a slice of a whole row's text (jsonRow).
		if _, loaded := c.m.LoadOrStore(strings.Clone(raw), x); !loaded {
			c.n.Add(1)
		}
	}
	*dst = c.clone(x)
}

var (
	flavorMemo = jsonMemo[novalite.FlavorSnapshot]{clone: func(f novalite.FlavorSnapshot) novalite.FlavorSnapshot {
		f.ExtraSpecs = maps.Clone(f.ExtraSpecs)
		return f
	}}
	stringMapMemo = jsonMemo[map[string]string]{clone: maps.Clone[map[string]string]}
	hintsMemo     = jsonMemo[novalite.SchedulerHints]{clone: novalite.SchedulerHints.Clone}
)
