package scheduler

import (
	"context"
	"time"

	"novalite/internal/store"
)

// Claim picks a host for r among the registered hosts other than
// exclude, claims r on it and returns it; with no host it returns ok
// false and Nova's NoValidHost reason. Moves (resize, migrate, unshelve,
// evacuate) place synchronously with it, in the request's transaction.
func Claim(ctx context.Context, tx *store.Tx, r Request, exclude string, now time.Time, downAfter time.Duration) (h Host, reason string, err error) {
	nodes, err := tx.ComputeNodeList(ctx, nil)
	if err != nil {
		return h, "", err
	}
	hosts := candidates(nodes, now, downAfter)
	for i := range hosts {
		if hosts[i].Name == exclude {
			hosts[i].Enabled = false
		}
	}
	for {
		i, reason := place(hosts, r)
		if i < 0 {
			return h, reason, nil
		}
		ok, err := tx.ComputeNodeClaim(ctx, hosts[i].Name, r.Want)
		if err != nil {
			return h, "", err
		}
		if ok {
			return hosts[i], "", nil
		}
		hosts[i].Enabled = false // taken meanwhile
	}
}
