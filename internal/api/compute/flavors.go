package compute

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// flavorSortKeys are the sort keys of the flavor list query schema
// (nova/api/openstack/compute/schemas/flavors.py); rxtx_factor goes at 2.102.
func flavorSortKeys(mv microversion.Version) []string {
	keys := []string{"created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id", "is_public",
		"memory_mb", "name", "root_gb", "rxtx_factor", "swap", "updated_at", "vcpu_weight", "vcpus"}
	if mv.AtLeast(2, 102) {
		keys = slices.DeleteFunc(keys, func(k string) bool { return k == "rxtx_factor" })
	}
	return keys
}

// flavorListQuery validates a flavor list query and builds the service
// request (nova/api/openstack/compute/flavors.py, _get_flavors).
func flavorListQuery(r *http.Request, pg page) (compute.ListFlavorsParams, error) {
	mv, q := requestMV(r), r.URL.Query()
	p := compute.ListFlavorsParams{Limit: pg.Limit, Marker: pg.Marker, SortKey: "flavorid"}
	allowed := []string{"limit", "marker", "is_public", "minRam", "minDisk", "sort_key", "sort_dir"}
	if mv.AtLeast(2, 102) {
		allowed = append(allowed, "name")
	}
	if mv.AtLeast(2, 75) {
		if err := onlyParams(q, allowed...); err != nil {
			return p, err
		}
	}
	last := func(k string) (string, bool) {
		vs := q[k]
		if len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	}
	keys := flavorSortKeys(mv)
	for _, v := range q["sort_key"] {
		if !slices.Contains(keys, v) {
			return p, queryInvalid("sort_key", v, "'"+v+"' is not one of "+pyList(keys))
		}
	}
	for _, v := range q["sort_dir"] {
		if v != "asc" && v != "desc" {
			return p, queryInvalid("sort_dir", v, "'"+v+"' is not one of ['asc', 'desc']")
		}
	}
	if v, ok := last("sort_key"); ok {
		p.SortKey = v
	}
	if v, ok := last("sort_dir"); ok {
		p.SortDesc = v == "desc"
	}
	if mv.AtLeast(2, 102) {
		if v, ok := last("name"); ok {
			if _, err := regexp.Compile(v); err != nil {
				return p, queryInvalid("name", v, "'"+v+"' is not a 'regex'")
			}
			p.Name = &v
		}
	}
	for _, f := range []struct {
		param string
		dst   **int
	}{{"minRam", &p.MinMemoryMB}, {"minDisk", &p.MinRootGB}} {
		if v, ok := last(f.param); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return p, novalite.Errorf(novalite.Invalid, "Invalid %s filter [%s]", f.param, v)
			}
			*f.dst = &n
		}
	}
	if httpx.Caller(r.Context()).IsAdmin() {
		pub := true
		p.IsPublic = &pub
		if v, ok := last("is_public"); ok {
			b, known := parseIsPublic(v)
			if !known {
				return p, novalite.Errorf(novalite.Invalid, "Invalid is_public filter [%s]", v)
			}
			p.IsPublic = b
		}
	}
	return p, nil
}

// parseIsPublic reads is_public as Nova does: "none" is both, else a
// strict boolean.
func parseIsPublic(v string) (*bool, bool) {
	if strings.EqualFold(v, "none") {
		return nil, true
	}
	b, ok := novalite.BoolFromString(v)
	return &b, ok
}

// flavorList is GET /flavors and, with detail, GET /flavors/detail.
func (a *API) flavorList(w http.ResponseWriter, r *http.Request, detail bool) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	p, err := flavorListQuery(r, pg)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	var list []novalite.Flavor
	if pg.Limit > 0 {
		if list, err = a.svc.Compute.ListFlavors(r.Context(), c, p); err != nil {
			return err
		}
	}
	path, marker := "/flavors", func(f novalite.Flavor) string { return f.ID }
	if !detail {
		out := flavorList[flavorBriefView]{Flavors: make([]flavorBriefView, len(list))}
		for i, f := range list {
			out.Flavors[i] = a.flavorBrief(r, f)
		}
		out.Links = nextLinks(a, r, path, pg, list, marker)
		httpx.WriteJSON(w, http.StatusOK, out)
		return nil
	}
	specs := canSeeExtraSpecs(r)
	out := flavorList[flavorView]{Flavors: make([]flavorView, len(list))}
	for i, f := range list {
		out.Flavors[i] = a.flavorDetail(r, f, specs)
	}
	out.Links = nextLinks(a, r, path+"/detail", pg, list, marker)
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// flavorList is the body of GET /flavors and /flavors/detail.
type flavorList[T any] struct {
	Flavors []T    `json:"flavors"`
	Links   []link `json:"flavors_links,omitempty"`
}

