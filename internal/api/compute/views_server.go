package compute

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// Time formats of server views: created/updated/fault are ISO 8601 with
// Z; launched_at/terminated_at are Python's naive isoformat.
const (
	isoTime = "2006-01-02T15:04:05Z"
	strTime = "2006-01-02T15:04:05.000000"
)

// Statuses that show progress, and those that show a fault
// (nova/api/openstack/compute/views/servers.py).
var (
	progressStatuses = map[string]bool{"ACTIVE": true, "BUILD": true, "REBUILD": true, "RESIZE": true,
		"VERIFY_RESIZE": true, "MIGRATING": true}
	faultStatuses = map[string]bool{"ERROR": true, "DELETED": true}
)

// serverView says what a detailed server view shows; Nova's show() flags.
type serverView struct {
	mv           microversion.Version
	full         bool // false: PUT's reduced view below 2.75
	extended     bool // OS-EXT-SRV-ATTR:* (os-extended-server-attributes)
	extraSpecs   bool // flavor extra_specs (2.47+)
	hostStatus   int  // 0 none, 1 UNKNOWN only, 2 any
	admin        bool // fault details of code 500
	serverGroups bool // show/update at 2.71+, never list detail
	noUserData   bool // rebuild: user_data is its own key (2.57), not OS-EXT-SRV-ATTR's
	// rebuild: key_name (2.54) and user_data (2.57) whatever the view,
	// and adminPass.
	rebuild   bool
	adminPass string
	// self and book: the link prefixes, worked out once per page.
	self, book string
	// memo: a rendering for a compute.ViewMemo, without host_status (a
	// host's status changes with no change to its servers).
	memo bool
}

// newServerView decides the policy-driven parts of a view for caller c
// and a server of projectID ("" for lists: the caller's project).
func newServerView(r *http.Request, projectID string) serverView {
	c := httpx.Caller(r.Context())
	t := policy.Target{ProjectID: projectID}
	mv := requestMV(r)
	o := serverView{mv: mv, full: true, admin: c.IsAdmin(),
		extended:   policy.Allowed(c, "os_compute_api:os-extended-server-attributes", t),
		extraSpecs: mv.AtLeast(2, 47) && policy.Allowed(c, "os_compute_api:servers:show:flavor-extra-specs", t)}
	switch {
	case policy.Allowed(c, "os_compute_api:servers:show:host_status", t):
		o.hostStatus = 2
	case policy.Allowed(c, "os_compute_api:servers:show:host_status:unknown-only", t):
		o.hostStatus = 1
	}
	return o
}

// showsHostStatus tells whether the view may have host_status (2.16+
// and allowed): only then is the host's row worth reading.
func (o serverView) showsHostStatus() bool { return o.mv.AtLeast(2, 16) && o.hostStatus > 0 }

// fillHostStatus reads the host status of a server from GetServer (show,
// update, rebuild) when view o shows it.
func (a *API) fillHostStatus(r *http.Request, s *compute.ServerInfo, o serverView) error {
	if !o.showsHostStatus() {
		return nil
	}
	return a.svc.Compute.FillHostStatus(r.Context(), s)
}

func isoOrNil(t interface{ IsZero() bool }, s string) any {
	if t.IsZero() {
		return nil
	}
	return s
}

func strOrNil(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// hostID is Nova's hostId: sha224(project_id + host), "" without host.
func hostID(projectID, host string) string {
	return string(appendHostIDHex(nil, projectID, host))
}

// appendHostIDHex appends hostID's value, without making the string.
func appendHostIDHex(dst []byte, projectID, host string) []byte {
	if host == "" {
		return dst
	}
	h := sha256.New224()
	h.Write([]byte(projectID))
	h.Write([]byte(host))
	var sum [sha256.Size224]byte
	return hex.AppendEncode(dst, h.Sum(sum[:0]))
}

func serverStatus(v novalite.Server) string {
	if v.Deleted {
		return "DELETED"
	}
	return novalite.Status(v.VMState, v.TaskState)
}

// serverDetail renders one server as show, list detail, update and
// rebuild do, straight to JSON (views_server_json.go).
func (a *API) serverDetail(r *http.Request, s compute.ServerInfo, o serverView) httpx.RawJSON {
	return a.appendServerDetail(nil, r, s, o)
}
