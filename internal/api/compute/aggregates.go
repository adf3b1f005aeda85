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

// aggregateView is an aggregate as Nova marshals it (aggregates.py,
// _marshall_aggregate): every field, uuid from 2.41.
type aggregateView struct {
	AvailabilityZone *string                     `json:"availability_zone"`
	CreatedAt        string                      `json:"created_at"`
	Deleted          bool                        `json:"deleted"`
	DeletedAt        *string                     `json:"deleted_at"`
	Hosts            Optional[[]string]          `json:"hosts,omitzero"` // not in create's answer
	ID               int64                       `json:"id"`
	Metadata         Optional[map[string]string] `json:"metadata,omitzero"` // not in create's answer
	Name             string                      `json:"name"`
	UpdatedAt        *string                     `json:"updated_at"`
	UUID             Optional[string]            `json:"uuid,omitzero"` // 2.41
}

func aggregateViewOf(mv microversion.Version, g novalite.Aggregate) aggregateView {
	hosts, meta := g.Hosts, g.Metadata
	if hosts == nil {
		hosts = []string{}
	}
	if meta == nil {
		meta = map[string]string{}
	}
	return aggregateView{AvailabilityZone: nilIfEmpty(g.Zone()), CreatedAt: g.CreatedAt.UTC().Format(novaTime),
		Hosts: some(hosts), ID: g.ID, Metadata: some(meta), Name: g.Name, UpdatedAt: timeOrNil(g.UpdatedAt, novaTime),
		UUID: optIf(mv.AtLeast(2, 41), g.UUID)}
}

// aggregateBody is the body of one aggregate.
type aggregateBody struct {
	Aggregate aggregateView `json:"aggregate"`
}

var pAZName = obj{"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^:]*$"}

// aggregateRequest is the body of POST and PUT /os-aggregates.
type aggregateRequest struct {
	Aggregate struct {
		Name Optional[string] `json:"name"`
		Zone Nullable[string] `json:"availability_zone"`
	} `json:"aggregate"`
}

func aggregateSchemaDoc(create bool) func(microversion.Version) obj {
	return func(microversion.Version) obj {
		agg := obj{"type": "object", "properties": obj{"name": pName,
			"availability_zone": obj{"oneOf": []any{pAZName, obj{"type": "null"}}}}, "additionalProperties": false}
		if create {
			agg["required"] = []any{"name"}
		} else {
			agg["anyOf"] = []any{obj{"required": []any{"name"}}, obj{"required": []any{"availability_zone"}}}
		}
		return obj{"type": "object", "properties": obj{"aggregate": agg}, "required": []any{"aggregate"},
			"additionalProperties": false}
	}
}

// aggregateID is Nova's validate_integer on {id}.
func aggregateID(r *http.Request) (int64, error) {
	id := r.PathValue("id")
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return 0, novalite.Errorf(novalite.Invalid, "Invalid input received: id must be an integer")
	}
	return n, nil
}

func authorizeAggregates(r *http.Request, action string) error {
	return policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-aggregates:"+action, policy.Target{})
}

