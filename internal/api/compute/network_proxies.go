package compute

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
	"novalite/internal/policy"
)

// Nova's deprecated network proxies, backed by the network service as
// Nova backs them by Neutron (nova/api/openstack/compute/security_groups.py,
// floating_ips.py, floating_ip_pools.py, networks.py), up to 2.35.

// proxy checks the policy rule of a proxy route.
func proxy(r *http.Request, rule string) (*novalite.Caller, error) {
	c := httpx.Caller(r.Context())
	return c, policy.Authorize(c, rule, policy.Target{})
}

// fromNeutron turns a network-service error into the Nova proxy's:
// Nova reports Neutron's conflicts and bad requests as 400.
func fromNeutron(err error, notFound string) error {
	switch novalite.KindOf(err) {
	case novalite.NotFound:
		return novalite.Errorf(novalite.NotFound, "%s", notFound)
	case novalite.Conflict, novalite.Invalid:
		return novalite.Errorf(novalite.Invalid, "%s", novalite.MessageOf(err))
	}
	return err
}

// portOrMinus1 is a rule's port, -1 for none (Nova's proxy).
func portOrMinus1(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

// sgRuleView is Nova's rule: ingress rules only, ports as from/to, the
// remote as a group or an address range ({} for the other).
type sgRuleView struct {
	FromPort   int     `json:"from_port"`
	Group      sgGroup `json:"group"`
	ID         string  `json:"id"`
	IPProtocol *string `json:"ip_protocol"`
	IPRange    struct {
		CIDR Optional[string] `json:"cidr,omitzero"`
	} `json:"ip_range"`
	ParentGroupID string `json:"parent_group_id"`
	ToPort        int    `json:"to_port"`
}

// sgGroup is a rule's remote group, {} when it has none.
type sgGroup struct {
	Name     Optional[string] `json:"name,omitzero"`
	TenantID Optional[string] `json:"tenant_id,omitzero"`
}

func sgRuleViewOf(r novalite.SecurityGroupRule, groups map[string]novalite.SecurityGroup) sgRuleView {
	v := sgRuleView{FromPort: portOrMinus1(r.PortRangeMin), ID: r.ID, IPProtocol: nilIfEmpty(r.Protocol),
		ParentGroupID: r.SecurityGroupID, ToPort: portOrMinus1(r.PortRangeMax)}
	switch {
	case r.RemoteGroupID != "":
		g := groups[r.RemoteGroupID]
		v.Group = sgGroup{Name: some(g.Name), TenantID: some(g.ProjectID)}
	case r.RemoteIPPrefix != "":
		v.IPRange.CIDR = some(r.RemoteIPPrefix)
	default:
		v.IPRange.CIDR = some("0.0.0.0/0")
	}
	return v
}

// sgView is a security group as Nova's proxy showed it.
type sgView struct {
	Description string       `json:"description"`
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Rules       []sgRuleView `json:"rules"`
	TenantID    string       `json:"tenant_id"`
}

func sgViewOf(g novalite.SecurityGroup, groups map[string]novalite.SecurityGroup) sgView {
	rules := []sgRuleView{}
	for _, r := range g.Rules {
		if r.Direction == "ingress" {
			rules = append(rules, sgRuleViewOf(r, groups))
		}
	}
	return sgView{Description: g.Description, ID: g.ID, Name: g.Name, Rules: rules, TenantID: g.ProjectID}
}

// sgList is the body of a list of security groups.
type sgList struct {
	SecurityGroups []sgView `json:"security_groups"`
}

// sgBody is the body of one security group.
type sgBody struct {
	SecurityGroup sgView `json:"security_group"`
}

func (a *API) groupsByID(r *http.Request, c *novalite.Caller) map[string]novalite.SecurityGroup {
	gs, _ := a.svc.Network.ListSecurityGroups(r.Context(), c, network.ListParams{})
	out := map[string]novalite.SecurityGroup{}
	for _, g := range gs {
		out[g.ID] = g
	}
	return out
}

func (a *API) listSecurityGroupsProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-security-groups:get")
	if err != nil {
		return err
	}
	p := network.ListParams{}
	if !c.IsAdmin() || r.URL.Query().Get("all_tenants") == "" {
		p.Eq = map[string][]string{"project_id": {c.ProjectID}}
	}
	gs, err := a.svc.Network.ListSecurityGroups(r.Context(), c, p)
	if err != nil {
		return err
	}
	byID := map[string]novalite.SecurityGroup{}
	for _, g := range gs {
		byID[g.ID] = g
	}
	out := sgList{make([]sgView, len(gs))}
	for i, g := range gs {
		out.SecurityGroups[i] = sgViewOf(g, byID)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) showSecurityGroupProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-security-groups:show")
	if err != nil {
		return err
	}
	id, err := securityGroupID(r.PathValue("id"))
	if err != nil {
		return err
	}
	g, err := a.svc.Network.GetSecurityGroup(r.Context(), c, id)
	if err != nil {
		return fromNeutron(err, "Security group "+id+" not found.")
	}
	httpx.WriteJSON(w, http.StatusOK, sgBody{sgViewOf(g, a.groupsByID(r, c))})
	return nil
}

