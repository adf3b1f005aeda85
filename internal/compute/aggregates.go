package compute

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/store"
)

const azKey = "availability_zone"

func aggregateNotFound(id int64) error {
	return novalite.Errorf(novalite.NotFound, "Aggregate %d could not be found.", id)
}

func aggregateExists(name string) error {
	return novalite.Errorf(novalite.Conflict, "Aggregate %s already exists.", name)
}

// getAggregate loads an aggregate or gives Nova's 404.
func getAggregate(ctx context.Context, tx *store.Tx, id int64) (novalite.Aggregate, error) {
	a, err := tx.AggregateGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) {
		return a, aggregateNotFound(id)
	}
	return a, err
}

// ListAggregates returns every aggregate in id order.
func (s *Service) ListAggregates(ctx context.Context) (list []novalite.Aggregate, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		list, err = tx.AggregateList(ctx)
		return err
	})
	return list, err
}

// GetAggregate returns one aggregate.
func (s *Service) GetAggregate(ctx context.Context, id int64) (a novalite.Aggregate, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		a, err = getAggregate(ctx, tx, id)
		return err
	})
	return a, err
}

// CreateAggregate makes an aggregate, in zone when zone is not "".
func (s *Service) CreateAggregate(ctx context.Context, name, zone string) (novalite.Aggregate, error) {
	a := novalite.Aggregate{UUID: uuid.NewString(), Name: name, Hosts: []string{}, Metadata: map[string]string{},
		CreatedAt: s.now().UTC()}
	if zone != "" {
		a.Metadata[azKey] = zone
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		err := tx.AggregateInsert(ctx, &a)
		if novalite.IsKind(err, novalite.Conflict) {
			return aggregateExists(name)
		}
		return err
	})
	return a, err
}

// invalidAggregate is Nova's InvalidAggregateAction* message for action
// ("add" host, "remove" host, "update", "update metadata").
func invalidAggregate(action string, id int64, reason string) error {
	var msg string
	switch action {
	case "add":
		msg = "Cannot add host to aggregate %d. Reason: %s."
	case "remove":
		msg = "Cannot remove host from aggregate %d. Reason: %s."
	case "update":
		msg = "Cannot update aggregate %d. Reason: %s."
	default:
		msg = "Cannot update metadata of aggregate %d. Reason: %s."
	}
	return novalite.Errorf(novalite.Invalid, msg, id, reason)
}

// checkZoneChange is Nova's is_safe_to_update_az: a new zone must not be
// empty, the hosts must not be in another aggregate of another zone, and
// (when checkServers) no host may hold servers if the zone changes.
func checkZoneChange(ctx context.Context, tx *store.Tx, a novalite.Aggregate, meta map[string]*string, hosts []string,
	action string, checkServers bool) error {
	v, ok := meta[azKey]
	if !ok {
		return nil
	}
	if v == nil || *v == "" {
		return invalidAggregate(action, a.ID, fmt.Sprintf("Aggregate %s does not support empty named availability zone", a.Name))
	}
	if hosts == nil {
		hosts = a.Hosts
	}
	others, err := tx.AggregatesOfHosts(ctx, hosts)
	if err != nil {
		return err
	}
	var conflicting []string
	for _, o := range others {
		if z := o.Zone(); z != "" && z != *v && o.ID != a.ID {
			conflicting = append(conflicting, "'"+z+"'")
		}
	}
	if len(conflicting) > 0 {
		return invalidAggregate(action, a.ID, fmt.Sprintf("One or more hosts already in availability zone(s) %v", pyList(conflicting)))
	}
	if checkServers && a.Zone() != *v && len(hosts) > 0 {
		servers, err := tx.InstancesOnHosts(ctx, hosts)
		if err != nil {
			return err
		}
		if len(servers) > 0 {
			return invalidAggregate(action, a.ID, "One or more hosts contain instances in this zone")
		}
	}
	return nil
}

func pyList(quoted []string) string {
	out := "["
	for i, q := range quoted {
		if i > 0 {
			out += ", "
		}
		out += q
	}
	return out + "]"
}

// AggregateUpdate is what PUT /os-aggregates/{id} changes.
type AggregateUpdate struct {
	Name *string                   // nil: unchanged
	Zone novalite.Nullable[string] // Null: no zone
}

// UpdateAggregate renames an aggregate and/or moves it to another zone.
func (s *Service) UpdateAggregate(ctx context.Context, id int64, p AggregateUpdate) (a novalite.Aggregate, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		a, err = getAggregate(ctx, tx, id)
		if err != nil {
			return err
		}
		newName := ""
		if p.Name != nil {
			newName = *p.Name
		}
		if err := tx.AggregateUpdate(ctx, id, newName, s.now().UTC()); err != nil {
			if novalite.IsKind(err, novalite.Conflict) {
				return aggregateExists(newName)
			}
			return err
		}
		if p.Zone.Set {
			meta := map[string]*string{azKey: p.Zone.Ptr()}
			if err := checkZoneChange(ctx, tx, a, meta, nil, "update", true); err != nil {
				return err
			}
			if err := tx.AggregateSetMetadata(ctx, id, meta); err != nil {
				return err
			}
		}
		a, err = getAggregate(ctx, tx, id)
		return err
	})
	return a, err
}

