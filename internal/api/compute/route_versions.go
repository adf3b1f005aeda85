package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
)

// versions is the microversion range a route or a server action exists
// in, both ends included; a zero max is "still there". Outside it Nova
// answers 404, as for a path it does not know.
type versions struct{ min, max microversion.Version }

// always is every microversion novalite serves.
var always = versions{min: microversion.Min}

// since is a range that starts at major.minor.
func since(major, minor int) versions {
	return versions{min: microversion.Version{Major: major, Minor: minor}}
}

// until is a range that ends at major.minor (gone in the next one).
func until(major, minor int) versions {
	return versions{min: microversion.Min, max: microversion.Version{Major: major, Minor: minor}}
}

// has reports whether mv is in the range.
func (v versions) has(mv microversion.Version) bool {
	return !mv.Less(v.min) && (v.max.Major == 0 || !v.max.Less(mv))
}

// only serves h in the range and answers 404 outside it, before reading
// anything of the request.
func only(v versions, h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !v.has(requestMV(r)) {
			return errNotFound
		}
		return h(w, r)
	}
}
