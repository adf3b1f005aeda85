package network

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

func sgNotFound(id string) error {
	return nerr(novalite.NotFound, "SecurityGroupNotFound", "Security group %s does not exist", id)
}

func ruleNotFound(id string) error {
	return nerr(novalite.NotFound, "SecurityGroupRuleNotFound", "Security group rule %s does not exist", id)
}

// ensureDefaultGroup returns the project's "default" group, creating it
// (with Neutron's four default rules) on first use.
func (s *Service) ensureDefaultGroup(ctx context.Context, tx *store.Tx, projectID string) (string, error) {
	id, err := tx.DefaultSecurityGroupGet(ctx, projectID)
	if !novalite.IsKind(err, novalite.NotFound) {
		return id, err
	}
	now := s.stamp()
	g := novalite.SecurityGroup{ID: newID(), Name: "default", Description: "Default security group",
		ProjectID: projectID, Stateful: true, CreatedAt: now, UpdatedAt: now}
	if err := tx.SecurityGroupInsert(ctx, g); err != nil {
		return "", err
	}
	won, err := tx.DefaultSecurityGroupInsert(ctx, projectID, g.ID)
	if err != nil {
		return "", err
	}
	if !won { // another request made the project's default group meanwhile
		if err := tx.SecurityGroupDelete(ctx, g.ID); err != nil {
			return "", err
		}
		return tx.DefaultSecurityGroupGet(ctx, projectID)
	}
	for _, r := range []novalite.SecurityGroupRule{
		{Direction: "ingress", EtherType: "IPv4", RemoteGroupID: g.ID},
		{Direction: "ingress", EtherType: "IPv6", RemoteGroupID: g.ID},
		{Direction: "egress", EtherType: "IPv4"},
		{Direction: "egress", EtherType: "IPv6"},
	} {
		r.ID, r.SecurityGroupID, r.ProjectID, r.CreatedAt, r.UpdatedAt = newID(), g.ID, projectID, now, now
		if err := tx.SecurityGroupRuleInsert(ctx, r); err != nil {
			return "", err
		}
	}
	return g.ID, nil
}

// EnsureDefaultGroup makes sure the caller's project has its default
// group (Neutron creates it on the project's first security-group read).
func (s *Service) EnsureDefaultGroup(ctx context.Context, c *novalite.Caller) error {
	if c.ProjectID == "" {
		return nil
	}
	// A read first, as most calls find the group: a write transaction for
	// each read of the groups would queue behind SQLite's one writer.
	// Nothing is remembered in the process: an admin may delete the group
	// through another replica, and Neutron makes it again on the next read.
	err := s.db.View(ctx, func(tx *store.Tx) error {
		_, err := tx.DefaultSecurityGroupGet(ctx, c.ProjectID)
		return err
	})
	if !novalite.IsKind(err, novalite.NotFound) {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		_, err := s.ensureDefaultGroup(ctx, tx, c.ProjectID)
		return err
	})
}

func getGroup(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.SecurityGroup, error) {
	g, err := tx.SecurityGroupGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) || (err == nil && !policy.AllowedOwned(c, "get_security_group", g.ProjectID)) {
		return novalite.SecurityGroup{}, sgNotFound(id)
	}
	return g, err
}

// GetSecurityGroup returns a group of the caller's project (any, for admins).
func (s *Service) GetSecurityGroup(ctx context.Context, c *novalite.Caller, id string) (novalite.SecurityGroup, error) {
	if err := s.EnsureDefaultGroup(ctx, c); err != nil {
		return novalite.SecurityGroup{}, err
	}
	return view(ctx, s.db, func(tx *store.Tx) (novalite.SecurityGroup, error) { return getGroup(ctx, tx, c, id) })
}

// ListSecurityGroups lists the caller's groups with their rules.
func (s *Service) ListSecurityGroups(ctx context.Context, c *novalite.Caller, p ListParams) ([]novalite.SecurityGroup, error) {
	if err := s.EnsureDefaultGroup(ctx, c); err != nil {
		return nil, err
	}
	return view(ctx, s.db, func(tx *store.Tx) ([]novalite.SecurityGroup, error) { return tx.SecurityGroupList(ctx, p.filter(c)) })
}

