// Package bench is novalite's load harness (`novalite bench`): it starts
// `serve` as a child process on a scratch database, seeds servers, drives
// each operation with a fixed number of clients for a fixed time over one
// shared keep-alive transport, and reports throughput, latency and the
// server's CPU and memory beside a bare net/http handler measured the same
// way in the same run.
package bench

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// opFunc is one request (or one request-and-wait) of a worker; it
// reports how many operations it completed (usually 1) and an error for a
// wrong answer. w is the worker's index.
type opFunc func(ctx context.Context, w int, rng *rand.Rand) (int, error)

// result is what a load run measured on the client side.
type result struct {
	ops      int
	errors   int
	lat      []time.Duration // one per call of the op
	elapsed  time.Duration
	firstErr error
}

// drive runs op in conc closed-loop workers until d has passed (each
// worker finishes the call it is in) or limit calls (0: no limit) were
// made.
func drive(ctx context.Context, conc int, d time.Duration, limit int, op opFunc) result {
	ctx, cancel := context.WithTimeout(ctx, d+2*time.Minute) // a stuck server ends the run
	defer cancel()
	var (
		mu    sync.Mutex
		total result
		calls = make(chan struct{}, max(limit, 1))
		wg    sync.WaitGroup
	)
	if limit > 0 {
		for range limit {
			calls <- struct{}{}
		}
	}
	start := time.Now()
	deadline := start.Add(d)
	for w := range conc {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var r result
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if limit > 0 {
					select {
					case <-calls:
					default:
						goto done
					}
				}
				t := time.Now()
				n, err := op(ctx, w, rng)
				r.lat = append(r.lat, time.Since(t))
				r.ops += n
				if err != nil {
					r.errors++
					if r.firstErr == nil {
						r.firstErr = err
					}
				}
			}
		done:
			mu.Lock()
			total.ops += r.ops
			total.errors += r.errors
			total.lat = append(total.lat, r.lat...)
			if total.firstErr == nil {
				total.firstErr = r.firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	total.elapsed = time.Since(start)
	slices.Sort(total.lat)
	return total
}

// quantile of sorted ds (0 when empty).
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[int(float64(len(ds)-1)*q)]
}

func sortDurations(ds []time.Duration) { slices.Sort(ds) }