// canSeeExtraSpecs: extra_specs show in flavor views from 2.61 to
// callers allowed to list them.
func canSeeExtraSpecs(r *http.Request) bool {
	return requestMV(r).AtLeast(2, 61) &&
		policy.Allowed(httpx.Caller(r.Context()), "os_compute_api:os-flavor-extra-specs:index", policy.Target{})
}

// showFlavor is GET /flavors/{id}.
func (a *API) showFlavor(w http.ResponseWriter, r *http.Request) error {
	f, err := a.svc.Compute.GetFlavor(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, flavorBody{a.flavorDetail(r, f, canSeeExtraSpecs(r))})
	return nil
}

// flavorBriefView is a flavor in GET /flavors.
type flavorBriefView struct {
	Description Optional[*string] `json:"description,omitzero"` // 2.55
	ID          string            `json:"id"`
	Links       []link            `json:"links"`
	Name        string            `json:"name"`
}

func (a *API) flavorBrief(r *http.Request, f novalite.Flavor) flavorBriefView {
	return flavorBriefView{Description: optIf(requestMV(r).AtLeast(2, 55), f.Description), ID: f.ID,
		Links: a.links(r, "flavors", f.ID), Name: f.Name}
}

// flavorView is Nova's flavor view (nova/api/openstack/compute/views/flavors.py).
type flavorView struct {
	Disabled    Optional[bool]              `json:"OS-FLV-DISABLED:disabled,omitzero"` // until 2.101
	Ephemeral   int                         `json:"OS-FLV-EXT-DATA:ephemeral"`
	Description Optional[*string]           `json:"description,omitzero"` // 2.55
	Disk        int                         `json:"disk"`
	ExtraSpecs  Optional[map[string]string] `json:"extra_specs,omitzero"` // 2.61, to those allowed
	ID          string                      `json:"id"`
	Links       []link                      `json:"links"`
	Name        string                      `json:"name"`
	IsPublic    bool                        `json:"os-flavor-access:is_public"`
	RAM         int                         `json:"ram"`
	RxtxFactor  Optional[json.Number]       `json:"rxtx_factor,omitzero"` // until 2.101
	Swap        any                         `json:"swap"`                 // MB, or "" for none before 2.75
	VCPUs       int                         `json:"vcpus"`
}

// flavorDetail is the flavor view at the request's microversion.
func (a *API) flavorDetail(r *http.Request, f novalite.Flavor, specs bool) flavorView {
	mv := requestMV(r)
	b := a.flavorBrief(r, f)
	v := flavorView{Ephemeral: f.EphemeralGB, Description: b.Description, Disk: f.RootGB,
		ExtraSpecs: optIf(specs, f.ExtraSpecs), ID: b.ID, Links: b.Links, Name: b.Name, IsPublic: f.IsPublic,
		RAM: f.MemoryMB, Swap: f.SwapMB, VCPUs: f.VCPUs}
	if f.SwapMB == 0 && !mv.AtLeast(2, 75) {
		v.Swap = ""
	}
	if !mv.AtLeast(2, 102) {
		v.Disabled, v.RxtxFactor = optIf(true, f.Disabled), optIf(true, pyFloat(f.RxtxFactor))
	}
	return v
}

// flavorBody is the body of a single flavor.
type flavorBody struct {
	Flavor flavorView `json:"flavor"`
}

// pyFloat renders a float as Python's json does (1.0, not 1).
func pyFloat(f float64) json.Number {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return json.Number(s)
}

// flavorCreateRequest is the flavor of POST /flavors. Its id stays as
// decoded: a number is taken as written, a string is checked.
type flavorCreateRequest struct {
	Name        string                `json:"name"`
	ID          any                   `json:"id"`
	RAM         looseInt              `json:"ram"`
	VCPUs       looseInt              `json:"vcpus"`
	Disk        looseInt              `json:"disk"`
	Ephemeral   looseInt              `json:"OS-FLV-EXT-DATA:ephemeral"`
	Swap        looseInt              `json:"swap"`
	RxtxFactor  Optional[looseString] `json:"rxtx_factor"`
	IsPublic    Optional[looseBool]   `json:"os-flavor-access:is_public"`
	Description Nullable[string]      `json:"description"`
}