// listAggregates is GET /os-aggregates.
func (a *API) listAggregates(w http.ResponseWriter, r *http.Request) error {
	if err := authorizeAggregates(r, "index"); err != nil {
		return err
	}
	list, err := a.svc.Compute.ListAggregates(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Aggregates []aggregateView `json:"aggregates"`
	}{make([]aggregateView, len(list))}
	for i, g := range list {
		out.Aggregates[i] = aggregateViewOf(requestMV(r), g)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// createAggregate is POST /os-aggregates: 200 with the aggregate without
// its hosts and metadata.
func (a *API) createAggregate(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	req, err := decodeRequest[aggregateRequest](r, schemaFor("aggregate-create", mv, aggregateSchemaDoc(true)))
	if err != nil {
		return err
	}
	if err := authorizeAggregates(r, "create"); err != nil {
		return err
	}
	agg := req.Aggregate
	if err := validName("name", agg.Name.Value); err != nil {
		return err
	}
	if err := validName("availability_zone", agg.Zone.Value); err != nil {
		return err
	}
	g, err := a.svc.Compute.CreateAggregate(r.Context(), agg.Name.Value, agg.Zone.Value)
	if err != nil {
		return err
	}
	v := aggregateViewOf(mv, g)
	v.Hosts, v.Metadata = Optional[[]string]{}, Optional[map[string]string]{}
	httpx.WriteJSON(w, http.StatusOK, aggregateBody{v})
	return nil
}

// showAggregate is GET /os-aggregates/{id}.
func (a *API) showAggregate(w http.ResponseWriter, r *http.Request) error {
	if err := authorizeAggregates(r, "show"); err != nil {
		return err
	}
	id, err := aggregateID(r)
	if err != nil {
		return err
	}
	g, err := a.svc.Compute.GetAggregate(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, aggregateBody{aggregateViewOf(requestMV(r), g)})
	return nil
}

// updateAggregate is PUT /os-aggregates/{id}: name and/or zone.
func (a *API) updateAggregate(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	req, err := decodeRequest[aggregateRequest](r, schemaFor("aggregate-update", mv, aggregateSchemaDoc(false)))
	if err != nil {
		return err
	}
	if err := authorizeAggregates(r, "update"); err != nil {
		return err
	}
	id, err := aggregateID(r)
	if err != nil {
		return err
	}
	agg := req.Aggregate
	g, err := a.svc.Compute.UpdateAggregate(r.Context(), id,
		compute.AggregateUpdate{Name: agg.Name.Ptr(), Zone: agg.Zone.Change()})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, aggregateBody{aggregateViewOf(mv, g)})
	return nil
}

// deleteAggregate is DELETE /os-aggregates/{id}: 200, empty.
func (a *API) deleteAggregate(w http.ResponseWriter, r *http.Request) error {
	if err := authorizeAggregates(r, "delete"); err != nil {
		return err
	}
	id, err := aggregateID(r)
	if err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteAggregate(r.Context(), id); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

// aggregateActionRequest is the body of POST /os-aggregates/{id}/action:
// one of the three.
type aggregateActionRequest struct {
	AddHost struct {
		Host string `json:"host"`
	} `json:"add_host"`
	RemoveHost struct {
		Host string `json:"host"`
	} `json:"remove_host"`
	SetMetadata struct {
		Metadata map[string]*string `json:"metadata"` // null: remove the key
	} `json:"set_metadata"`
}

func aggregateActionSchemaDoc(microversion.Version) obj {
	host := func() obj {
		return obj{"type": "object", "properties": obj{"host": pFQDN}, "required": []any{"host"}, "additionalProperties": false}
	}
	meta := obj{"type": "object", "patternProperties": obj{"^[a-zA-Z0-9-_:. ]{1,255}$": obj{
		"type": []any{"string", "null"}, "maxLength": 255}}, "additionalProperties": false}
	return obj{"type": "object", "properties": obj{"add_host": host(), "remove_host": host(),
		"set_metadata": obj{"type": "object", "properties": obj{"metadata": meta}, "required": []any{"metadata"},
			"additionalProperties": false}},
		"minProperties": 1, "maxProperties": 1, "additionalProperties": false}
}

// aggregateAction is POST /os-aggregates/{id}/action: add_host,
// remove_host or set_metadata; 200 with the aggregate.
func (a *API) aggregateAction(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	action, raw, err := readAction(r, "add_host", "remove_host", "set_metadata")
	if err != nil {
		return err
	}
	req, err := decodeAction[aggregateActionRequest](raw, schemaFor("aggregate-action", mv, aggregateActionSchemaDoc))
	if err != nil {
		return err
	}
	if err := authorizeAggregates(r, action); err != nil {
		return err
	}
	id, err := aggregateID(r)
	if err != nil {
		return err
	}
	var g novalite.Aggregate
	switch action {
	case "add_host":
		g, err = a.svc.Compute.AddAggregateHost(r.Context(), id, req.AddHost.Host)
	case "remove_host":
		g, err = a.svc.Compute.RemoveAggregateHost(r.Context(), id, req.RemoveHost.Host)
	default:
		meta := req.SetMetadata.Metadata
		if meta == nil {
			meta = map[string]*string{}
		}
		g, err = a.svc.Compute.SetAggregateMetadata(r.Context(), id, meta)
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, aggregateBody{aggregateViewOf(mv, g)})
	return nil
}

func aggregateImagesSchemaDoc(microversion.Version) obj {
	return obj{"type": "object", "properties": obj{"cache": obj{"type": "array", "minItems": 1, "items": obj{
		"type": "object", "properties": obj{"id": pUUID}, "required": []any{"id"}, "additionalProperties": false}}},
		"required": []any{"cache"}, "additionalProperties": false}
}

// cacheAggregateImages is POST /os-aggregates/{id}/images (2.81): 202;
// the fake driver has no image cache to fill.
func (a *API) cacheAggregateImages(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	req, err := decodeRequest[struct {
		Cache []struct {
			ID string `json:"id"`
		} `json:"cache"`
	}](r, schemaFor("aggregate-images", mv, aggregateImagesSchemaDoc))
	if err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "compute:aggregates:images", policy.Target{}); err != nil {
		return err
	}
	id, err := aggregateID(r)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, img := range req.Cache {
		if seen[img.ID] {
			return novalite.Errorf(novalite.Invalid, "Duplicate images in request")
		}
		seen[img.ID] = true
	}
	if _, err := a.svc.Compute.GetAggregate(r.Context(), id); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}
