package volume

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// faults are Cinder's status and fault key of each error kind.
var faults = httpx.Faults(http.StatusRequestEntityTooLarge)

const unexpected = "The server has either erred or is incapable of performing the requested operation."

// WriteError renders err as a Cinder fault; the edge middleware answers
// in it for paths under this API.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, err) }

var writeError = httpx.FaultWriter(faults, unexpected)
