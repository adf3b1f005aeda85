package app

import (
	"net/http"
	"strings"

	"novalite/internal/api/compute"
	"novalite/internal/api/httpx"
	identityapi "novalite/internal/api/identity"
	imageapi "novalite/internal/api/image"
	networkapi "novalite/internal/api/network"
	volumeapi "novalite/internal/api/volume"
)

// errorDialect is the error writer of the API under whose prefix r's
// path lies, so that answers given before an API routes the request (bad
// bytes, unclean paths, bodies over the limit) read as that API's errors.
// Paths under no API answer as Nova: the listener is the compute
// endpoint's.
func errorDialect(r *http.Request) httpx.ErrorWriter {
	p := r.URL.Path
	under := func(prefix string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }
	switch {
	case under(IdentityPrefix):
		return identityapi.WriteError
	case under(imagePrefix):
		return imageapi.WriteError
	case under(networkPrefix):
		return networkapi.WriteError
	case under(volumePrefix):
		return volumeapi.WriteError
	}
	return compute.WriteError
}

// writeError writes err in the dialect of the API r is addressed to.
func writeError(w http.ResponseWriter, r *http.Request, err error) { errorDialect(r)(w, r, err) }
