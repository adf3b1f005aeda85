package store

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// listMemo keeps the uuids of the list pages read at one write generation
// (Generation), by the page query's text and arguments, so that the same
// list asked again before anything is committed is not run again: a
// client polling a page, or many clients listing the newest servers while
// creates land between their pages. Only where the generation is exact
// (serve's SQLite): there a page read at generation g is still the page
// while the generation is g. Pages read in write transactions, whose own
// writes are not yet counted, are neither kept nor served.
//
// It holds one generation's pages: the first page filed at a newer one
// drops the others, so it never holds more than listMemoMax pages.
type listMemo struct {
	mu  sync.Mutex
	gen uint64
	m   map[string][]string
}

// listMemoMax bounds the pages kept for one generation (a page is at most
// 1,000 uuids, ~50 KB).
const listMemoMax = 64

// get returns the page filed under key at generation gen.
func (m *listMemo) get(gen uint64, key string) ([]string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen {
		return nil, false
	}
	ids, ok := m.m[key]
	return ids, ok
}

// put files ids, read by a transaction that began at generation gen.
func (m *listMemo) put(gen uint64, key string, ids []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case gen < m.gen:
		return // the memo has moved on: the page may be stale
	case gen > m.gen || m.m == nil:
		m.gen, m.m = gen, make(map[string][]string)
	}
	if len(m.m) < listMemoMax {
		m.m[key] = ids
	}
}

// listMemoKey is the key of query q with args, and false when an
// argument is of a type the key cannot spell exactly.
func listMemoKey(q string, args []any) (string, bool) {
	var b strings.Builder
	b.Grow(len(q) + 24*len(args))
	b.WriteString(q)
	for _, a := range args {
		b.WriteByte(0)
		switch v := a.(type) {
		case string: // length first: a string may hold the separator
			b.WriteByte('s')
			b.WriteString(strconv.Itoa(len(v)))
			b.WriteByte(':')
			b.WriteString(v)
		case int:
			b.WriteByte('i')
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteByte('i')
			b.WriteString(strconv.FormatInt(v, 10))
		case bool:
			b.WriteByte('b')
			b.WriteString(strconv.FormatBool(v))
		case time.Time:
			b.WriteByte('t')
			b.WriteString(v.Format(time.RFC3339Nano))
		default:
			return "", false
		}
	}
	return b.String(), true
}