// readGroupBody reads {"security_group": {"name", "description"}} with
// Nova's checks (security_group_api.validate_property).
func readGroupBody(r *http.Request) (name, desc string, err error) {
	var body struct {
		SG *struct {
			Name        *string `json:"name"`
			Description *string `json:"description"`
		} `json:"security_group"`
	}
	if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
		return "", "", err
	}
	if body.SG == nil {
		return "", "", novalite.Errorf(novalite.Invalid, "The request body is invalid: missing security_group")
	}
	for _, f := range []struct {
		v    *string
		what string
	}{{body.SG.Name, "name"}, {body.SG.Description, "description"}} {
		if f.v == nil {
			return "", "", novalite.Errorf(novalite.Invalid, "Security group %s is not a string or unicode", f.what)
		}
		if len(*f.v) > 255 {
			return "", "", novalite.Errorf(novalite.Invalid, "Security group %s should not be greater than 255 characters.", f.what)
		}
	}
	return *body.SG.Name, *body.SG.Description, nil
}

func (a *API) createSecurityGroupProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-security-groups:create")
	if err != nil {
		return err
	}
	name, desc, err := readGroupBody(r)
	if err != nil {
		return err
	}
	g, err := a.svc.Network.CreateSecurityGroup(r.Context(), c, network.SecurityGroupParams{Name: &name, Description: &desc})
	if err != nil {
		return fromNeutron(err, "Security group not found.")
	}
	httpx.WriteJSON(w, http.StatusOK, sgBody{sgViewOf(g, nil)})
	return nil
}

func (a *API) updateSecurityGroupProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-security-groups:update")
	if err != nil {
		return err
	}
	// Nova checks the id and finds the group before it reads the body.
	id, err := securityGroupID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := a.svc.Network.GetSecurityGroup(r.Context(), c, id); err != nil {
		return fromNeutron(err, "Security group "+id+" not found.")
	}
	name, desc, err := readGroupBody(r)
	if err != nil {
		return err
	}
	g, err := a.svc.Network.UpdateSecurityGroup(r.Context(), c, id, network.SecurityGroupParams{Name: &name, Description: &desc})
	if err != nil {
		return fromNeutron(err, "Security group "+id+" not found.")
	}
	httpx.WriteJSON(w, http.StatusOK, sgBody{sgViewOf(g, a.groupsByID(r, c))})
	return nil
}

func (a *API) deleteSecurityGroupProxy(w http.ResponseWriter, r *http.Request) error {
	return a.deleteSecurityProxy(w, r, "os_compute_api:os-security-groups:delete", "Security group", a.svc.Network.DeleteSecurityGroup)
}

