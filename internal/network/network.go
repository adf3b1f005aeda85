// Package network holds the Neutron v2 use cases novalite serves:
// networks, subnets, ports with collision-free address allocation,
// security groups (with each project's "default" group), routers and
// floating IPs. It knows nothing of HTTP. Servers create and release
// their ports through AllocatePorts and ReleaseServerPorts inside their
// own transaction (see README.md).
package network

import (
	"context"
	"time"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// Service is the network service.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// Options configure a Service.
type Options struct {
	Now func() time.Time
}

// New returns the network service over db.
func New(db *store.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: db, now: o.Now}
}

// defaultMTU is the MTU of new networks (Neutron over VXLAN).
const defaultMTU = 1450

func nerr(k novalite.Kind, reason, format string, args ...any) error {
	e := novalite.Errorf(k, format, args...)
	e.Reason = reason
	return e
}

// Neutron's errors (neutron_lib/exceptions), by type.
func networkNotFound(id string) error {
	return nerr(novalite.NotFound, "NetworkNotFound", "Network %s could not be found.", id)
}
func subnetNotFound(id string) error {
	return nerr(novalite.NotFound, "SubnetNotFound", "Subnet %s could not be found.", id)
}
func portNotFound(id string) error {
	return nerr(novalite.NotFound, "PortNotFound", "Port %s could not be found.", id)
}
func invalidInput(format string, args ...any) error {
	return nerr(novalite.Invalid, "InvalidInput", "Invalid input for operation: "+format, args...)
}
func badRequest(format string, args ...any) error {
	return nerr(novalite.Invalid, "HTTPBadRequest", format, args...)
}

// policyDenied is Neutron's 403 for a rule (PolicyNotAuthorized).
func policyDenied(rule string) error {
	return nerr(novalite.Forbidden, "PolicyNotAuthorized", "(rule:%s) is disallowed by policy", rule)
}

// authorize is policyDenied unless rule lets c act on a resource of
// project: the rule is named once, for the check and its message.
func authorize(c *novalite.Caller, rule, project string) error {
	if !policy.AllowedOwned(c, rule, project) {
		return policyDenied(rule)
	}
	return nil
}

func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }

// view returns what read finds in one read transaction.
func view[T any](ctx context.Context, db *store.DB, read func(*store.Tx) (T, error)) (T, error) {
	var out T
	err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = read(tx)
		return err
	})
	return out, err
}

func newID() string { return uuid.NewString() }

// permits checks a rule about what the caller asks for rather than whose
// resource it is (admin-only attributes).
func permits(c *novalite.Caller, rule string) bool {
	return policy.Allowed(c, rule, policy.Target{})
}

// isAdmin is an admin context as Neutron makes it (context_is_admin): it
// sees and changes every project's resources.
func isAdmin(c *novalite.Caller) bool { return permits(c, "context_is_admin") }

// networkVisible: own, shared or external networks, or any for admins.
func networkVisible(c *novalite.Caller, n novalite.Network) bool {
	return n.Shared || n.External || policy.AllowedOwned(c, "get_network", n.ProjectID)
}

func scope(c *novalite.Caller) store.NetFilter {
	return store.NetFilter{Admin: isAdmin(c), ProjectID: c.ProjectID}
}

// ListParams are a list's filters and page: Neutron field name → values.
type ListParams struct {
	Eq      map[string][]string
	Marker  string
	Limit   int
	Reverse bool
	Sort    []Sort // sort_key/sort_dir pairs, then id
}

// Sort is one sort key of a list: an API field name, ascending or not.
type Sort struct {
	Field string
	Asc   bool
}

func (p ListParams) filter(c *novalite.Caller) store.NetFilter {
	f := scope(c)
	f.Eq, f.Marker, f.Limit, f.Reverse = p.Eq, p.Marker, p.Limit, p.Reverse
	for _, k := range p.Sort {
		f.Sort = append(f.Sort, store.NetSort{Field: k.Field, Asc: k.Asc})
	}
	return f
}

// GetNetwork returns a network c may see.
func (s *Service) GetNetwork(ctx context.Context, c *novalite.Caller, id string) (novalite.Network, error) {
	return view(ctx, s.db, func(tx *store.Tx) (novalite.Network, error) { return getNetwork(ctx, tx, c, id) })
}

