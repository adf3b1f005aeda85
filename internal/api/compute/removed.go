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
	type fault struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	httpx.WriteJSON(w, http.StatusGone, struct {
		Fault fault `json:"computeFault"`
	}{fault{http.StatusGone, goneMessage}})
	return nil
}
