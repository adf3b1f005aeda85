package store

import (
	"container/list"
	"regexp"
	"sync"
)

// regexCache keeps the most recently used compiled patterns of SQLite's
// regexp() function. It is bounded: every distinct pattern a client
// sends would otherwise stay compiled for the life of the process.
type regexCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used; values are *regexEntry
	byPat map[string]*list.Element
}

type regexEntry struct {
	pattern string
	re      *regexp.Regexp
}

func newRegexCache(max int) *regexCache {
	return &regexCache{max: max, order: list.New(), byPat: map[string]*list.Element{}}
}

// get returns the compiled pattern, compiling and caching it if needed.
func (c *regexCache) get(pattern string) (*regexp.Regexp, error) {
	c.mu.Lock()
	if e, ok := c.byPat[pattern]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*regexEntry).re, nil
	}
	c.mu.Unlock()
	re, err := compileRegex(pattern) // outside the lock: compiling can take a while
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byPat[pattern]; ok { // compiled meanwhile by another query
		c.order.MoveToFront(e)
		return e.Value.(*regexEntry).re, nil
	}
	c.byPat[pattern] = c.order.PushFront(&regexEntry{pattern, re})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byPat, oldest.Value.(*regexEntry).pattern)
	}
	return re, nil
}

func (c *regexCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
