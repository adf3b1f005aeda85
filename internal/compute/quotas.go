package compute

import (
	"context"
	"strconv"
	"strings"

	"novalite"
	"novalite/internal/store"
)

// quotaLimits are the limits in force for a project, or for one user of
// it: Nova's defaults, overridden by the project's quota set, overridden
// by the user's.
func (s *Service) quotaLimits(ctx context.Context, tx *store.Tx, projectID, userID string) (novalite.QuotaLimits, error) {
	sets, err := quotaSetsOf(ctx, tx, projectID, userID)
	return limitsOf(sets, userID != ""), err
}

// quotaSetsOf reads the default class's, the project's and the user's
// limit sets (one query).
func quotaSetsOf(ctx context.Context, tx *store.Tx, projectID, userID string) (store.QuotaSets, error) {
	return tx.QuotaSetsGet(ctx, novalite.QuotaClassDefault, projectID, userID)
}

// limitsOf merges the sets into the limits of the project, or (user) of
// the user.
func limitsOf(sets store.QuotaSets, user bool) novalite.QuotaLimits {
	out := classLimits(sets.Class)
	for k, v := range sets.Project {
		out[k] = v
	}
	if user {
		for k, v := range sets.User {
			out[k] = v
		}
	}
	return out
}

// quotaUsage is what a project (or one user of it) holds: servers, their
// cores and ram, server groups (the usage rows), and the user's keypairs.
func (s *Service) quotaUsage(ctx context.Context, tx *store.Tx, projectID, userID string) (map[string]int64, error) {
	u, err := tx.QuotaUsage(ctx, projectID, userID)
	if err != nil {
		return nil, err
	}
	use := map[string]int64{novalite.QuotaInstances: u.Instances, novalite.QuotaCores: u.Cores, novalite.QuotaRAM: u.RAM,
		novalite.QuotaServerGroups: u.ServerGroups}
	if userID != "" {
		if use[novalite.QuotaKeyPairs], err = tx.KeypairCount(ctx, userID); err != nil {
			return nil, err
		}
	}
	return use, nil
}

// lockQuota makes this transaction's quota checks of a project take
// turns with every other transaction's until it ends (store.QuotaLock):
// Nova's recheck, without the window between check and insert.
func lockQuota(ctx context.Context, tx *store.Tx, projectID string) error {
	return tx.QuotaLock(ctx, "project:"+projectID)
}

// QuotaDetail is one resource of a detailed quota set.
type QuotaDetail struct {
	Limit, InUse int64
}

// QuotaSet returns the limits of a project, or of one user of it.
func (s *Service) QuotaSet(ctx context.Context, projectID, userID string) (out novalite.QuotaLimits, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = s.quotaLimits(ctx, tx, projectID, userID)
		return err
	})
	return out, err
}

// QuotaSetDetail returns limits with what is in use.
func (s *Service) QuotaSetDetail(ctx context.Context, projectID, userID string) (map[string]QuotaDetail, error) {
	out := map[string]QuotaDetail{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		limits, err := s.quotaLimits(ctx, tx, projectID, userID)
		if err != nil {
			return err
		}
		use, err := s.quotaUsage(ctx, tx, projectID, userID)
		for k, v := range limits {
			out[k] = QuotaDetail{Limit: v, InUse: use[k]}
		}
		return err
	})
	return out, err
}

// QuotaSetUpdate is a change of limits: of the project (UserID "") or of
// one user of it. Without Force a limit below what is in use (or, for a
// user, above the project's limit) is refused, as Nova does.
type QuotaSetUpdate struct {
	UserID string
	Limits map[string]int64
	Force  bool
}

// UpdateQuotaSet sets limits of a project or of one of its users.
func (s *Service) UpdateQuotaSet(ctx context.Context, projectID string, p QuotaSetUpdate) (out novalite.QuotaLimits, err error) {
	userID, values := p.UserID, p.Limits
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if !p.Force {
			if err := s.checkSettable(ctx, tx, projectID, userID, values); err != nil {
				return err
			}
		}
		for _, k := range novalite.QuotaResources {
			if v, ok := values[k]; ok {
				if err := tx.QuotaSet(ctx, store.QuotaLimit{ProjectID: projectID, UserID: userID, Resource: k, Limit: v}); err != nil {
					return err
				}
			}
		}
		out, err = s.quotaLimits(ctx, tx, projectID, userID)
		return err
	})
	return out, err
}

func (s *Service) checkSettable(ctx context.Context, tx *store.Tx, projectID, userID string, values map[string]int64) error {
	use, err := s.quotaUsage(ctx, tx, projectID, userID)
	if err != nil {
		return err
	}
	var project novalite.QuotaLimits
	if userID != "" {
		if project, err = s.quotaLimits(ctx, tx, projectID, ""); err != nil {
			return err
		}
	}
	inf := func(v int64) float64 {
		if v == -1 {
			return 1e300
		}
		return float64(v)
	}
	for _, k := range novalite.QuotaResources {
		v, ok := values[k]
		if !ok {
			continue
		}
		if inf(v) < inf(use[k]) {
			return novalite.Errorf(novalite.Invalid,
				"Quota limit %d for %s must be greater than or equal to already used and reserved %d.", v, k, use[k])
		}
		if project != nil && inf(v) > inf(project[k]) {
			return novalite.Errorf(novalite.Invalid, "Quota limit %d for %s must be less than or equal to %d.", v, k, project[k])
		}
	}
	return nil
}

