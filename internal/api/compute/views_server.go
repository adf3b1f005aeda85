package compute

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
}

// newServerView decides the policy-driven parts of a view for caller c
// and a server of projectID ("" for lists: the caller's project).
func newServerView(r *http.Request, projectID string) serverView {
	c := httpx.Caller(r.Context())
	t := policy.Target{ProjectID: projectID}
	mv := MV(r)
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
	if host == "" {
		return ""
	}
	h := sha256.Sum224([]byte(projectID + host))
	return hex.EncodeToString(h[:])
}

func serverStatus(v novalite.Server) string {
	if v.Deleted {
		return "DELETED"
	}
	return novalite.Status(v.VMState, v.TaskState)
}

// serverDetail renders one server as show, list detail and update do.
func (a *API) serverDetail(r *http.Request, s compute.ServerInfo, o serverView) map[string]any {
	v := s.Server
	status := serverStatus(v)
	m := map[string]any{
		"id": v.ID, "name": v.Name, "status": status, "tenant_id": v.ProjectID, "user_id": v.UserID,
		"created": v.CreatedAt.UTC().Format(isoTime), "updated": v.UpdatedAt.UTC().Format(isoTime),
		"hostId": hostID(v.ProjectID, v.Host), "links": a.links(r, "servers", v.ID),
		"image": a.serverImage(r, v, o), "flavor": a.serverFlavor(r, v, o),
		"addresses":  serverAddresses(s, o.full),
		"accessIPv4": v.AccessIPv4, "accessIPv6": v.AccessIPv6, "metadata": v.Metadata,
		"OS-DCF:diskConfig": map[bool]string{true: "AUTO", false: "MANUAL"}[v.AutoDiskConfig],
	}
	if v.Metadata == nil {
		m["metadata"] = map[string]string{}
	}
	if faultStatuses[status] && v.Fault != nil {
		f := map[string]any{"code": v.Fault.Code, "created": v.Fault.Created.UTC().Format(isoTime), "message": v.Fault.Message}
		if v.Fault.Details != "" && (o.admin || v.Fault.Code != 500) {
			f["details"] = v.Fault.Details
		}
		m["fault"] = f
	}
	if progressStatuses[status] {
		m["progress"] = v.Progress
	}
	if o.full {
		a.addFullFields(m, s, o)
	}
	a.addVersionedFields(m, s, o)
	return m
}

// addFullFields adds what PUT's reduced view (below 2.75) leaves out.
func (a *API) addFullFields(m map[string]any, s compute.ServerInfo, o serverView) {
	v := s.Server
	m["OS-EXT-AZ:availability_zone"] = v.AvailabilityZone
	m["config_drive"] = map[bool]string{true: "True", false: ""}[v.ConfigDrive]
	m["key_name"] = strOrNil(v.KeyName)
	m["OS-SRV-USG:launched_at"] = isoOrNil(v.LaunchedAt, v.LaunchedAt.UTC().Format(strTime))
	m["OS-SRV-USG:terminated_at"] = isoOrNil(v.TerminatedAt, v.TerminatedAt.UTC().Format(strTime))
	if s.SecurityGroups != nil {
		groups := make([]map[string]string, len(s.SecurityGroups))
		for i, g := range s.SecurityGroups {
			groups[i] = map[string]string{"name": g}
		}
		m["security_groups"] = groups
	}
	var task any
	if v.TaskState != "" {
		task = string(v.TaskState)
	}
	m["OS-EXT-STS:vm_state"], m["OS-EXT-STS:task_state"], m["OS-EXT-STS:power_state"] = string(v.VMState), task, int(v.PowerState)
	vols := []any{}
	for _, b := range v.Volumes {
		a := map[string]any{"id": b.VolumeID}
		if o.mv.AtLeast(2, 3) {
			a["delete_on_termination"] = b.DeleteOnTermination
		}
		vols = append(vols, a)
	}
	m["os-extended-volumes:volumes_attached"] = vols
	if o.extended {
		m["OS-EXT-SRV-ATTR:host"] = emptyNil(v.Host)
		m["OS-EXT-SRV-ATTR:hypervisor_hostname"] = emptyNil(v.Node)
		m["OS-EXT-SRV-ATTR:instance_name"] = fmt.Sprintf("instance-%08x", v.InternalID)
		if o.mv.AtLeast(2, 3) {
			m["OS-EXT-SRV-ATTR:hostname"] = v.Hostname
			m["OS-EXT-SRV-ATTR:kernel_id"] = ""
			m["OS-EXT-SRV-ATTR:ramdisk_id"] = ""
			m["OS-EXT-SRV-ATTR:launch_index"] = v.LaunchIndex
			m["OS-EXT-SRV-ATTR:reservation_id"] = v.ReservationID
			m["OS-EXT-SRV-ATTR:root_device_name"] = emptyNil(v.RootDeviceName)
			if !o.noUserData {
				m["OS-EXT-SRV-ATTR:user_data"] = strOrNil(v.UserData)
			}
		}
	}
	if o.showsHostStatus() && (o.hostStatus == 2 || s.HostStatus == "UNKNOWN") {
		m["host_status"] = s.HostStatus
	}
	if o.mv.AtLeast(2, 96) {
		m["pinned_availability_zone"] = emptyNil(v.PinnedAZ)
	}
}