// SecurityGroupParams are the writable fields of a group.
type SecurityGroupParams struct {
	Name, Description, ProjectID *string
	Stateful                     *bool
}

// CreateSecurityGroup creates a group with Neutron's two egress rules.
func (s *Service) CreateSecurityGroup(ctx context.Context, c *novalite.Caller, p SecurityGroupParams) (novalite.SecurityGroup, error) {
	now := s.stamp()
	g := novalite.SecurityGroup{ID: newID(), ProjectID: c.ProjectID, Stateful: true, CreatedAt: now, UpdatedAt: now}
	set(&g.Name, p.Name)
	set(&g.Description, p.Description)
	set(&g.ProjectID, p.ProjectID)
	set(&g.Stateful, p.Stateful)
	if !policy.AllowedOwned(c, "create_security_group", g.ProjectID) {
		return g, policyDenied("create_security_group")
	}
	if g.Name == "default" {
		return g, nerr(novalite.Conflict, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.")
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := s.ensureDefaultGroup(ctx, tx, g.ProjectID); err != nil {
			return err
		}
		if err := checkQuota(ctx, tx, g.ProjectID, "security_group"); err != nil {
			return err
		}
		if err := tx.SecurityGroupInsert(ctx, g); err != nil {
			return err
		}
		for _, et := range []string{"IPv4", "IPv6"} {
			r := novalite.SecurityGroupRule{ID: newID(), SecurityGroupID: g.ID, ProjectID: g.ProjectID,
				Direction: "egress", EtherType: et, CreatedAt: now, UpdatedAt: now}
			if err := tx.SecurityGroupRuleInsert(ctx, r); err != nil {
				return err
			}
			g.Rules = append(g.Rules, r)
		}
		return nil
	})
	return g, err
}

// UpdateSecurityGroup renames or re-describes a group (not "default").
func (s *Service) UpdateSecurityGroup(ctx context.Context, c *novalite.Caller, id string, p SecurityGroupParams) (novalite.SecurityGroup, error) {
	var g novalite.SecurityGroup
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if g, err = getGroup(ctx, tx, c, id); err != nil {
			return err
		}
		if err := authorize(c, "update_security_group", g.ProjectID); err != nil {
			return err
		}
		if g.Name == "default" && p.Name != nil && *p.Name != "default" {
			return nerr(novalite.Conflict, "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.")
		}
		set(&g.Name, p.Name)
		set(&g.Description, p.Description)
		set(&g.Stateful, p.Stateful)
		g.UpdatedAt = s.stamp()
		return tx.SecurityGroupUpdate(ctx, g)
	})
	return g, err
}

// DeleteSecurityGroup deletes an unused group; the default group only by
// an admin.
func (s *Service) DeleteSecurityGroup(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		g, err := getGroup(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := authorize(c, "delete_security_group", g.ProjectID); err != nil {
			return err
		}
		if def, _ := tx.DefaultSecurityGroupGet(ctx, g.ProjectID); def == id && !isAdmin(c) {
			return nerr(novalite.Conflict, "SecurityGroupCannotRemoveDefault", "Removing default security group not allowed.")
		}
		n, err := tx.PortCountBySecurityGroup(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return nerr(novalite.Conflict, "SecurityGroupInUse", "Security Group %s in use.", id)
		}
		return tx.SecurityGroupDelete(ctx, id)
	})
}

// GetSecurityGroupRule returns a rule of one of the caller's groups.
func (s *Service) GetSecurityGroupRule(ctx context.Context, c *novalite.Caller, id string) (novalite.SecurityGroupRule, error) {
	return view(ctx, s.db, func(tx *store.Tx) (novalite.SecurityGroupRule, error) { return getRule(ctx, tx, c, id) })
}

