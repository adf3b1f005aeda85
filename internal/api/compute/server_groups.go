package compute

import (
	"net/http"
	"strconv"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// serverGroupView is a group at the request's microversion
// (nova/api/openstack/compute/server_groups.py, _format_server_group).
type serverGroupView struct {
	ID        string                   `json:"id"`
	Members   []string                 `json:"members"`
	Metadata  Optional[struct{}]       `json:"metadata,omitzero"` // until 2.63, always empty
	Name      string                   `json:"name"`
	Policies  Optional[[]string]       `json:"policies,omitzero"`   // until 2.63, one
	Policy    Optional[string]         `json:"policy,omitzero"`     // 2.64
	ProjectID Optional[string]         `json:"project_id,omitzero"` // 2.13
	Rules     Optional[map[string]int] `json:"rules,omitzero"`      // 2.64, {} for none
	UserID    Optional[string]         `json:"user_id,omitzero"`    // 2.13
}

func serverGroupViewOf(mv microversion.Version, g novalite.ServerGroup) serverGroupView {
	v := serverGroupView{ID: g.ID, Members: g.Members, Name: g.Name,
		ProjectID: optIf(mv.AtLeast(2, 13), g.ProjectID), UserID: optIf(mv.AtLeast(2, 13), g.UserID)}
	if v.Members == nil {
		v.Members = []string{}
	}
	if mv.AtLeast(2, 64) {
		rules := g.Rules
		if rules == nil {
			rules = map[string]int{}
		}
		v.Policy, v.Rules = optIf(true, g.Policy), optIf(true, rules)
	} else {
		v.Policies, v.Metadata = optIf(true, []string{g.Policy}), optIf(true, struct{}{})
	}
	return v
}

// serverGroupBody is the body of one group.
type serverGroupBody struct {
	ServerGroup serverGroupView `json:"server_group"`
}

func serverGroupCreateSchemaDoc(mv microversion.Version) obj {
	policies := []any{"anti-affinity", "affinity"}
	if mv.AtLeast(2, 15) {
		policies = append(policies, "soft-anti-affinity", "soft-affinity")
	}
	props := obj{"name": pName}
	required := []any{"name"}
	if mv.AtLeast(2, 64) {
		props["policy"] = obj{"type": "string", "enum": policies}
		props["rules"] = obj{"type": "object", "properties": obj{"max_server_per_host": pPositiveInt},
			"additionalProperties": false}
		required = append(required, "policy")
	} else {
		props["policies"] = obj{"type": "array", "items": obj{"type": "string", "enum": policies},
			"uniqueItems": true, "minItems": 1, "maxItems": 1}
		required = append(required, "policies")
	}
	return obj{"type": "object", "properties": obj{"server_group": obj{"type": "object", "properties": props,
		"required": required, "additionalProperties": false}},
		"required": []any{"server_group"}, "additionalProperties": false}
}

// createServerGroup is POST /os-server-groups: 200 with the group.
func (a *API) createServerGroup(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	req, err := decodeRequest[struct {
		ServerGroup struct {
			Name     string                        `json:"name"`
			Policy   string                        `json:"policy"`   // 2.64
			Rules    Optional[map[string]looseInt] `json:"rules"`    // 2.64
			Policies []string                      `json:"policies"` // before 2.64: one
		} `json:"server_group"`
	}](r, schemaFor("server-group-create", mv, serverGroupCreateSchemaDoc))
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-server-groups:create", policy.Target{}); err != nil {
		return err
	}
	sg := req.ServerGroup
	if err := validName("name", sg.Name); err != nil {
		return err
	}
	p := compute.CreateServerGroupParams{Name: sg.Name}
	if mv.AtLeast(2, 64) {
		p.Policy = sg.Policy
		if sg.Rules.Set {
			p.Rules = map[string]int{}
			for k, v := range sg.Rules.Value {
				p.Rules[k] = int(v)
			}
		}
	} else if len(sg.Policies) > 0 {
		p.Policy = sg.Policies[0]
	}
	g, err := a.svc.Compute.CreateServerGroup(r.Context(), c, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, serverGroupBody{serverGroupViewOf(mv, g)})
	return nil
}

// nonNegativeParam reads an optional query integer ≥ 0 (last value wins).
func nonNegativeParam(r *http.Request, name string) (int, error) {
	vs := r.URL.Query()[name]
	if len(vs) == 0 {
		return 0, nil
	}
	v := vs[len(vs)-1]
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, queryInvalid(name, v, "'"+v+"' does not match '^[0-9]*$'")
	}
	return n, nil
}

// listServerGroups is GET /os-server-groups: the project's groups, or
// every project's for admins asking all_projects; offset/limit paging.
func (a *API) listServerGroups(w http.ResponseWriter, r *http.Request) error {
	mv, q := requestMV(r), r.URL.Query()
	if mv.AtLeast(2, 75) {
		if err := onlyParams(q, "all_projects", "limit", "offset"); err != nil {
			return err
		}
	}
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-server-groups:index", policy.Target{}); err != nil {
		return err
	}
	limit, err := nonNegativeParam(r, "limit")
	if err != nil {
		return err
	}
	offset, err := nonNegativeParam(r, "offset")
	if err != nil {
		return err
	}
	if limit == 0 || limit > maxLimit { // Nova's common.limited: 0 means the maximum
		limit = maxLimit
	}
	project := c.ProjectID
	if _, ok := q["all_projects"]; ok && policy.Allowed(c, "os_compute_api:os-server-groups:index:all_projects", policy.Target{}) {
		project = ""
	}
	list, err := a.svc.Compute.ListServerGroups(r.Context(), project, offset, limit)
	if err != nil {
		return err
	}
	out := struct {
		ServerGroups []serverGroupView `json:"server_groups"`
	}{make([]serverGroupView, len(list))}
	for i, g := range list {
		out.ServerGroups[i] = serverGroupViewOf(mv, g)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// findServerGroup loads a group (404) then checks rule against its
// project (403), Nova's order.
func (a *API) findServerGroup(r *http.Request, rule string) (novalite.ServerGroup, error) {
	g, err := a.svc.Compute.GetServerGroup(r.Context(), r.PathValue("id"))
	if err != nil {
		return g, err
	}
	return g, policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{ProjectID: g.ProjectID, UserID: g.UserID})
}

// showServerGroup is GET /os-server-groups/{id}.
func (a *API) showServerGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := a.findServerGroup(r, "os_compute_api:os-server-groups:show")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, serverGroupBody{serverGroupViewOf(requestMV(r), g)})
	return nil
}

// deleteServerGroup is DELETE /os-server-groups/{id}: 204.
func (a *API) deleteServerGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := a.findServerGroup(r, "os_compute_api:os-server-groups:delete")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteServerGroup(r.Context(), g.ID); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