func (a *API) createSecurityGroupRuleProxy(w http.ResponseWriter, r *http.Request) error {
	c, err := proxy(r, "os_compute_api:os-security-groups:rule:create")
	if err != nil {
		return err
	}
	var body struct {
		Rule *struct {
			ParentGroupID any             `json:"parent_group_id"`
			IPProtocol    *string         `json:"ip_protocol"`
			FromPort      json.RawMessage `json:"from_port"`
			ToPort        json.RawMessage `json:"to_port"`
			CIDR          string          `json:"cidr"`
			GroupID       any             `json:"group_id"`
		} `json:"security_group_rule"`
	}
	if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
		return err
	}
	if body.Rule == nil {
		return novalite.Errorf(novalite.Invalid, "The request body is invalid: missing security_group_rule")
	}
	in := body.Rule
	parentID, err := securityGroupID(in.ParentGroupID)
	if err != nil {
		return err
	}
	if _, err := a.svc.Network.GetSecurityGroup(r.Context(), c, parentID); err != nil {
		return novalite.Errorf(novalite.NotFound, "Security group %s not found.", parentID)
	}
	var groupID string
	if in.GroupID != nil {
		if groupID, err = securityGroupID(in.GroupID); err != nil {
			return err
		}
	}
	p := network.RuleParams{SecurityGroupID: parentID, Direction: "ingress", EtherType: "IPv4",
		RemoteIPPrefix: in.CIDR, RemoteGroupID: groupID}
	if in.IPProtocol != nil {
		p.Protocol = *in.IPProtocol
	}
	for _, pr := range []struct {
		raw json.RawMessage
		dst **int
	}{{in.FromPort, &p.PortRangeMin}, {in.ToPort, &p.PortRangeMax}} {
		if len(pr.raw) == 0 || string(pr.raw) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(pr.raw, &s) != nil {
			s = string(pr.raw)
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return novalite.Errorf(novalite.Invalid, "Invalid port range %s:%s.", in.FromPort, in.ToPort)
		}
		if n != -1 {
			*pr.dst = &n
		}
	}
	if p.Protocol == "" && (p.PortRangeMin != nil || p.PortRangeMax != nil) {
		return novalite.Errorf(novalite.Invalid, "Invalid IP protocol %s.", "None")
	}
	if p.RemoteIPPrefix == "" && p.RemoteGroupID == "" {
		p.RemoteIPPrefix = "0.0.0.0/0"
	}
	if len(p.RemoteIPPrefix) > 0 && containsColon(p.RemoteIPPrefix) {
		p.EtherType = "IPv6"
	}
	rule, err := a.svc.Network.CreateSecurityGroupRule(r.Context(), c, p)
	if err != nil {
		return fromNeutron(err, "Security group "+parentID+" not found.")
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Rule sgRuleView `json:"security_group_rule"`
	}{sgRuleViewOf(rule, a.groupsByID(r, c))})
	return nil
}

// securityGroupID is Nova's security_group_api.validate_id: a group or
// rule id in a request must look like a UUID (Neutron's ids), else 400,
// checked before any look-up.
func securityGroupID(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", novalite.Errorf(novalite.Invalid, "Security group id should be uuid")
	}
	if _, err := uuid.Parse(s); err != nil {
		return "", novalite.Errorf(novalite.Invalid, "Security group id should be uuid")
	}
	return s, nil
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}

func (a *API) deleteSecurityGroupRuleProxy(w http.ResponseWriter, r *http.Request) error {
	return a.deleteSecurityProxy(w, r, "os_compute_api:os-security-groups:rule:delete", "Security group rule",
		a.svc.Network.DeleteSecurityGroupRule)
}

// deleteSecurityProxy deletes the group or rule (what) of the path's id
// through Neutron, authorized by rule.
func (a *API) deleteSecurityProxy(w http.ResponseWriter, r *http.Request, rule, what string,
	del func(context.Context, *novalite.Caller, string) error) error {
	c, err := proxy(r, rule)
	if err != nil {
		return err
	}
	id, err := securityGroupID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := del(r.Context(), c, id); err != nil {
		return fromNeutron(err, what+" "+id+" not found.")
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
