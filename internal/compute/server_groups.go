package compute

import (
	"context"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// CreateServerGroupParams is a validated server group create.
type CreateServerGroupParams struct {
	Name   string
	Policy string
	Rules  map[string]int // anti-affinity only (2.64)
}

// CreateServerGroup makes a group of the caller's project, within the
// server_groups quota.
func (s *Service) CreateServerGroup(ctx context.Context, c *novalite.Caller, p CreateServerGroupParams) (g novalite.ServerGroup, err error) {
	if len(p.Rules) > 0 && p.Policy != novalite.PolicyAntiAffinity {
		return g, novalite.Errorf(novalite.Invalid, "Only anti-affinity policy supports rules.")
	}
	g = novalite.ServerGroup{ID: uuid.NewString(), Name: p.Name, ProjectID: c.ProjectID, UserID: c.UserID,
		Policy: p.Policy, Rules: p.Rules, Members: []string{}, CreatedAt: s.now().UTC()}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := lockQuota(ctx, tx, c.ProjectID); err != nil {
			return err
		}
		limits, err := s.quotaLimits(ctx, tx, c.ProjectID, c.UserID)
		if err != nil {
			return err
		}
		for _, u := range []string{"", c.UserID} {
			used, err := tx.QuotaUsage(ctx, c.ProjectID, u)
			if err != nil {
				return err
			}
			if lim := limits[novalite.QuotaServerGroups]; lim >= 0 && used.ServerGroups+1 > lim {
				return novalite.Errorf(novalite.Forbidden, "Quota exceeded, too many server groups.")
			}
		}
		return tx.ServerGroupInsert(ctx, &g)
	})
	return g, err
}

func serverGroupNotFound(id string) error {
	return novalite.Errorf(novalite.NotFound, "Instance group %s could not be found.", id)
}

// GetServerGroup returns a group of any project (the caller authorizes
// against its project).
func (s *Service) GetServerGroup(ctx context.Context, id string) (g novalite.ServerGroup, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		g, err = tx.ServerGroupGet(ctx, id, "")
		if novalite.IsKind(err, novalite.NotFound) {
			return serverGroupNotFound(id)
		}
		return err
	})
	return g, err
}

// ListServerGroups lists the groups of a project ("" = every project).
func (s *Service) ListServerGroups(ctx context.Context, projectID string, offset, limit int) (list []novalite.ServerGroup, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		list, err = tx.ServerGroupList(ctx, projectID, offset, limit)
		return err
	})
	return list, err
}

// DeleteServerGroup removes a group; its servers stay.
func (s *Service) DeleteServerGroup(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		g, err := tx.ServerGroupGet(ctx, id, "")
		if novalite.IsKind(err, novalite.NotFound) {
			return serverGroupNotFound(id)
		}
		if err != nil {
			return err
		}
		return tx.ServerGroupDelete(ctx, g.InternalID)
	})
}

// groupForCreate resolves create's group hint: the group must exist, be
// the caller's project's unless the caller is an admin (Nova's
// _instance_group_get_query: another project's group is not found, 400),
// and have room for count more members (server_group_members quota),
// counted under the group's project's quota lock.
func (s *Service) groupForCreate(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string, count int) (int64, error) {
	scope := c.ProjectID
	if policy.IsAdmin(c) {
		scope = ""
	}
	g, err := tx.ServerGroupGet(ctx, id, scope)
	if err == nil && g.ProjectID != c.ProjectID {
		if err = lockQuota(ctx, tx, g.ProjectID); err == nil {
			g, err = tx.ServerGroupGet(ctx, id, scope) // members as of the lock
		}
	}
	if novalite.IsKind(err, novalite.NotFound) {
		return 0, novalite.Errorf(novalite.Invalid, "Instance group %s could not be found.", id)
	}
	if err != nil {
		return 0, err
	}
	limits, err := s.quotaLimits(ctx, tx, c.ProjectID, c.UserID)
	if err != nil {
		return 0, err
	}
	if lim := limits[novalite.QuotaServerGroupMembers]; lim >= 0 && int64(len(g.Members)+count) > lim {
		return 0, novalite.Errorf(novalite.Forbidden, "Quota exceeded, too many servers in group")
	}
	return g.InternalID, nil
}
