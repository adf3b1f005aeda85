package volume

import (
	"context"
	"sort"

	"novalite"
	"novalite/internal/store"
)

// defaultQuotas are Cinder's default per-project limits ([DEFAULT]
// quota_*); the per-type limits of each type are -1.
var defaultQuotas = map[string]int64{"volumes": 10, "snapshots": 10, "gigabytes": 1000, "backups": 10,
	"backup_gigabytes": 1000, "groups": 10, "per_volume_gigabytes": -1}

// QuotaUsage is one resource of a quota set with usage.
type QuotaUsage struct{ Limit, InUse, Reserved, Allocated int64 }

// limits are a project's limits: the defaults with the per-type ones,
// overridden by the project's own.
func (s *Service) limits(ctx context.Context, tx *store.Tx, projectID string) (map[string]int64, error) {
	out := map[string]int64{}
	for k, v := range defaultQuotas {
		out[k] = v
	}
	types, err := tx.VolumeTypeList(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		for _, r := range []string{"volumes_", "gigabytes_", "snapshots_"} {
			out[r+t.Name] = -1
		}
	}
	if projectID == "" {
		return out, nil
	}
	set, err := tx.LimitsGet(ctx, store.VolumeQuotas, projectID)
	if err != nil {
		return nil, err
	}
	for k, v := range set {
		out[k] = v
	}
	return out, nil
}

// checkQuota holds a project to its limits for volumes more volumes,
// snapshots more snapshots and gigabytes more GiB (Cinder's 413s). It
// counts under the project's quota lock, shared with compute and
// network, so that parallel creates cannot both take the last unit.
func (s *Service) checkQuota(ctx context.Context, tx *store.Tx, projectID string, volumes, snapshots, gigabytes int64) error {
	if err := tx.QuotaLock(ctx, "project:"+projectID); err != nil {
		return err
	}
	lim, err := s.limits(ctx, tx, projectID)
	if err != nil {
		return err
	}
	if pv := lim["per_volume_gigabytes"]; pv >= 0 && volumes > 0 && gigabytes > pv {
		return novalite.Errorf(novalite.TooLarge, "Requested volume size %dG is larger than maximum allowed limit %dG.",
			gigabytes, pv)
	}
	u, err := tx.VolumeUsageGet(ctx, projectID)
	if err != nil {
		return err
	}
	if l := lim["gigabytes"]; l >= 0 && u.Gigabytes+gigabytes > l {
		return novalite.Errorf(novalite.TooLarge, "Requested volume or snapshot exceeds allowed gigabytes quota. "+
			"Requested %dG, quota is %dG and %dG has been consumed.", gigabytes, l, u.Gigabytes)
	}
	if l := lim["volumes"]; volumes > 0 && l >= 0 && u.Volumes+volumes > l {
		return novalite.Errorf(novalite.TooLarge, "Maximum number of volumes allowed (%d) exceeded for quota 'volumes'.", l)
	}
	if l := lim["snapshots"]; snapshots > 0 && l >= 0 && u.Snapshots+snapshots > l {
		return novalite.Errorf(novalite.TooLarge, "Maximum number of snapshots allowed (%d) exceeded for quota 'snapshots'.", l)
	}
	return nil
}

// QuotaSet returns a project's limits (defaults when projectID is "").
func (s *Service) QuotaSet(ctx context.Context, projectID string) (out map[string]int64, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = s.limits(ctx, tx, projectID)
		return err
	})
	return out, err
}

// QuotaUsages returns a project's limits with what its volumes and
// snapshots use.
func (s *Service) QuotaUsages(ctx context.Context, projectID string) (map[string]QuotaUsage, error) {
	out := map[string]QuotaUsage{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		lim, err := s.limits(ctx, tx, projectID)
		if err != nil {
			return err
		}
		u, err := tx.VolumeUsageGet(ctx, projectID)
		if err != nil {
			return err
		}
		used := map[string]int64{"volumes": u.Volumes, "snapshots": u.Snapshots, "gigabytes": u.Gigabytes,
			"volumes_" + defaultTypeName: u.Volumes, "gigabytes_" + defaultTypeName: u.Gigabytes,
			"snapshots_" + defaultTypeName: u.Snapshots}
		for k, l := range lim {
			out[k] = QuotaUsage{Limit: l, InUse: used[k]}
		}
		return nil
	})
	return out, err
}

// UpdateQuotas sets limits of a project; keys must be known resources.
func (s *Service) UpdateQuotas(ctx context.Context, projectID string, set map[string]int64) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		lim, err := s.limits(ctx, tx, projectID)
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := lim[k]; !ok {
				return novalite.Errorf(novalite.Invalid, "Bad key(s) in quota set: %s", k)
			}
			if set[k] < -1 {
				return invalidInput("Quota limit %d must be greater than or equal to -1.", set[k])
			}
		}
		for _, k := range keys {
			if err := tx.LimitSet(ctx, store.VolumeQuotas, projectID, k, set[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteQuotas puts a project's limits back to the defaults.
func (s *Service) DeleteQuotas(ctx context.Context, projectID string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error { return tx.LimitsDelete(ctx, store.VolumeQuotas, projectID) })
}