// createFlavor is POST /flavors (admin): 200 with the new flavor.
func (a *API) createFlavor(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-flavor-manage:create", policy.Target{}); err != nil {
		return err
	}
	mv := requestMV(r)
	body, err := decodeRequest[struct {
		Flavor flavorCreateRequest `json:"flavor"`
	}](r, schemaFor("flavor-create", mv, flavorCreateSchemaDoc))
	if err != nil {
		return err
	}
	fl := body.Flavor
	if err := validName("name", fl.Name); err != nil {
		return err
	}
	p := novalite.Flavor{Name: fl.Name, MemoryMB: int(fl.RAM), VCPUs: int(fl.VCPUs), RootGB: int(fl.Disk),
		EphemeralGB: int(fl.Ephemeral), SwapMB: int(fl.Swap), IsPublic: bool(fl.IsPublic.Or(true)),
		Description: fl.Description.Ptr()}
	if p.ID, err = flavorIDParam(fl.ID); err != nil {
		return err
	}
	for _, k := range []struct {
		field string
		v     int
		min   int
	}{{"ram", p.MemoryMB, 1}, {"vcpus", p.VCPUs, 1}, {"disk", p.RootGB, 0}} {
		if k.v < k.min {
			return novalite.Errorf(novalite.Invalid, "Invalid input received: %s must be >= %d", k.field, k.min)
		}
	}
	if fl.RxtxFactor.Set {
		p.RxtxFactor, _ = strconv.ParseFloat(string(fl.RxtxFactor.Value), 64)
	}
	f, err := a.svc.Compute.CreateFlavor(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, flavorBody{a.flavorDetail(r, f, canSeeExtraSpecs(r))})
	return nil
}

// flavorIDPattern is Nova's flavor id rule without the look-arounds Go's
// regexp lacks; failures quote Nova's pattern.
var flavorIDPattern = regexp.MustCompile(`^[a-zA-Z0-9._-]([a-zA-Z0-9. _-]*[a-zA-Z0-9._-])?$`)

func flavorIDParam(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case json.Number:
		return x.String(), nil
	case string:
		if !flavorIDPattern.MatchString(x) {
			return "", novalite.Errorf(novalite.Invalid,
				"Invalid input for field/attribute id. Value: %s. '%s' does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'", x, x)
		}
		return x, nil
	}
	return "", nil
}

// updateFlavor is PUT /flavors/{id} (2.55, admin): the description only.
func (a *API) updateFlavor(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	if !mv.AtLeast(2, 55) {
		return novalite.Errorf(novalite.NotAllowed, "")
	}
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-flavor-manage:update", policy.Target{}); err != nil {
		return err
	}
	body, err := decodeRequest[struct {
		Flavor struct {
			Description Nullable[string] `json:"description"`
		} `json:"flavor"`
	}](r, schemaFor("flavor-update", mv, flavorUpdateSchemaDoc))
	if err != nil {
		return err
	}
	f, err := a.svc.Compute.UpdateFlavorDescription(r.Context(), c, r.PathValue("id"), body.Flavor.Description.Ptr())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, flavorBody{a.flavorDetail(r, f, canSeeExtraSpecs(r))})
	return nil
}

// deleteFlavor is DELETE /flavors/{id} (admin): 202.
func (a *API) deleteFlavor(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-flavor-manage:delete", policy.Target{}); err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteFlavor(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// Flavor bodies (nova/api/openstack/compute/schemas/flavor_manage.py).
var (
	pFlavorPositive    = obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]*$", "minimum": 1, "maximum": 2147483647}
	pFlavorNonNegative = obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]*$", "minimum": 0, "maximum": 2147483647}
	pLongDescription   = obj{"type": []any{"string", "null"}, "minLength": 0, "maxLength": 65535,
		"pattern": `^[\s\S]*$`}
)

func flavorCreateSchemaDoc(mv microversion.Version) obj {
	props := obj{
		"name": pName,
		"id":   obj{"type": []any{"string", "number", "null"}, "minLength": 1, "maxLength": 255},
		"ram":  pFlavorPositive, "vcpus": pFlavorPositive, "disk": pFlavorNonNegative,
		"OS-FLV-EXT-DATA:ephemeral": pFlavorNonNegative, "swap": pFlavorNonNegative,
		"os-flavor-access:is_public": pBoolean,
	}
	if !mv.AtLeast(2, 102) {
		props["rxtx_factor"] = obj{"type": []any{"number", "string"}, "pattern": `^[0-9]+(\.[0-9]+)?$`,
			"exclusiveMinimum": 0, "maximum": 3.40282e+38}
	}
	if mv.AtLeast(2, 55) {
		props["description"] = pLongDescription
	}
	return obj{"type": "object", "properties": obj{"flavor": obj{"type": "object", "properties": props,
		"required": []any{"name", "ram", "vcpus", "disk"}, "additionalProperties": false}},
		"required": []any{"flavor"}, "additionalProperties": false}
}

func flavorUpdateSchemaDoc(mv microversion.Version) obj {
	return obj{"type": "object", "properties": obj{"flavor": obj{"type": "object",
		"properties": obj{"description": pLongDescription}, "required": []any{"description"},
		"additionalProperties": false}}, "required": []any{"flavor"}, "additionalProperties": false}
}
