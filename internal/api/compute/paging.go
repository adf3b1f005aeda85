package compute

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"novalite"
)

// maxLimit is Nova's [api] max_limit.
const maxLimit = 1000

// page is the limit and marker of a paginated list request.
type page struct {
	Limit  int    // effective page size: min(limit, maxLimit)
	Marker string // "" when absent
}

// readPage parses limit and marker (the last value of each wins, as Nova
// reads them): a negative or non-integer limit is 400.
func readPage(r *http.Request) (page, error) {
	q := r.URL.Query()
	p := page{Limit: maxLimit}
	if vs := q["limit"]; len(vs) > 0 {
		v := vs[len(vs)-1]
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, novalite.Errorf(novalite.Invalid,
				"Invalid input for query parameters limit. Value: %s. '%s' does not match '^[0-9]*$'", v, v)
		}
		p.Limit = min(n, maxLimit)
	}
	if vs := q["marker"]; len(vs) > 0 {
		p.Marker = vs[len(vs)-1]
	}
	return p, nil
}

// nextLinks is a list's "<coll>_links" when list fills page p: the same
// collection URL at path with the query as Nova's _get_next_link writes
// it — its parameters sorted by name, one value each (the greatest, as
// an OrderedDict of the sorted pairs keeps), and the marker replaced by
// marker(last item) where the request had one, else added last. A page
// that is not full gets none (nil: the key is left out).
func nextLinks[T any](a *API, r *http.Request, path string, p page, list []T, marker func(T) string) []link {
	if len(list) == 0 || len(list) < p.Limit {
		return nil
	}
	q := r.URL.Query()
	keys := slices.Sorted(maps.Keys(q))
	next := marker(list[len(list)-1])
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
	}
	for _, k := range keys {
		if k == "marker" {
			add(k, next)
			continue
		}
		add(k, slices.Max(q[k]))
	}
	if !q.Has("marker") {
		add("marker", next)
	}
	return []link{{Href: a.versioned(r) + path + "?" + b.String(), Rel: "next"}}
}

// addNextLinks sets body[key] to the nextLinks of a body built as a map:
// the server lists, whose page is RawJSON, which WriteJSON copies as it
// is from a map, where json.Marshal of a struct would check and compact
// the page's bytes again.
func addNextLinks[T any](a *API, r *http.Request, body map[string]any, key, path string, p page, list []T, marker func(T) string) {
	if l := nextLinks(a, r, path, p, list, marker); l != nil {
		body[key] = l
	}
}

// links returns the self and bookmark links of a resource in coll.
func (a *API) links(r *http.Request, coll, id string) []link {
	return []link{
		{Href: a.versioned(r) + "/" + coll + "/" + id, Rel: "self"},
		{Href: a.bookmark(r) + "/" + coll + "/" + id, Rel: "bookmark"},
	}
}
