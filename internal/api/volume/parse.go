package volume

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/policy"
)

// decode reads a JSON body and validates it against sch (Cinder's
// wording of schema failures is Nova's).
func decode(r *http.Request, sch *schema.Schema) (map[string]any, error) {
	var raw any
	if _, err := httpx.ReadBody(r, &raw, "Malformed request body"); err != nil {
		return nil, err
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	doc, err := schema.Decode(b)
	if err != nil {
		return nil, novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	if err := sch.Validate(doc); err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	return m, nil
}

func mustSchema(name string, doc map[string]any) *schema.Schema {
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return schema.New(name, string(b))
}

type obj = map[string]any

var (
	pName     = obj{"type": []any{"string", "null"}, "maxLength": 255}
	pMetadata = obj{"type": []any{"object", "null"}, "patternProperties": obj{"^[a-zA-Z0-9-_:. /]{1,255}$": obj{"type": "string", "maxLength": 255}},
		"additionalProperties": false}
	pSize = obj{"type": []any{"integer", "string", "null"}, "pattern": "^[0-9]+$", "minimum": 1, "maximum": 2147483647}
	pUUID = obj{"type": "string", "format": "uuid"}
	pBool = obj{"type": []any{"boolean", "string"}, "enum": []any{true, false, "True", "False", "true", "false", "TRUE", "FALSE", "1", "0", "yes", "no", "on", "off"}}
)

// authorize checks a Cinder rule against the caller, on project when
// given (else the caller's own).
func authorize(r *http.Request, rule, project string) error {
	return policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{ProjectID: project})
}

// str returns m[k] as a string ("" when absent or not a string).
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// strOrNil returns m[k] as *string: nil when absent or null.
func strOrNil(m map[string]any, k string) *string {
	if s, ok := m[k].(string); ok {
		return &s
	}
	return nil
}

// stringChange is m[k] as a change: not Set when absent, Null when null
// (or, as strOrNil reads it, not a string).
func stringChange(m map[string]any, k string) novalite.Nullable[string] {
	if _, ok := m[k]; !ok {
		return novalite.Nullable[string]{}
	}
	if s := strOrNil(m, k); s != nil {
		return novalite.NullableOf(*s)
	}
	return novalite.Nullable[string]{Set: true, Null: true}
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), x == float64(int64(x))
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// asBool is Cinder's strutils.bool_from_string, strict.
func asBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(x) {
		case "1", "t", "true", "on", "y", "yes":
			return true, nil
		case "0", "f", "false", "off", "n", "no":
			return false, nil
		}
	}
	return false, novalite.Errorf(novalite.Invalid, "Invalid input received: Unrecognized value '%v', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'", v)
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		out[k] = fmt.Sprint(x)
	}
	return out
}

// maxLimit is Cinder's osapi_max_limit.
const maxLimit = 1000

// listQuery is the paging and sorting of a list request.
type listQuery struct {
	limit  int
	offset int // rows skipped after the marker (Cinder's offset)
	marker string
	sort   []novalite.VolumeSort
	all    bool
	q      url.Values
}