// SetAggregateMetadata sets (or, for nil values, removes) metadata keys.
func (s *Service) SetAggregateMetadata(ctx context.Context, id int64, meta map[string]*string) (a novalite.Aggregate, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		a, err = getAggregate(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkZoneChange(ctx, tx, a, meta, nil, "metadata", true); err != nil {
			return err
		}
		if err := tx.AggregateSetMetadata(ctx, id, meta); err != nil {
			return err
		}
		if err := tx.AggregateUpdate(ctx, id, "", s.now().UTC()); err != nil {
			return err
		}
		a, err = getAggregate(ctx, tx, id)
		return err
	})
	return a, err
}

// DeleteAggregate removes an empty aggregate.
func (s *Service) DeleteAggregate(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		a, err := getAggregate(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(a.Hosts) > 0 {
			return invalidAggregate("remove", id, "Host aggregate is not empty")
		}
		return tx.AggregateDelete(ctx, id)
	})
}

func computeHostNotFound(host string) error {
	return novalite.Errorf(novalite.NotFound, "Compute host %s could not be found.", host)
}

// hostZoneOf is the zone a host gets from its aggregates ("" = none),
// leaving out the aggregate except.
func hostZoneOf(aggs []novalite.Aggregate, except int64) string {
	var zones []string
	for _, o := range aggs {
		if z := o.Zone(); z != "" && o.ID != except {
			zones = append(zones, z)
		}
	}
	sort.Strings(zones)
	if len(zones) == 0 {
		return ""
	}
	return zones[0]
}

func noneIfEmpty(z string) string {
	if z == "" {
		return "None"
	}
	return z
}

// AddAggregateHost puts a compute host in an aggregate.
func (s *Service) AddAggregateHost(ctx context.Context, id int64, host string) (a novalite.Aggregate, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ComputeNodeGet(ctx, host); novalite.IsKind(err, novalite.NotFound) {
			return computeHostNotFound(host)
		} else if err != nil {
			return err
		}
		a, err = getAggregate(ctx, tx, id)
		if err != nil {
			return err
		}
		if z := a.Zone(); z != "" {
			meta := map[string]*string{azKey: &z}
			if err := checkZoneChange(ctx, tx, a, meta, []string{host}, "add", false); err != nil {
				return novalite.Errorf(novalite.Conflict, "%s", err.Error())
			}
			servers, aggs, err := hostServersAndAggregates(ctx, tx, host)
			if err != nil {
				return err
			}
			if old := hostZoneOf(aggs, 0); len(servers) > 0 && old != z {
				return novalite.Errorf(novalite.Conflict, "%s", invalidAggregate("add", id, fmt.Sprintf(
					"The host cannot be added to the aggregate as the availability zone of the host would change "+
						"from '%s' to '%s' but the host already has %d instance(s). Changing the AZ of an existing "+
						"instance is not supported by this action. Move the instances away from this host then try "+
						"again. If you need to move the instances between AZs then you can use shelve_offload and "+
						"unshelve to achieve this.", noneIfEmpty(old), z, len(servers))).Error())
			}
		}
		if err := tx.AggregateAddHost(ctx, id, host); novalite.IsKind(err, novalite.Conflict) {
			return novalite.Errorf(novalite.Conflict, "Aggregate %d already has host %s.", id, host)
		} else if err != nil {
			return err
		}
		a, err = getAggregate(ctx, tx, id)
		return err
	})
	return a, err
}

// hostServersAndAggregates reads what a host's zone change depends on:
// its servers and its aggregates.
func hostServersAndAggregates(ctx context.Context, tx *store.Tx, host string) ([]novalite.Server, []novalite.Aggregate, error) {
	servers, err := tx.InstancesOnHosts(ctx, []string{host})
	if err != nil {
		return nil, nil, err
	}
	aggs, err := tx.AggregatesOfHosts(ctx, []string{host})
	return servers, aggs, err
}

// RemoveAggregateHost takes a host out of an aggregate.
func (s *Service) RemoveAggregateHost(ctx context.Context, id int64, host string) (a novalite.Aggregate, err error) {
	notFound := novalite.Errorf(novalite.NotFound, "Cannot remove host %s in aggregate %d", host, id)
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ComputeNodeGet(ctx, host); novalite.IsKind(err, novalite.NotFound) {
			return notFound
		} else if err != nil {
			return err
		}
		a, err = tx.AggregateGet(ctx, id)
		if novalite.IsKind(err, novalite.NotFound) {
			return notFound
		} else if err != nil {
			return err
		}
		if z := a.Zone(); z != "" {
			servers, aggs, err := hostServersAndAggregates(ctx, tx, host)
			if err != nil {
				return err
			}
			if next := hostZoneOf(aggs, id); len(servers) > 0 && next != z {
				return novalite.Errorf(novalite.Conflict, "%s", invalidAggregate("remove", id, fmt.Sprintf(
					"The host cannot be removed from the aggregate as the availability zone of the host would "+
						"change from '%s' to '%s' but the host already has %d instance(s). Changing the AZ of an "+
						"existing instance is not supported by this action. Move the instances away from this host "+
						"then try again. If you need to move the instances between AZs then you can use "+
						"shelve_offload and unshelve to achieve this.", z, noneIfEmpty(next), len(servers))).Error())
			}
		}
		ok, err := tx.AggregateRemoveHost(ctx, id, host)
		if err != nil {
			return err
		}
		if !ok {
			return notFound
		}
		a, err = getAggregate(ctx, tx, id)
		return err
	})
	return a, err
}
