// Package clock is the compute side's clock: the wall clock plus an
// offset that the control API moves forward, so that tests see a
// soft-deleted server reclaimed or a resize auto-confirmed without
// waiting. The offset lives in the database; every process follows it.
package clock

import (
	"sync/atomic"
	"time"
)

// Clock is the wall clock plus an offset; the zero Clock is the wall clock.
type Clock struct{ offset atomic.Int64 }

// Now is the wall clock plus the offset.
func (c *Clock) Now() time.Time { return time.Now().Add(c.Offset()) }

// Offset is how far the clock is ahead of the wall clock.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Set moves the offset to d, read from the database, unless the clock is
// already further ahead: the offset only ever grows, and a read of it
// that a newer one overtook (the follow loop's, beside the control API's
// advance in this process) must not take the clock back.
func (c *Clock) Set(d time.Duration) {
	for {
		cur := c.offset.Load()
		if int64(d) <= cur || c.offset.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}
