package compute

import "sync"

// ViewMemo keeps one rendering of a cached server's view, so that a list
// page copies it instead of rendering the server again: key says which
// view it is (the API's choice: microversion, policy, links). A memo
// belongs to one filing of a server in the view cache: the server filed
// again (once a change evicted it) gets a new one, so what a memo holds
// was rendered from the very view it hangs from. One rendering at a time
// (the last key asked for), to bound the memory: a client mostly asks
// for one view.
type ViewMemo struct {
	mu   sync.Mutex
	key  any
	b    []byte
	mark int
}

// Get returns the rendering kept for key and the mark filed with it;
// b is shared: the caller copies it and does not change it.
func (m *ViewMemo) Get(key any) (b []byte, mark int, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.b == nil || m.key != key {
		return nil, 0, false
	}
	return m.b, m.mark, true
}

// Put keeps a copy of b, the rendering for key, with a mark of the
// caller's (an offset in b, say).
func (m *ViewMemo) Put(key any, b []byte, mark int) {
	c := append([]byte(nil), b...)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.key, m.b, m.mark = key, c, mark
}
