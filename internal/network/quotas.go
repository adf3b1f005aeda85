package network

import (
	"context"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// DefaultQuotas are Neutron's default per-project limits ([quotas]
// quota_*); PUT /v2.0/quotas/{project} overrides them per project.
var DefaultQuotas = map[string]int{"network": 100, "subnet": 100, "port": 500, "router": 10, "floatingip": 50,
	"security_group": 10, "security_group_rule": 100, "rbac_policy": 10, "subnetpool": -1}

// QuotaUsage is one line of GET /v2.0/quotas/{project}/details.
type QuotaUsage struct{ Limit, Used, Reserved int }

// ProjectQuotas is one project of GET /v2.0/quotas.
type ProjectQuotas struct {
	ProjectID string
	Limits    map[string]int
}

func checkQuotaAccess(c *novalite.Caller, projectID string) error {
	if !policy.AllowedOwned(c, "get_quota", projectID) {
		return nerr(novalite.Forbidden, "HTTPForbidden", "Non-admin is not authorised to access quotas for another project")
	}
	return nil
}

// adminOnlyQuota is Neutron's _check_admin of the quota API
// (neutron/extensions/quotasv2.py): an admin context.
func adminOnlyQuota(c *novalite.Caller) error {
	if !isAdmin(c) {
		return nerr(novalite.Forbidden, "HTTPForbidden", "Only admin can view or configure quota")
	}
	return nil
}

// quotaLimits are a project's limits: the defaults, overridden by its own.
func quotaLimits(ctx context.Context, tx *store.Tx, projectID string) (map[string]int, error) {
	set, err := tx.LimitsGet(ctx, store.NetworkQuotas, projectID)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for k, v := range DefaultQuotas {
		out[k] = v
	}
	for k, v := range set {
		out[k] = int(v)
	}
	return out, nil
}

// checkQuota holds the creation of one more resource of a project to
// its limit (Neutron's OverQuota, 409). It counts under the project's
// quota lock, shared with the compute service, so that parallel creates
// cannot both take the last unit.
func checkQuota(ctx context.Context, tx *store.Tx, projectID, resource string) error {
	if err := tx.QuotaLock(ctx, "project:"+projectID); err != nil {
		return err
	}
	limits, err := quotaLimits(ctx, tx, projectID)
	if err != nil {
		return err
	}
	lim := limits[resource]
	if lim < 0 {
		return nil
	}
	n, err := tx.NetworkCount(ctx, projectID, resource)
	if err != nil {
		return err
	}
	if n+1 > int64(lim) {
		return nerr(novalite.Conflict, "OverQuota", "Quota exceeded for resources: ['%s'].", resource)
	}
	return nil
}

// Quotas returns a project's limits.
func (s *Service) Quotas(ctx context.Context, c *novalite.Caller, projectID string) (out map[string]int, err error) {
	if err := checkQuotaAccess(c, projectID); err != nil {
		return nil, err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = quotaLimits(ctx, tx, projectID)
		return err
	})
	return out, err
}

// DefaultQuotas returns the limits a project starts with. As Neutron's
// quotas "default" call, a caller asking for another project than its
// own needs the right to read that project's quotas.
func (s *Service) DefaultQuotas(c *novalite.Caller, projectID string) (map[string]int, error) {
	if err := checkQuotaAccess(c, projectID); err != nil {
		return nil, err
	}
	return DefaultQuotas, nil
}

// QuotaDetails returns a project's limits and usage.
func (s *Service) QuotaDetails(ctx context.Context, c *novalite.Caller, projectID string) (map[string]QuotaUsage, error) {
	if err := checkQuotaAccess(c, projectID); err != nil {
		return nil, err
	}
	var used, limits map[string]int
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if limits, err = quotaLimits(ctx, tx, projectID); err != nil {
			return err
		}
		used, err = tx.NetworkUsage(ctx, projectID)
		return err
	})
	out := map[string]QuotaUsage{}
	for k, v := range limits {
		out[k] = QuotaUsage{Limit: v, Used: used[k]}
	}
	return out, err
}

// ListQuotas lists the projects whose limits differ from the defaults
// (admin only).
func (s *Service) ListQuotas(ctx context.Context, c *novalite.Caller) (out []ProjectQuotas, err error) {
	if err := adminOnlyQuota(c); err != nil {
		return nil, err
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		ids, err := tx.NetworkQuotaProjects(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			l, err := quotaLimits(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, ProjectQuotas{ProjectID: id, Limits: l})
		}
		return nil
	})
	return out, err
}

// UpdateQuotas sets limits of a project (admin only; values already
// validated against DefaultQuotas' names and -1 … 2^31-1) and returns
// all of them. As Neutron, a limit below what is in use is accepted.
func (s *Service) UpdateQuotas(ctx context.Context, c *novalite.Caller, projectID string, values map[string]int64) (out map[string]int, err error) {
	if err := adminOnlyQuota(c); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		for k, v := range values {
			if err := tx.LimitSet(ctx, store.NetworkQuotas, projectID, k, v); err != nil {
				return err
			}
		}
		out, err = quotaLimits(ctx, tx, projectID)
		return err
	})
	return out, err
}

// DeleteQuotas puts a project's limits back to the defaults (admin only).
func (s *Service) DeleteQuotas(ctx context.Context, c *novalite.Caller, projectID string) error {
	if err := adminOnlyQuota(c); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error { return tx.LimitsDelete(ctx, store.NetworkQuotas, projectID) })
}
