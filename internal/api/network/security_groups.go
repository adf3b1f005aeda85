package network

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
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

func groupView(g novalite.SecurityGroup) map[string]any {
	rules := make([]map[string]any, len(g.Rules))
	for i, r := range g.Rules {
		rules[i] = ruleView(r)
	}
	return common(map[string]any{"id": g.ID, "name": g.Name, "description": g.Description, "stateful": g.Stateful,
		"shared": false, "security_group_rules": rules}, g.ProjectID, g.CreatedAt, g.UpdatedAt)
}

func groupTargets(p *network.SecurityGroupParams) targets {
	return targets{"name": &p.Name, "description": &p.Description, "project_id": &p.ProjectID, "stateful": &p.Stateful}
}

func (a *API) listSecurityGroups(w http.ResponseWriter, r *http.Request) error {
	p, err := listParams(r)
	if err != nil {
		return err
	}
	gs, err := a.svc.ListSecurityGroups(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	items := make([]map[string]any, len(gs))
	for i, g := range gs {
		items[i] = groupView(g)
	}
	return a.render(w, r, "security_groups", items, p, func(i int) string { return gs[i].ID })
}

func (a *API) showSecurityGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := a.svc.GetSecurityGroup(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.showOne(w, r, "security_group", groupView(g), http.StatusOK)
}

func (a *API) createSecurityGroup(w http.ResponseWriter, r *http.Request) error {
	var p network.SecurityGroupParams
	if _, err := decodeResource(r, "security_group", groupTargets(&p)); err != nil {
		return err
	}
	g, err := a.svc.CreateSecurityGroup(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	return a.showOne(w, r, "security_group", groupView(g), http.StatusCreated)
}

func (a *API) updateSecurityGroup(w http.ResponseWriter, r *http.Request) error {
	var p network.SecurityGroupParams
	if _, err := decodeResource(r, "security_group", groupTargets(&p)); err != nil {
		return err
	}
	g, err := a.svc.UpdateSecurityGroup(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return a.showOne(w, r, "security_group", groupView(g), http.StatusOK)
}

func (a *API) deleteSecurityGroup(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteSecurityGroup(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listRules(w http.ResponseWriter, r *http.Request) error {
	p, err := listParams(r)
	if err != nil {
		return err
	}
	rs, err := a.svc.ListSecurityGroupRules(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	items := make([]map[string]any, len(rs))
	for i, x := range rs {
		items[i] = ruleView(x)
	}
	return a.render(w, r, "security_group_rules", items, p, func(i int) string { return rs[i].ID })
}

func (a *API) showRule(w http.ResponseWriter, r *http.Request) error {
	x, err := a.svc.GetSecurityGroupRule(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.showOne(w, r, "security_group_rule", ruleView(x), http.StatusOK)
}

func (a *API) createRule(w http.ResponseWriter, r *http.Request) error {
	var sg, dir, et, proto, prefix, remote, desc, project *string
	var pmin, pmax *int
	var protoNum *int
	t := targets{"security_group_id": &sg, "direction": &dir, "ethertype": &et, "protocol": &proto,
		"port_range_min": &pmin, "port_range_max": &pmax, "remote_ip_prefix": &prefix, "remote_group_id": &remote,
		"description": &desc, "project_id": &project, "remote_address_group_id": nil}
	attrs, err := decodeRuleProtocol(r, t, &protoNum)
	if err != nil {
		return err
	}
	_ = attrs
	if sg == nil {
		return badRequest("Failed to parse request. Required attribute 'security_group_id' not specified")
	}
	if dir == nil {
		return badRequest("Failed to parse request. Required attribute 'direction' not specified")
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
	x, err := a.svc.CreateSecurityGroupRule(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	return a.showOne(w, r, "security_group_rule", ruleView(x), http.StatusCreated)
}

func (a *API) deleteRule(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteSecurityGroupRule(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
