package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
)

// APIs Nova removed but still routes, answering 410 Gone to every
// authenticated caller (nova-network, cells v1, os-agents, os-consoles …).
var removedRoutes = []string{
	"/os-agents", "/os-agents/{id}",
	"/os-cells", "/os-cells/{rest...}",
	"/os-certificates", "/os-certificates/{rest...}",
	"/os-cloudpipe", "/os-cloudpipe/{rest...}",
	"/os-fixed-ips/{rest...}",
	"/os-floating-ip-dns", "/os-floating-ip-dns/{rest...}",
	"/os-floating-ips-bulk", "/os-floating-ips-bulk/{rest...}",
	"/os-fping", "/os-fping/{rest...}",
	"/os-security-group-default-rules", "/os-security-group-default-rules/{rest...}",
	"/servers/{id}/consoles", "/servers/{id}/consoles/{rest...}",
	"/servers/{id}/os-virtual-interfaces",
	"POST /os-networks", "DELETE /os-networks/{id}", "POST /os-networks/add", "POST /os-networks/{id}/action",
	"POST /os-tenant-networks", "DELETE /os-tenant-networks/{id}",
}

// goneMessage is webob's explanation of 410, which Nova's fault wrapper
// passes on under its catch-all fault name.
const goneMessage = "This resource is no longer available.  No forwarding address is given."

func gone(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusGone, map[string]any{"computeFault": map[string]any{"code": http.StatusGone, "message": goneMessage}})
	return nil
}
