package network

import (
	"context"
	"slices"

	"novalite"
	"novalite/internal/store"
)

// SecurityGroupChange names a security group of the server's project (by
// name or id) to add to every port of the server (Add) or to remove.
type SecurityGroupChange struct {
	ProjectID, ServerID, Group string
	Add                        bool
}

// ServerSecurityGroup is Nova's addSecurityGroup and removeSecurityGroup,
// with Nova's messages.
func (s *Service) ServerSecurityGroup(ctx context.Context, ch SecurityGroupChange) error {
	projectID, serverID, name, add := ch.ProjectID, ch.ServerID, ch.Group, ch.Add
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		ids, err := s.resolveGroups(ctx, tx, projectID, []string{name})
		if novalite.IsKind(err, novalite.NotFound) {
			return novalite.Errorf(novalite.NotFound, "Security group %s is not found for project %s", name, projectID)
		}
		if err != nil {
			return err
		}
		group := ids[0]
		ports, err := tx.PortListByDevices(ctx, []string{serverID})
		if err != nil {
			return err
		}
		if len(ports) == 0 {
			return novalite.Errorf(novalite.NotFound, "instance_id %s could not be found as device id on any ports", serverID)
		}
		changed := false
		for _, p := range ports {
			has := slices.Contains(p.SecurityGroups, group)
			switch {
			case add && !has:
				p.SecurityGroups = append(p.SecurityGroups, group)
			case !add && has:
				p.SecurityGroups = slices.DeleteFunc(p.SecurityGroups, func(g string) bool { return g == group })
			default:
				continue
			}
			changed = true
			if err := tx.PortSetSecurityGroups(ctx, p.ID, p.SecurityGroups); err != nil {
				return err
			}
		}
		switch {
		case !changed && add:
			return novalite.Errorf(novalite.Invalid, "Security group %s is already associated with the instance %s", name, serverID)
		case !changed:
			return novalite.Errorf(novalite.Invalid, "Security group %s not associated with the instance %s", name, serverID)
		}
		return nil
	})
}
