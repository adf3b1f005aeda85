package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
)

// Keystone's error body: {"error": {"code", "title", "message"}}.
var statusOf = map[novalite.Kind]int{
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

var notFoundRoute = novalite.Errorf(novalite.NotFound, "The resource could not be found.")

// writeError renders err as Keystone does; a 401 names this API's base
// URL in WWW-Authenticate, as keystonemiddleware's does.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	k := novalite.KindOf(err)
	status, ok := statusOf[k]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := novalite.MessageOf(err)
	switch {
	case status == http.StatusInternalServerError:
		msg = "An unexpected error prevented the server from fulfilling your request."
	case k == novalite.Unauthorized && msg == "":
		msg = "The request you have made requires authentication."
	case k == novalite.Forbidden && msg == "":
		msg = "You are not authorized to perform the requested action."
	case msg == "":
		msg = http.StatusText(status)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Keystone uri="`+a.base(r)+`"`)
	}
	httpx.WriteJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "title": http.StatusText(status), "message": msg}})
}
