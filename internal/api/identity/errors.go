package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
)

// WriteError renders err as a Keystone error body; the edge middleware
// answers in it for paths under this API.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, err) }

// writeError renders Keystone's {"error": {"code", "title", "message"}}.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	k := novalite.KindOf(err)
	status, ok := httpx.StatusOf(err)
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
		w.Header().Set("WWW-Authenticate", `Keystone uri="`+httpx.BaseURL(r)+`"`)
	}
	httpx.WriteJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "title": http.StatusText(status), "message": msg}})
}
