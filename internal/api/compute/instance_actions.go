package compute

import (
	"net/http"

	"novalite"

	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// /servers/{id}/os-instance-actions[/{request_id}]
// (nova/api/openstack/compute/instance_actions.py).

func actionsQuerySchema(before bool) *schema.Schema {
	props := `"limit": {"type": "array", "maxItems": 1, "items": {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 0, "minLength": 1}},
		"marker": {"type": "array", "maxItems": 1, "items": {"type": "string"}},
		"changes-since": {"type": "array", "maxItems": 1, "items": {"type": "string"}}`
	name := "instance_actions_query_v258"
	if before {
		props += `, "changes-before": {"type": "array", "maxItems": 1, "items": {"type": "string"}}`
		name = "instance_actions_query_v266"
	}
	return schema.New(name, `{"type": "object", "properties": {`+props+`}, "additionalProperties": false}`)
}

var (
	actionsQueryV258 = actionsQuerySchema(false)
	actionsQueryV266 = actionsQuerySchema(true)
)

// queryDoc shapes a query string as Nova's validators see it: an object
// of arrays of strings.
func queryDoc(r *http.Request) map[string]any {
	doc := map[string]any{}
	for k, vs := range r.URL.Query() {
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		doc[k] = list
	}
	return doc
}

// findActionsServer looks the server up (deleted ones too from 2.21) and
// checks rule against its project.
func (a *API) findActionsServer(r *http.Request, rule string) (string, string, error) {
	c := httpx.Caller(r.Context())
	v, err := a.svc.Compute.FindServer(r.Context(), c, r.PathValue("id"), requestMV(r).AtLeast(2, 21))
	if err != nil {
		return "", "", err
	}
	return v.ID, v.ProjectID, policy.Authorize(c, rule, policy.Target{ProjectID: v.ProjectID})
}

// listInstanceActions is GET /servers/{id}/os-instance-actions: newest
// first; from 2.58 paged (limit, marker = request id, changes-since,
// 2.66 changes-before) with updated_at and next links.
func (a *API) listInstanceActions(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	paged := mv.AtLeast(2, 58)
	if paged {
		sch := actionsQueryV258
		if mv.AtLeast(2, 66) {
			sch = actionsQueryV266
		}
		if err := sch.ValidateQuery(queryDoc(r)); err != nil {
			return err
		}
		for _, k := range []string{"changes-since", "changes-before"} {
			for _, v := range r.URL.Query()[k] {
				if _, err := parseISOTime(v); err != nil {
					return queryInvalid(k, v, "'"+v+"' is not a 'date-time'")
				}
			}
		}
	}
	id, _, err := a.findActionsServer(r, "os_compute_api:os-instance-actions:list")
	if err != nil {
		return err
	}
	var p compute.InstanceActionListParams
	var pg page
	if paged {
		opts := map[string]string{}
		for _, k := range []string{"changes-since", "changes-before"} {
			if v := r.URL.Query().Get(k); v != "" {
				opts[k] = v
			}
		}
		var lp compute.ListServersParams
		if err := timeFilters(&lp, opts); err != nil {
			return err
		}
		p.ChangesSince, p.ChangesBefore = lp.ChangesSince, lp.ChangesBefore
		if pg, err = readPage(r); err != nil {
			return err
		}
		if pg.Limit == 0 {
			httpx.WriteJSON(w, http.StatusOK, actionList{Actions: []actionView{}})
			return nil
		}
		p.Limit, p.Marker = pg.Limit, pg.Marker
	}
	list, err := a.svc.Compute.ListInstanceActions(r.Context(), id, p)
	if err != nil {
		return err
	}
	body := actionList{Actions: make([]actionView, len(list))}
	for i, act := range list {
		body.Actions[i] = actionViewOf(act, mv)
	}
	if paged {
		body.Links = nextLinks(a, r, "/servers/"+id+"/os-instance-actions", pg, list,
			func(act novalite.InstanceActionRecord) string { return act.RequestID })
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// actionList is the body of GET /servers/{id}/os-instance-actions.
type actionList struct {
	Actions []actionView `json:"instanceActions"`
	Links   []link       `json:"links,omitempty"` // 2.58
}

// actionView is an instance action (nova/api/openstack/compute/instance_actions.py).
type actionView struct {
	Action       string                `json:"action"`
	Events       Optional[[]eventView] `json:"events,omitzero"` // GET of one: admins, everyone from 2.51
	InstanceUUID string                `json:"instance_uuid"`
	Message      *string               `json:"message"`
	ProjectID    string                `json:"project_id"`
	RequestID    string                `json:"request_id"`
	StartTime    string                `json:"start_time"`
	UpdatedAt    Optional[*string]     `json:"updated_at,omitzero"` // 2.58
	UserID       string                `json:"user_id"`
}

// eventView is an event of an action.
type eventView struct {
	Details    Optional[*string] `json:"details,omitzero"` // 2.84, by policy
	Event      string            `json:"event"`
	FinishTime *string           `json:"finish_time"`
	Host       Optional[*string] `json:"host,omitzero"`   // admins, 2.62
	HostID     Optional[string]  `json:"hostId,omitzero"` // 2.62
	Result     *string           `json:"result"`
	StartTime  string            `json:"start_time"`
	Traceback  Optional[*string] `json:"traceback,omitzero"` // admins
}

func actionViewOf(act novalite.InstanceActionRecord, mv microversion.Version) actionView {
	return actionView{Action: act.Action, InstanceUUID: act.InstanceUUID, Message: act.Message,
		ProjectID: act.ProjectID, RequestID: act.RequestID, StartTime: act.Start.UTC().Format(strTime),
		UpdatedAt: optIf(mv.AtLeast(2, 58), timeOrNil(act.UpdatedAt, strTime)), UserID: act.UserID}
}

// showInstanceAction is GET /servers/{id}/os-instance-actions/{request_id}.
// Events: always for admins (with traceback, host from 2.62); for the
// others from 2.51, without them. hostId from 2.62, details from 2.84
// (admin by policy).
func (a *API) showInstanceAction(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r); err != nil {
		return err
	}
	id, project, err := a.findActionsServer(r, "os_compute_api:os-instance-actions:show")
	if err != nil {
		return err
	}
	act, events, err := a.svc.Compute.GetInstanceAction(r.Context(), id, r.PathValue("request_id"))
	if err != nil {
		return err
	}
	mv, c := requestMV(r), httpx.Caller(r.Context())
	t := policy.Target{ProjectID: project}
	full := policy.Allowed(c, "os_compute_api:os-instance-actions:events", t)
	m := actionViewOf(act, mv)
	if full || mv.AtLeast(2, 51) {
		details := mv.AtLeast(2, 84) && policy.Allowed(c, "os_compute_api:os-instance-actions:events:details", t)
		owner := act.ProjectID
		if owner == "" {
			owner = project
		}
		evs := make([]eventView, len(events))
		for i, e := range events {
			evs[i] = eventView{Details: optIf(details, e.Details), Event: e.Event,
				FinishTime: timeOrNil(e.Finish, strTime), Host: optIf(full && mv.AtLeast(2, 62), nilIfEmpty(e.Host)),
				HostID: optIf(mv.AtLeast(2, 62), hostID(owner, e.Host)), Result: nilIfEmpty(e.Result),
				StartTime: e.Start.UTC().Format(strTime), Traceback: optIf(full, e.Traceback)}
		}
		m.Events = some(evs)
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Action actionView `json:"instanceAction"`
	}{m})
	return nil
}
