package httpx

import (
	"net/http"

	"novalite"
)

// Fault is the status and body key of an error kind in the fault
// dialect Nova and Cinder share: {"<key>": {"code": <status>, "message": …}}
// (their wsgi.py Fault._fault_names).
type Fault struct {
	Status int
	Key    string
}

// Faults is the fault table of that dialect: the status and key of each
// kind. Nova answers OverLimit 429 and Cinder 413, the one difference.
func Faults(overLimitStatus int) map[novalite.Kind]Fault {
	return map[novalite.Kind]Fault{
		novalite.Invalid:        {Status: 400, Key: "badRequest"},
		novalite.Unauthorized:   {Status: 401, Key: "unauthorized"},
		novalite.Forbidden:      {Status: 403, Key: "forbidden"},
		novalite.NotFound:       {Status: 404, Key: "itemNotFound"},
		novalite.NotAllowed:     {Status: 405, Key: "badMethod"},
		novalite.NotAcceptable:  {Status: 406, Key: "computeFault"},
		novalite.Conflict:       {Status: 409, Key: "conflictingRequest"},
		novalite.TooLarge:       {Status: 413, Key: "overLimit"},
		novalite.BadMediaType:   {Status: 415, Key: "badMediaType"},
		novalite.OverLimit:      {Status: overLimitStatus, Key: "overLimit"},
		novalite.NotImplemented: {Status: 501, Key: "notImplemented"},
		novalite.Unavailable:    {Status: 503, Key: "serviceUnavailable"},
	}
}

// kindStatus is the status of each kind where the service answers
// through webob's exceptions (Keystone, Glance, Neutron).
var kindStatus = map[novalite.Kind]int{
	novalite.Invalid:        http.StatusBadRequest,
	novalite.Unauthorized:   http.StatusUnauthorized,
	novalite.Forbidden:      http.StatusForbidden,
	novalite.NotFound:       http.StatusNotFound,
	novalite.NotAllowed:     http.StatusMethodNotAllowed,
	novalite.Conflict:       http.StatusConflict,
	novalite.TooLarge:       http.StatusRequestEntityTooLarge,
	novalite.BadMediaType:   http.StatusUnsupportedMediaType,
	novalite.NotImplemented: http.StatusNotImplemented,
	novalite.Unavailable:    http.StatusServiceUnavailable,
}

// StatusOf is the webob status of err's kind; ok is false for a kind
// that is a 500.
func StatusOf(err error) (status int, ok bool) {
	status, ok = kindStatus[novalite.KindOf(err)]
	return status, ok
}

// FaultWriter returns the ErrorWriter of that dialect: kinds missing from
// faults answer 500 with the API's unexpected-error text; an error
// without a message gets the status text ("The resource could not be
// found." for 404).
func FaultWriter(faults map[novalite.Kind]Fault, unexpected string) ErrorWriter {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		k := novalite.KindOf(err)
		f, ok := faults[k]
		msg := novalite.MessageOf(err)
		if !ok {
			f, msg = Fault{500, "computeFault"}, unexpected
		}
		if msg == "" {
			msg = http.StatusText(f.Status)
			if k == novalite.NotFound {
				msg = "The resource could not be found."
			}
		}
		WriteJSON(w, f.Status, map[string]any{f.Key: map[string]any{"code": f.Status, "message": msg}})
	}
}