// DeleteQuotaSet puts a project (and its users), or one user, back to
// the defaults.
func (s *Service) DeleteQuotaSet(ctx context.Context, projectID, userID string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error { return tx.QuotaDelete(ctx, projectID, userID) })
}

// Limits returns a project's limits and what it uses (GET /limits).
func (s *Service) Limits(ctx context.Context, projectID string) (limits novalite.QuotaLimits, used map[string]int64, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if limits, err = s.quotaLimits(ctx, tx, projectID, ""); err != nil {
			return err
		}
		used, err = s.quotaUsage(ctx, tx, projectID, "")
		return err
	})
	return limits, used, err
}

// metadataLimit is the metadata_items quota of a project (-1 = unlimited).
func (s *Service) metadataLimit(ctx context.Context, tx *store.Tx, projectID string) (int, error) {
	l, err := s.quotaLimits(ctx, tx, projectID, "")
	if err != nil {
		return 0, err
	}
	return int(l[novalite.QuotaMetadataItems]), nil
}

// serverQuota is what servers are counted against: their project and
// user ("" none), the flavor each takes and the limits' sets.
type serverQuota struct {
	projectID, userID string
	flavor            novalite.FlavorSnapshot
	sets              store.QuotaSets
}

// serverQuotaOvers returns the instances, cores and ram checks that count
// more servers of q's flavor fail, against the project's limits and the
// user's (when the user has limits of their own), made of q.sets.
func (s *Service) serverQuotaOvers(ctx context.Context, tx *store.Tx, q serverQuota, count int) ([]quotaCheck, error) {
	projectID, userID, f, sets := q.projectID, q.userID, q.flavor, q.sets
	scopes := []string{""}
	if userID != "" && len(sets.User) > 0 {
		scopes = []string{userID, ""}
	}
	// The scopes with a finite limit: with none nothing can be exceeded,
	// and the create neither takes turns with the project's other creates
	// (the lock) nor reads what they hold.
	var limited []string
	for _, u := range scopes {
		limits := limitsOf(sets, u != "")
		if limits[novalite.QuotaInstances] >= 0 || limits[novalite.QuotaCores] >= 0 || limits[novalite.QuotaRAM] >= 0 {
			limited = append(limited, u)
		}
	}
	if len(limited) == 0 {
		return nil, nil
	}
	if err := lockQuota(ctx, tx, projectID); err != nil {
		return nil, err
	}
	req := map[string]int64{novalite.QuotaInstances: int64(count), novalite.QuotaCores: int64(count * f.VCPUs),
		novalite.QuotaRAM: int64(count * f.MemoryMB)}
	var overs []quotaCheck
	seen := map[string]bool{}
	for _, u := range limited {
		limits := limitsOf(sets, u != "")
		usage, err := tx.QuotaUsage(ctx, projectID, u)
		if err != nil {
			return nil, err
		}
		used := map[string]int64{novalite.QuotaInstances: usage.Instances, novalite.QuotaCores: usage.Cores,
			novalite.QuotaRAM: usage.RAM}
		for _, r := range []string{novalite.QuotaInstances, novalite.QuotaCores, novalite.QuotaRAM} {
			lim := limits[r]
			if !seen[r] && lim >= 0 && used[r]+req[r] > lim {
				seen[r] = true
				overs = append(overs, quotaCheck{r, req[r], used[r], lim})
			}
		}
	}
	// Nova lists the resources in this order whatever scope failed.
	order := map[string]int{novalite.QuotaInstances: 0, novalite.QuotaCores: 1, novalite.QuotaRAM: 2}
	for i := 1; i < len(overs); i++ {
		for j := i; j > 0 && order[overs[j].resource] < order[overs[j-1].resource]; j-- {
			overs[j], overs[j-1] = overs[j-1], overs[j]
		}
	}
	return overs, nil
}

// checkServerQuota checks that count more servers of q's flavor fit the
// quotas (403 with Nova's message).
func (s *Service) checkServerQuota(ctx context.Context, tx *store.Tx, q serverQuota, count int) error {
	overs, err := s.serverQuotaOvers(ctx, tx, q, count)
	if err != nil {
		return err
	}
	return quotaError(overs)
}

// serverRangeQuotaError is Nova's message when not even min servers of a
// min-max request fit: the instances asked for read "min-max".
func (s *Service) serverRangeQuotaError(ctx context.Context, tx *store.Tx, q serverQuota, min, max int) error {
	overs, err := s.serverQuotaOvers(ctx, tx, q, max)
	if err != nil || len(overs) == 0 || min == max {
		if err == nil {
			err = quotaError(overs)
		}
		return err
	}
	var res, req, used, lim []string
	for _, q := range overs {
		res = append(res, q.resource)
		r := strconv.FormatInt(q.requested, 10)
		if q.resource == novalite.QuotaInstances {
			r = strconv.Itoa(min) + "-" + strconv.Itoa(max)
		}
		req = append(req, r)
		used = append(used, strconv.FormatInt(q.used, 10))
		lim = append(lim, strconv.FormatInt(q.limit, 10))
	}
	r := strings.Join(res, ", ")
	return novalite.Errorf(novalite.Forbidden, "Quota exceeded for %s: Requested %s, but already used %s of %s %s",
		r, strings.Join(req, ", "), strings.Join(used, ", "), strings.Join(lim, ", "), r)
}
