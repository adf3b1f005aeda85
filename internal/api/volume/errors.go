package volume

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
)

// fault is a status and Cinder's fault key (cinder/api/openstack/
// wsgi.py, Fault._fault_names).
type fault struct {
	status int
	key    string
}

var faults = map[novalite.Kind]fault{
	novalite.Invalid:        {400, "badRequest"},
	novalite.Unauthorized:   {401, "unauthorized"},
	novalite.Forbidden:      {403, "forbidden"},
	novalite.NotFound:       {404, "itemNotFound"},
	novalite.NotAllowed:     {405, "badMethod"},
	novalite.NotAcceptable:  {406, "computeFault"},
	novalite.Conflict:       {409, "conflictingRequest"},
	novalite.TooLarge:       {413, "overLimit"},
	novalite.BadMediaType:   {415, "badMediaType"},
	novalite.OverLimit:      {413, "overLimit"},
	novalite.NotImplemented: {501, "notImplemented"},
	novalite.Unavailable:    {503, "serviceUnavailable"},
}

const unexpected = "The server has either erred or is incapable of performing the requested operation."

// WriteError renders err as a Cinder fault; the edge middleware answers
// in it for paths under this API.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, err) }

func writeError(w http.ResponseWriter, r *http.Request, err error) {
	k := novalite.KindOf(err)
	f, ok := faults[k]
	msg := novalite.MessageOf(err)
	if !ok {
		f, msg = fault{500, "computeFault"}, unexpected
	}
	if msg == "" {
		msg = http.StatusText(f.status)
		if k == novalite.NotFound {
			msg = "The resource could not be found."
		}
	}
	httpx.WriteJSON(w, f.status, map[string]any{f.key: map[string]any{"code": f.status, "message": msg}})
}
