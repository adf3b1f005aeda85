package image

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
)

// WriteError renders err as Glance does; the edge middleware answers in
// it for paths under this API.
func WriteError(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, err) }

// writeError renders err as Glance does through webob: JSON
// {"message", "code", "title"} when the client accepts JSON, plain text
// otherwise.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, ok := httpx.StatusOf(err)
	msg := novalite.MessageOf(err)
	if !ok {
		status, msg = http.StatusInternalServerError, "The server has either erred or is incapable of performing the requested operation."
	}
	title := http.StatusText(status)
	code := fmt.Sprintf("%d %s", status, title)
	if strings.Contains(r.Header.Get("Accept"), "json") {
		b, _ := json.Marshal(map[string]any{"message": msg + "<br /><br />\n\n\n", "code": code, "title": title})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(b)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "%s\n\n%s\n\n   ", code, msg)
}
