package compute

import (
	"net/http"
	"net/url"
	"strconv"

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

// nextLinks returns Nova's "<coll>_links" value when the page is full:
// the same collection URL with every query parameter sorted by name and
// the marker replaced by the last item's. Otherwise nil (key omitted).
func (a *API) nextLinks(r *http.Request, path string, p page, count int, lastMarker string) []map[string]any {
	if count == 0 || count < p.Limit {
		return nil
	}
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		if k != "marker" {
			q[k] = vs
		}
	}
	q.Set("marker", lastMarker)
	// Encode sorts by key, as Nova does.
	return []map[string]any{{"rel": "next", "href": a.versioned(r) + path + "?" + q.Encode()}}
}

// links returns the self and bookmark links of a resource in coll.
func (a *API) links(r *http.Request, coll, id string) []map[string]any {
	return []map[string]any{
		{"rel": "self", "href": a.versioned(r) + "/" + coll + "/" + id},
		{"rel": "bookmark", "href": a.bookmark(r) + "/" + coll + "/" + id},
	}
}
