package network

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/network"
)

func badRequest(format string, args ...any) error {
	e := novalite.Errorf(novalite.Invalid, format, args...)
	e.Reason = "HTTPBadRequest"
	return e
}

// targets maps attribute names to where their values go (pointers to
// pointers, so that "given" shows as non-nil).
type targets map[string]any

// decodeResource reads {"<key>": {attrs}} and decodes each attribute into
// its target; unknown attributes are Neutron's 400. It returns the raw
// attributes so callers can tell JSON null from absent.
func decodeResource(r *http.Request, key string, t targets) (map[string]json.RawMessage, error) {
	var body map[string]json.RawMessage
	null, err := httpx.ReadBody(r, &body, "Invalid JSON in request body")
	if err != nil {
		return nil, err
	}
	raw, ok := body[key]
	if null || !ok {
		return nil, badRequest("Resource body required")
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &attrs); err != nil {
		return nil, badRequest("Invalid input for %s. Reason: Body is not a valid object.", key)
	}
	if v, ok := attrs["tenant_id"]; ok {
		if _, both := attrs["project_id"]; !both {
			attrs["project_id"] = v
		}
		delete(attrs, "tenant_id")
	}
	var unknown []string
	for k, v := range attrs {
		dst, ok := t[k]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		if dst == nil {
			continue // accepted and ignored
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return nil, badRequest("Invalid input for %s. Reason: '%s' is not a valid value.", k, strings.Trim(string(v), `"`))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, badRequest("Unrecognized attribute(s) '%s'", strings.Join(unknown, ", "))
	}
	return attrs, checkLengths(attrs)
}

func isNull(attrs map[string]json.RawMessage, k string) bool {
	v, ok := attrs[k]
	return ok && strings.TrimSpace(string(v)) == "null"
}

// reserved query parameters; every other one is a filter.
var notFilters = map[string]bool{"fields": true, "limit": true, "marker": true, "page_reverse": true,
	"sort_key": true, "sort_dir": true, "fixed_ips": true, "verbose": true}

// listParams reads Neutron's filters (field=value, repeatable) and page.
func listParams(r *http.Request) (network.ListParams, error) {
	q := r.URL.Query()
	p := network.ListParams{Eq: map[string][]string{}, Marker: q.Get("marker")}
	for k, vs := range q {
		if !notFilters[k] {
			p.Eq[k] = vs
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, badRequest("Bad limit request: Limit must be an integer 0 or greater and not '%s'.", v)
		}
		p.Limit = n
	}
	p.Reverse = strings.EqualFold(q.Get("page_reverse"), "true")
	return p, readSorts(q, &p)
}

// readSorts reads Neutron's sort_key/sort_dir pairs (get_sorts): as
// many directions as keys, each asc or desc. Keys the resource does not
// know are refused by the store, which knows its columns.
func readSorts(q url.Values, p *network.ListParams) error {
	keys, dirs := q["sort_key"], q["sort_dir"]
	if len(keys) != len(dirs) {
		return badRequest("The number of sort_keys and sort_dirs must be same")
	}
	var bad []string
	for i, k := range keys {
		if dirs[i] != "asc" && dirs[i] != "desc" {
			bad = append(bad, "'"+dirs[i]+"'")
		}
		p.Sort = append(p.Sort, network.Sort{Field: k, Asc: dirs[i] == "asc"})
	}
	if len(bad) > 0 {
		return badRequest("[%s] is invalid value for sort_dirs, valid value is 'asc' and 'desc'", strings.Join(bad, ", "))
	}
	return nil
}

// render writes the collection, applying ?fields= and adding
// <coll>_links when a limit filled the page.
func (a *API) render(w http.ResponseWriter, r *http.Request, coll string, items []map[string]any, p network.ListParams, lastID func(int) string) error {
	if err := a.fillTags(r, strings.TrimSuffix(coll, "s"), items); err != nil {
		return err
	}
	fields := r.URL.Query()["fields"]
	for i := range items {
		items[i] = pick(items[i], fields)
	}
	body := map[string]any{coll: items}
	if p.Limit > 0 && len(items) == p.Limit {
		q := r.URL.Query()
		q.Set("marker", lastID(len(items)-1))
		body[coll+"_links"] = []any{map[string]any{"rel": "next", "href": httpx.BaseURL(r) + a.prefix + r.URL.Path + "?" + q.Encode()}}
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// pick keeps only the requested fields (all when none asked).
func pick(v map[string]any, fields []string) map[string]any {
	if len(fields) == 0 {
		return v
	}
	out := map[string]any{}
	for _, f := range fields {
		if x, ok := v[f]; ok {
			out[f] = x
		}
	}
	return out
}

func (a *API) showOne(w http.ResponseWriter, r *http.Request, key string, v map[string]any, status int) error {
	if err := a.fillTags(r, key, []map[string]any{v}); err != nil {
		return err
	}
	httpx.WriteJSON(w, status, map[string]any{key: pick(v, r.URL.Query()["fields"])})
	return nil
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// common adds the attributes every Neutron resource shows.
func common(v map[string]any, projectID string, created, updated time.Time) map[string]any {
	v["tenant_id"], v["project_id"] = projectID, projectID
	v["created_at"], v["updated_at"] = ts(created), ts(updated)
	v["revision_number"] = 0
	if _, ok := v["tags"]; !ok {
		v["tags"] = []string{}
	}
	return v
}

// decodeRuleProtocol decodes a security_group_rule body; "protocol" may
// be a name or a number, given as a JSON string or number.
func decodeRuleProtocol(r *http.Request, t targets, num **int) (map[string]json.RawMessage, error) {
	proto := t["protocol"].(**string)
	t["protocol"] = nil
	attrs, err := decodeResource(r, "security_group_rule", t)
	if err != nil {
		return nil, err
	}
	if raw, ok := attrs["protocol"]; ok && !isNull(attrs, "protocol") {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			var n int
			if json.Unmarshal(raw, &n) != nil {
				return nil, badRequest("Invalid input for protocol. Reason: '%s' is not a valid value.", raw)
			}
			*num = &n
			s = strconv.Itoa(n)
		}
		*proto = &s
	}
	return attrs, nil
}
