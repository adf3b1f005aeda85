package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// goneMessage is webob's explanation of 410, which Nova's fault wrapper
// passes on under its catch-all fault name — with one space between the
// sentences, as clients receive it from Nova (novaclient's functional
// test_agent_list asserts it), though webob's source has two.
const goneMessage = "This resource is no longer available. No forwarding address is given."

func gone(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusGone, map[string]any{"computeFault": map[string]any{"code": http.StatusGone, "message": goneMessage}})
	return nil
}