// addVersionedFields adds the fields that every view has from some
// microversion on.
func (a *API) addVersionedFields(m map[string]any, s compute.ServerInfo, o serverView) {
	v := s.Server
	if o.mv.AtLeast(2, 9) {
		m["locked"] = v.Locked
	}
	if o.mv.AtLeast(2, 19) {
		m["description"] = strOrNil(v.Description)
	}
	if o.mv.AtLeast(2, 26) {
		tags := v.Tags
		if tags == nil {
			tags = []string{}
		}
		m["tags"] = tags
	}
	if o.mv.AtLeast(2, 63) {
		var certs any
		if len(v.TrustedCerts) > 0 {
			certs = v.TrustedCerts
		}
		m["trusted_image_certificates"] = certs
	}
	if o.serverGroups && o.mv.AtLeast(2, 71) {
		groups := []string{}
		if v.ServerGroup != "" {
			groups = append(groups, v.ServerGroup)
		}
		m["server_groups"] = groups
	}
	if o.mv.AtLeast(2, 73) {
		m["locked_reason"] = strOrNil(v.LockedReason)
	}
	if o.mv.AtLeast(2, 90) && !(o.full && o.extended) {
		m["OS-EXT-SRV-ATTR:hostname"] = v.Hostname
	}
	if o.mv.AtLeast(2, 100) {
		hints := v.SchedulerHints
		if hints == nil {
			hints = map[string][]string{}
		}
		m["scheduler_hints"] = hints
	}
}

func emptyNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (a *API) serverImage(r *http.Request, v novalite.Server, o serverView) any {
	if v.ImageRef == "" {
		return ""
	}
	img := map[string]any{"id": v.ImageRef,
		"links": []map[string]any{{"rel": "bookmark", "href": a.bookmark(r) + "/images/" + v.ImageRef}}}
	if o.mv.AtLeast(2, 98) {
		props := v.ImageProperties
		if props == nil {
			props = map[string]string{}
		}
		img["properties"] = props
	}
	return img
}

func (a *API) serverFlavor(r *http.Request, v novalite.Server, o serverView) map[string]any {
	f := v.Flavor
	if !o.mv.AtLeast(2, 47) {
		return map[string]any{"id": f.ID,
			"links": []map[string]any{{"rel": "bookmark", "href": a.bookmark(r) + "/flavors/" + f.ID}}}
	}
	m := map[string]any{"vcpus": f.VCPUs, "ram": f.MemoryMB, "disk": f.RootGB, "ephemeral": f.EphemeralG,
		"swap": f.SwapMB, "original_name": f.Name}
	if o.extraSpecs {
		specs := f.ExtraSpecs
		if specs == nil {
			specs = map[string]string{}
		}
		m["extra_specs"] = specs
	}
	return m
}

// serverAddresses groups the server's IPs by network; empty while
// building. extended adds the OS-EXT-IPS type and MAC.
func serverAddresses(s compute.ServerInfo, extended bool) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	if s.VMState == novalite.VMBuilding {
		return out
	}
	for _, ad := range s.Addresses {
		e := map[string]any{"version": ad.Version, "addr": ad.Addr}
		if extended {
			e["OS-EXT-IPS:type"] = ad.Type
			e["OS-EXT-IPS-MAC:mac_addr"] = ad.MAC
		}
		out[ad.Network] = append(out[ad.Network], e)
	}
	return out
}

// serverBrief is the list (index) view of a server.
func (a *API) serverBrief(r *http.Request, v novalite.Server) map[string]any {
	return map[string]any{"id": v.ID, "name": v.Name, "links": a.links(r, "servers", v.ID)}
}