func getNetwork(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.Network, error) {
	n, err := tx.NetworkGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) || (err == nil && !networkVisible(c, n)) {
		return novalite.Network{}, networkNotFound(id)
	}
	return n, err
}

// ListNetworks lists the networks c may see.
func (s *Service) ListNetworks(ctx context.Context, c *novalite.Caller, p ListParams) ([]novalite.Network, error) {
	return view(ctx, s.db, func(tx *store.Tx) ([]novalite.Network, error) { return tx.NetworkList(ctx, p.filter(c)) })
}

// NetworkParams are the writable fields of a network; nil = not given.
type NetworkParams struct {
	Name, Description, ProjectID *string
	AdminStateUp, Shared         *bool
	External, PortSecurity       *bool
	MTU                          *int
}

// CreateNetwork creates a network. Shared and external networks need admin.
func (s *Service) CreateNetwork(ctx context.Context, c *novalite.Caller, p NetworkParams) (novalite.Network, error) {
	now := s.stamp()
	n := novalite.Network{ID: newID(), ProjectID: c.ProjectID, AdminStateUp: true, PortSecurityEnabled: true, MTU: defaultMTU,
		Subnets: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.applyNetwork(c, &n, p, "create_network"); err != nil {
		return n, err
	}
	if !policy.AllowedOwned(c, "create_network", n.ProjectID) {
		return n, policyDenied("create_network")
	}
	return n, s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := checkQuota(ctx, tx, n.ProjectID, "network"); err != nil {
			return err
		}
		return tx.NetworkInsert(ctx, n)
	})
}

func (s *Service) applyNetwork(c *novalite.Caller, n *novalite.Network, p NetworkParams, rule string) error {
	if p.ProjectID != nil && *p.ProjectID != c.ProjectID && !permits(c, rule+":tenant_id") {
		return policyDenied(rule + ":tenant_id")
	}
	if p.Shared != nil && !permits(c, rule+":shared") {
		return policyDenied(rule + ":shared")
	}
	if p.External != nil && !permits(c, rule+":router:external") {
		return policyDenied(rule + ":router:external")
	}
	if p.MTU != nil && *p.MTU < 68 {
		return invalidInput("Invalid input for mtu. Reason: '%d' is too small - must be at least '68'.", *p.MTU)
	}
	set(&n.Name, p.Name)
	set(&n.Description, p.Description)
	set(&n.ProjectID, p.ProjectID)
	set(&n.AdminStateUp, p.AdminStateUp)
	set(&n.Shared, p.Shared)
	set(&n.External, p.External)
	set(&n.PortSecurityEnabled, p.PortSecurity)
	set(&n.MTU, p.MTU)
	return nil
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// UpdateNetwork changes a network: invisible → 404, visible but not the
// caller's → 403.
func (s *Service) UpdateNetwork(ctx context.Context, c *novalite.Caller, id string, p NetworkParams) (novalite.Network, error) {
	var n novalite.Network
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = getNetwork(ctx, tx, c, id); err != nil {
			return err
		}
		if err := authorize(c, "update_network", n.ProjectID); err != nil {
			return err
		}
		if p.ProjectID != nil {
			return badRequest("Cannot update read-only attribute tenant_id")
		}
		if err := s.applyNetwork(c, &n, p, "update_network"); err != nil {
			return err
		}
		n.UpdatedAt = s.stamp()
		return tx.NetworkUpdate(ctx, n)
	})
	return n, err
}

// DeleteNetwork deletes a network and its subnets; ports other than
// Neutron's own (DHCP) make it NetworkInUse.
func (s *Service) DeleteNetwork(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		n, err := getNetwork(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := authorize(c, "delete_network", n.ProjectID); err != nil {
			return err
		}
		inUse, err := tx.NetworkPortCount(ctx, id, novalite.DeviceOwnerDHCP)
		if err != nil {
			return err
		}
		if inUse > 0 {
			return nerr(novalite.Conflict, "NetworkInUse",
				"Unable to complete operation on network %s. There are one or more ports still in use on the network.", id)
		}
		return tx.NetworkDelete(ctx, id)
	})
}