func getRule(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) (novalite.SecurityGroupRule, error) {
	r, err := tx.SecurityGroupRuleGet(ctx, id)
	if novalite.IsKind(err, novalite.NotFound) {
		return r, ruleNotFound(id)
	}
	if err == nil && !policy.AllowedOwned(c, "get_security_group_rule", r.ProjectID) {
		if _, gerr := getGroup(ctx, tx, c, r.SecurityGroupID); gerr != nil {
			return r, ruleNotFound(id)
		}
	}
	return r, err
}

// ListSecurityGroupRules lists the rules the caller may see.
func (s *Service) ListSecurityGroupRules(ctx context.Context, c *novalite.Caller, p ListParams) ([]novalite.SecurityGroupRule, error) {
	if err := s.EnsureDefaultGroup(ctx, c); err != nil {
		return nil, err
	}
	return view(ctx, s.db, func(tx *store.Tx) ([]novalite.SecurityGroupRule, error) {
		return tx.SecurityGroupRuleList(ctx, p.filter(c))
	})
}

// RuleParams are the fields of a new rule. Protocol "" is any.
type RuleParams struct {
	SecurityGroupID, Direction, EtherType, Protocol string
	PortRangeMin, PortRangeMax                      *int
	RemoteIPPrefix, RemoteGroupID, Description      string
	ProjectID                                       string
}

var protocolNames = []string{"ah", "dccp", "egp", "esp", "gre", "hopopt", "icmp", "icmpv6", "igmp", "ipip",
	"ipv6-encap", "ipv6-frag", "ipv6-icmp", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf", "pgm", "rsvp",
	"sctp", "tcp", "udp", "udplite", "vrrp"}

