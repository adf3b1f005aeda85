package scheduler

import (
	"context"
	"time"

	"novalite/internal/store"
)

// ClaimParams is a move's request, the host it must not land on ("":
// none) and what makes a host up (a heartbeat within DownAfter of Now).
type ClaimParams struct {
	Request
	Exclude   string
	Now       time.Time
	DownAfter time.Duration
}

// Claim picks a host for p.Request among the registered hosts other
// than p.Exclude, claims the request on it and returns it; with no host
// it returns Nova's NoValidHost reason. Moves (resize, migrate,
// unshelve, evacuate) place synchronously with it, in the request's
// transaction.
func Claim(ctx context.Context, tx *store.Tx, p ClaimParams) (h Host, reason string, err error) {
	r := p.Request
	nodes, err := tx.ComputeNodeList(ctx, nil)
	if err != nil {
		return h, "", err
	}
	hosts := candidates(nodes, p.Now, p.DownAfter)
	for i := range hosts {
		if hosts[i].Name == p.Exclude {
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
