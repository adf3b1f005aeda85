package network

import (
	"context"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// DefaultQuotas are Neutron's default per-project limits ([quotas]
// quota_*); novalite reports them but does not enforce them.
var DefaultQuotas = map[string]int{"network": 100, "subnet": 100, "port": 500, "router": 10, "floatingip": 50,
	"security_group": 10, "security_group_rule": 100, "rbac_policy": 10, "subnetpool": -1}

// QuotaUsage is one line of GET /v2.0/quotas/{project}/details.
type QuotaUsage struct{ Limit, Used, Reserved int }

func checkQuotaAccess(c *novalite.Caller, projectID string) error {
	if !policy.AllowedOwned(c, "get_quota", projectID) {
		return nerr(novalite.Forbidden, "HTTPForbidden", "Non-admin is not authorised to access quotas for another project")
	}
	return nil
}

// Quotas returns a project's limits.
func (s *Service) Quotas(ctx context.Context, c *novalite.Caller, projectID string) (map[string]int, error) {
	if err := checkQuotaAccess(c, projectID); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for k, v := range DefaultQuotas {
		out[k] = v
	}
	return out, nil
}

// QuotaDetails returns a project's limits and usage.
func (s *Service) QuotaDetails(ctx context.Context, c *novalite.Caller, projectID string) (map[string]QuotaUsage, error) {
	if err := checkQuotaAccess(c, projectID); err != nil {
		return nil, err
	}
	var used map[string]int
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		used, err = tx.NetworkUsage(ctx, projectID)
		return err
	})
	out := map[string]QuotaUsage{}
	for k, v := range DefaultQuotas {
		out[k] = QuotaUsage{Limit: v, Used: used[k]}
	}
	return out, err
}
