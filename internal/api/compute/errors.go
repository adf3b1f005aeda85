package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
)

// faults are Nova's status and fault key of each error kind.
var faults = httpx.Faults(http.StatusTooManyRequests)

const unexpected = "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible."

// WriteError renders err as a Nova fault body; the edge middleware
// answers in it for paths under the compute API.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, err) }

// writeError renders err as a Nova fault body.
var writeError = httpx.FaultWriter(faults, unexpected)

var errNotFound = novalite.Errorf(novalite.NotFound, "The resource could not be found.")
