package network

import (
	"net/http"

	"novalite"
	"novalite/internal/network"
)

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func ruleView(r novalite.SecurityGroupRule) map[string]any {
	return common(map[string]any{
		"id": r.ID, "security_group_id": r.SecurityGroupID, "description": r.Description, "direction": r.Direction,
		"ethertype": r.EtherType, "protocol": nullable(r.Protocol), "port_range_min": intOrNil(r.PortRangeMin),
		"port_range_max": intOrNil(r.PortRangeMax), "remote_ip_prefix": nullable(r.RemoteIPPrefix),
		"remote_group_id": nullable(r.RemoteGroupID), "remote_address_group_id": nil, "normalized_cidr": nullable(network.NormalizedCIDR(r.RemoteIPPrefix)),
		"belongs_to_default_sg": nil,
	}, r.ProjectID, r.CreatedAt, r.UpdatedAt)
}

// securityGroupRules are the handlers of /v2.0/security-group-rules.
func (a *API) securityGroupRules() crud {
	return serve(a, "security_group_rules", resource[novalite.SecurityGroupRule, network.RuleParams]{id: func(x novalite.SecurityGroupRule) string { return x.ID },
		view: anyone(ruleView), read: forAction(readRule), list: listed(a.svc.ListSecurityGroupRules),
		get: a.svc.GetSecurityGroupRule, create: a.svc.CreateSecurityGroupRule, del: a.svc.DeleteSecurityGroupRule})
}

func groupView(g novalite.SecurityGroup) map[string]any {
	rules := make([]map[string]any, len(g.Rules))
	for i, r := range g.Rules {
		rules[i] = ruleView(r)
	}
	return common(map[string]any{"id": g.ID, "name": g.Name, "description": g.Description, "stateful": g.Stateful,
		"shared": false, "security_group_rules": rules}, g.ProjectID, g.CreatedAt, g.UpdatedAt)
}

// securityGroups are the handlers of /v2.0/security-groups.
func (a *API) securityGroups() crud {
	return serve(a, "security_groups", resource[novalite.SecurityGroup, network.SecurityGroupParams]{id: func(g novalite.SecurityGroup) string { return g.ID },
		view: anyone(groupView), read: forAction(readGroup), list: listed(a.svc.ListSecurityGroups),
		get: a.svc.GetSecurityGroup, create: a.svc.CreateSecurityGroup, update: a.svc.UpdateSecurityGroup,
		del: a.svc.DeleteSecurityGroup})
}

func groupTargets(p *network.SecurityGroupParams) targets {
	return targets{"name": &p.Name, "description": &p.Description, "project_id": &p.ProjectID, "stateful": &p.Stateful}
}

// readGroup decodes a security group body.
func readGroup(r *http.Request) (network.SecurityGroupParams, error) {
	var p network.SecurityGroupParams
	_, err := decodeResource(r, "security_group", groupTargets(&p))
	return p, err
}

// readRule decodes a rule body; a rule is created, never updated.
func readRule(r *http.Request) (network.RuleParams, error) {
	var sg, dir, et, proto, prefix, remote, desc, project *string
	var pmin, pmax *int
	var protoNum *int
	t := targets{"security_group_id": &sg, "direction": &dir, "ethertype": &et, "protocol": &proto,
		"port_range_min": &pmin, "port_range_max": &pmax, "remote_ip_prefix": &prefix, "remote_group_id": &remote,
		"description": &desc, "project_id": &project, "remote_address_group_id": nil}
	if _, err := decodeRuleProtocol(r, t, &protoNum); err != nil {
		return network.RuleParams{}, err
	}
	if sg == nil {
		return network.RuleParams{}, badRequest("Failed to parse request. Required attribute 'security_group_id' not specified")
	}
	if dir == nil {
		return network.RuleParams{}, badRequest("Failed to parse request. Required attribute 'direction' not specified")
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	p := network.RuleParams{SecurityGroupID: *sg, Direction: *dir, EtherType: str(et), Protocol: str(proto),
		PortRangeMin: pmin, PortRangeMax: pmax, RemoteIPPrefix: str(prefix), RemoteGroupID: str(remote),
		Description: str(desc), ProjectID: str(project)}
	return p, nil
}
