package volume

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
)

// faults are Cinder's status and fault key of each error kind.
var faults = map[novalite.Kind]httpx.Fault{
	novalite.Invalid:        {Status: 400, Key: "badRequest"},
	novalite.Unauthorized:   {Status: 401, Key: "unauthorized"},
	novalite.Forbidden:      {Status: 403, Key: "forbidden"},
	novalite.NotFound:       {Status: 404, Key: "itemNotFound"},
	novalite.NotAllowed:     {Status: 405, Key: "badMethod"},
	novalite.NotAcceptable:  {Status: 406, Key: "computeFault"},
	novalite.Conflict:       {Status: 409, Key: "conflictingRequest"},
	novalite.TooLarge:       {Status: 413, Key: "overLimit"},
	novalite.BadMediaType:   {Status: 415, Key: "badMediaType"},
	novalite.OverLimit:      {Status: 413, Key: "overLimit"},
	novalite.NotImplemented: {Status: 501, Key: "notImplemented"},
	novalite.Unavailable:    {Status: 503, Key: "serviceUnavailable"},
}

const unexpected = "The server has either erred or is incapable of performing the requested operation."

// WriteError renders err as a Cinder fault; the edge middleware answers
// in it for paths under this API.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, err) }

var writeError = httpx.FaultWriter(faults, unexpected)