// Cinder sorts with the model attribute a key names and answers 400 for
// a key that names none (sqlalchemyutils.paginate_query); the store sorts
// by the columns it has and passes over the rest.
var (
	volumeAttrs = setOf("id", "user_id", "project_id", "snapshot_id", "cluster_name", "host", "size",
		"availability_zone", "status", "attach_status", "migration_status", "scheduled_at", "launched_at",
		"terminated_at", "name", "display_description", "provider_location", "provider_auth",
		"provider_geometry", "provider_id", "volume_type_id", "source_volid", "encryption_key_id",
		"consistencygroup_id", "group_id", "bootable", "multiattach", "replication_status",
		"replication_extended_status", "replication_driver_data", "previous_status", "service_uuid",
		"shared_targets", "use_quota", "created_at", "updated_at", "deleted_at", "deleted")
	snapshotAttrs = setOf("id", "user_id", "project_id", "volume_id", "cgsnapshot_id", "group_snapshot_id",
		"status", "progress", "volume_size", "scheduled_at", "name", "display_description",
		"provider_location", "provider_id", "provider_auth", "encryption_key_id", "volume_type_id",
		"use_quota", "created_at", "updated_at", "deleted_at", "deleted")
)

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// readList reads paging, sorting and all_tenants; attrs are the sort
// keys Cinder's model for the collection has.
func readList(r *http.Request, attrs map[string]bool) (listQuery, error) {
	q := r.URL.Query()
	lq := listQuery{limit: maxLimit, marker: q.Get("marker"), q: q}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return lq, novalite.Errorf(novalite.Invalid, "Invalid input received: limit param must be an integer")
		}
		lq.limit = min(n, maxLimit)
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return lq, novalite.Errorf(novalite.Invalid, "offset must be an integer.")
		}
		if n < 0 {
			return lq, novalite.Errorf(novalite.Invalid, "offset must be >= 0.")
		}
		lq.offset = n
	}
	if s := q.Get("all_tenants"); s != "" {
		b, err := asBool(s)
		if err != nil {
			return lq, err
		}
		lq.all = b
	}
	var keys, dirs []string
	if s := q.Get("sort"); s != "" {
		for _, part := range strings.Split(s, ",") {
			k, d, _ := strings.Cut(strings.TrimSpace(part), ":")
			keys, dirs = append(keys, k), append(dirs, d)
		}
	} else if s := q.Get("sort_key"); s != "" {
		keys, dirs = strings.Split(s, ","), strings.Split(q.Get("sort_dir"), ",")
	}
	for i, k := range keys {
		d := "desc"
		if i < len(dirs) && dirs[i] != "" {
			d = strings.ToLower(dirs[i])
		}
		if d != "asc" && d != "desc" {
			return lq, novalite.Errorf(novalite.Invalid, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")
		}
		if k == "display_name" {
			k = "name"
		}
		if !attrs[k] {
			return lq, novalite.Errorf(novalite.Invalid, "Invalid input received: Invalid sort key")
		}
		lq.sort = append(lq.sort, novalite.VolumeSort{Key: k, Desc: d == "desc"})
	}
	return lq, nil
}

// storeLimit is how many rows to read for a page: the offset's too.
func (lq listQuery) storeLimit() int { return lq.limit + lq.offset }

// skipOffset drops the offset's rows from what the store read.
func skipOffset[T any](lq listQuery, xs []T) []T {
	return xs[min(lq.offset, len(xs)):]
}

// nextLinks is Cinder's collection link when a page is full.
func (a *API) nextLinks(r *http.Request, coll string, n int, lq listQuery, last string) []any {
	if n == 0 || n < lq.limit {
		return nil
	}
	q := url.Values{}
	for k, v := range lq.q {
		if k != "marker" {
			q[k] = v
		}
	}
	q.Set("limit", strconv.Itoa(lq.limit))
	q.Set("marker", last)
	return []any{obj{"rel": "next", "href": a.url(r, coll) + "?" + q.Encode()}}
}

// url is the public URL of a path under /v3, in the form asked (with a
// project id when the request had one).
func (a *API) url(r *http.Request, path string) string {
	base := httpx.BaseURL(r) + a.prefix + "/v3/"
	if p, _ := r.Context().Value(ctxKey{}).(string); p != "" {
		base += p + "/"
	}
	return base + path
}

func (a *API) links(r *http.Request, coll, id string) []any {
	bookmark := httpx.BaseURL(r) + a.prefix + "/"
	if p, _ := r.Context().Value(ctxKey{}).(string); p != "" {
		bookmark += p + "/"
	}
	return []any{obj{"rel": "self", "href": a.url(r, coll+"/"+id)}, obj{"rel": "bookmark", "href": bookmark + coll + "/" + id}}
}
