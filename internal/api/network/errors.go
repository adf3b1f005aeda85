package network

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
)

// defaultType is Neutron's error type when the domain named none (the
// webob exception's class name).
var defaultType = map[int]string{
	400: "HTTPBadRequest", 401: "HTTPUnauthorized", 403: "HTTPForbidden", 404: "HTTPNotFound",
	405: "HTTPMethodNotAllowed", 409: "HTTPConflict", 413: "HTTPRequestEntityTooLarge",
	415: "HTTPUnsupportedMediaType", 501: "HTTPNotImplemented", 503: "HTTPServiceUnavailable",
}

// WriteError renders err as a Neutron error body; the edge middleware
// answers in it for paths under this API.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, err) }

// writeError renders {"NeutronError": {"type", "message", "detail"}}.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, ok := httpx.StatusOf(err)
	msg := novalite.MessageOf(err)
	typ := ""
	if e, isErr := err.(*novalite.Error); isErr {
		typ = e.Reason
	}
	if !ok {
		status, msg, typ = 500, "Request Failed: internal server error while processing your request.", "HTTPInternalServerError"
	}
	if typ == "" {
		typ = defaultType[status]
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	httpx.WriteJSON(w, status, map[string]any{"NeutronError": map[string]any{"type": typ, "message": msg, "detail": ""}})
}