// validateRule checks a rule as Neutron's securitygroups_db does.
func validateRule(r *RuleParams) error {
	if r.Direction != "ingress" && r.Direction != "egress" {
		return badRequest("Invalid input for direction. Reason: '%s' is not in ['ingress', 'egress'].", r.Direction)
	}
	if r.EtherType == "" {
		r.EtherType = "IPv4"
	}
	if r.EtherType != "IPv4" && r.EtherType != "IPv6" {
		return badRequest("Invalid input for ethertype. Reason: '%s' is not in ['IPv4', 'IPv6'].", r.EtherType)
	}
	r.Protocol = strings.ToLower(r.Protocol)
	if n, err := strconv.Atoi(r.Protocol); r.Protocol != "" && !slices.Contains(protocolNames, r.Protocol) && (err != nil || n < 0 || n > 255) {
		return nerr(novalite.Invalid, "SecurityGroupRuleInvalidProtocol",
			"Security group rule protocol %s not supported. Only protocol values [None, '%s'] and integer representations [0 to 255] are supported.",
			r.Protocol, strings.Join(protocolNames, "', '"))
	}
	if (r.PortRangeMin != nil || r.PortRangeMax != nil) && r.Protocol == "" {
		return nerr(novalite.Invalid, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given.")
	}
	switch r.Protocol {
	case "tcp", "udp", "sctp", "dccp", "udplite", "6", "17", "132", "33", "136":
		if r.PortRangeMin != nil && r.PortRangeMax != nil && *r.PortRangeMin > *r.PortRangeMax {
			return nerr(novalite.Invalid, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= port_range_max")
		}
		for _, p := range []*int{r.PortRangeMin, r.PortRangeMax} {
			if p != nil && (*p < 1 || *p > 65535) {
				return nerr(novalite.Invalid, "SecurityGroupInvalidPortValue", "Invalid value for port %d.", *p)
			}
		}
	case "icmp", "icmpv6", "ipv6-icmp", "1", "58":
		for _, p := range []*int{r.PortRangeMin, r.PortRangeMax} {
			if p != nil && (*p < 0 || *p > 255) {
				return nerr(novalite.Invalid, "SecurityGroupInvalidIcmpValue",
					"Invalid value for ICMP field (port_range_min): %d. It must be 0 to 255.", *p)
			}
		}
	}
	if r.RemoteIPPrefix != "" && r.RemoteGroupID != "" {
		return nerr(novalite.Invalid, "SecurityGroupRemoteGroupAndRemoteIpPrefix", "Only remote_ip_prefix or remote_group_id may be provided.")
	}
	if r.RemoteIPPrefix != "" {
		p, err := netip.ParsePrefix(r.RemoteIPPrefix)
		if err != nil {
			a, aerr := netip.ParseAddr(r.RemoteIPPrefix)
			if aerr != nil {
				return badRequest("Invalid input for remote_ip_prefix. Reason: '%s' is not a valid IP subnet.", r.RemoteIPPrefix)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4() != (r.EtherType == "IPv4") {
			return nerr(novalite.Invalid, "SecurityGroupRuleParameterConflict",
				"Conflicting value ethertype %s for CIDR %s", r.EtherType, r.RemoteIPPrefix)
		}
		// Neutron keeps the prefix as given (a bare address gains its
		// length); normalized_cidr shows it with the host bits cleared.
		r.RemoteIPPrefix = p.String()
	}
	return nil
}

// NormalizedCIDR is a rule's remote_ip_prefix with the host bits cleared
// (Neutron's normalized_cidr), or "" for none.
func NormalizedCIDR(prefix string) string {
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return prefix
	}
	return p.Masked().String()
}

// CreateSecurityGroupRule adds a rule to one of the caller's groups.
func (s *Service) CreateSecurityGroupRule(ctx context.Context, c *novalite.Caller, p RuleParams) (novalite.SecurityGroupRule, error) {
	var r novalite.SecurityGroupRule
	if err := validateRule(&p); err != nil {
		return r, err
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		g, err := getGroup(ctx, tx, c, p.SecurityGroupID)
		if err != nil {
			return err
		}
		if err := authorize(c, "create_security_group_rule", g.ProjectID); err != nil {
			return err
		}
		if p.RemoteGroupID != "" {
			if _, err := getGroup(ctx, tx, c, p.RemoteGroupID); err != nil {
				return err
			}
		}
		now := s.stamp()
		r = novalite.SecurityGroupRule{ID: newID(), SecurityGroupID: g.ID, ProjectID: g.ProjectID,
			Description: p.Description, Direction: p.Direction, EtherType: p.EtherType, Protocol: p.Protocol,
			PortRangeMin: p.PortRangeMin, PortRangeMax: p.PortRangeMax, RemoteIPPrefix: p.RemoteIPPrefix,
			RemoteGroupID: p.RemoteGroupID, CreatedAt: now, UpdatedAt: now}
		for _, o := range g.Rules {
			if sameRule(o, r) {
				return nerr(novalite.Conflict, "SecurityGroupRuleExists", "Security group rule already exists. Rule id is %s.", o.ID)
			}
		}
		if err := checkQuota(ctx, tx, g.ProjectID, "security_group_rule"); err != nil {
			return err
		}
		return tx.SecurityGroupRuleInsert(ctx, r)
	})
	return r, err
}

func sameRule(a, b novalite.SecurityGroupRule) bool {
	eq := func(x, y *int) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	return a.Direction == b.Direction && a.EtherType == b.EtherType && a.Protocol == b.Protocol &&
		eq(a.PortRangeMin, b.PortRangeMin) && eq(a.PortRangeMax, b.PortRangeMax) &&
		NormalizedCIDR(a.RemoteIPPrefix) == NormalizedCIDR(b.RemoteIPPrefix) && a.RemoteGroupID == b.RemoteGroupID
}

// DeleteSecurityGroupRule deletes a rule of one of the caller's groups.
func (s *Service) DeleteSecurityGroupRule(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := getRule(ctx, tx, c, id)
		if err != nil {
			return err
		}
		if err := authorize(c, "delete_security_group_rule", r.ProjectID); err != nil {
			return err
		}
		return tx.SecurityGroupRuleDelete(ctx, id)
	})
}
