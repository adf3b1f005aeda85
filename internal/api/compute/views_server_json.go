package compute

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/compute"
)

// pageBufs recycles the buffers list pages are written to (a page of
// 1,000 detailed servers is about 2.5 MB).
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// appendServerDetails writes the JSON array of list's detailed views
// (o: newServerView of the list).
func (a *API) appendServerDetails(dst []byte, r *http.Request, list []*compute.ServerInfo, o serverView) []byte {
	k := a.newKeptView(r, o)
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = a.appendKept(dst, r, s, k)
	}
	return append(dst, ']')
}

// keptView is a detailed view o written through the servers' memos
// (compute.ViewMemo): each server's rendering under view m, which is o
// without host_status (a host's status changes with no change to its
// servers), is kept and copied, host_status spliced in.
type keptView struct {
	o, m    serverView
	key     any // m, boxed once, at the first server with a memo
	scratch []byte
}

// newKeptView sets o's link prefixes (part of the key) and derives m.
func (a *API) newKeptView(r *http.Request, o serverView) *keptView {
	o.self, o.book = a.versioned(r), a.bookmark(r)
	m := o
	m.memo, m.hostStatus = true, 0
	return &keptView{o: o, m: m}
}

// appendKept writes s's view k.o, through its memo when it has one.
func (a *API) appendKept(dst []byte, r *http.Request, s *compute.ServerInfo, k *keptView) []byte {
	if s.Memo == nil {
		return a.appendServerDetail(dst, r, *s, k.o)
	}
	if k.key == nil {
		k.key = k.m
	}
	b, at, ok := s.Memo.Get(k.key)
	if !ok {
		k.scratch, at = a.appendServerDetailAt(k.scratch[:0], r, *s, k.m)
		b = k.scratch
		s.Memo.Put(k.key, b, at)
	}
	dst = append(dst, b[:at]...)
	if k.o.writesHostStatus(*s) {
		dst = append(dst, `,"host_status":`...)
		dst = httpx.AppendString(dst, s.HostStatus)
	}
	return append(dst, b[at:]...)
}

// A serverView is a memo's key (compared with ==): this fails to compile
// once a field of it is not comparable.
var _ = map[serverView]bool{}

// writesHostStatus tells whether view o of s has host_status.
func (o serverView) writesHostStatus(s compute.ServerInfo) bool {
	return o.full && !o.memo && o.showsHostStatus() && (o.hostStatus == 2 || s.HostStatus == "UNKNOWN")
}

// appendServerBriefs writes the JSON array of list's index views (GET
// /servers): id, links and name, the bytes json.Marshal gives for the
// same maps (TestServerBriefsMarshalled).
func (a *API) appendServerBriefs(dst []byte, r *http.Request, list []*compute.ServerInfo) []byte {
	self, book := a.versioned(r), a.bookmark(r)
	dst = append(dst, '[')
	for i := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		v := list[i]
		var w httpx.Object
		w.Begin(dst)
		w.Str("id", v.ID)
		w.Key("links")
		w.B = appendLinks(w.B, self, book, "/servers/", v.ID)
		w.Str("name", v.Name)
		dst = w.End()
	}
	return append(dst, ']')
}

// appendServerDetail writes the detailed view of a server to dst. The
// members are written in sorted order, each under the microversion and
// policy conditions of Nova's views/servers.py; the bytes are those
// json.Marshal gives for the same view as a map
// (TestServerDetailSortedAndMarshalled).
func (a *API) appendServerDetail(dst []byte, r *http.Request, s compute.ServerInfo, o serverView) []byte {
	dst, _ = a.appendServerDetailAt(dst, r, s, o)
	return dst
}

// appendServerDetailAt is appendServerDetail that also returns where in
// dst host_status is (or, for a view without it, would be) written: its
// members are sorted, so it follows hostId, never first.
func (a *API) appendServerDetailAt(dst []byte, r *http.Request, s compute.ServerInfo, o serverView) (_ []byte, hostStatusAt int) {
	v := &s.Server
	mv := o.mv
	status := serverStatus(s.Server)
	self, book := o.self, o.book
	if self == "" {
		self, book = a.versioned(r), a.bookmark(r)
	}
	var w httpx.Object
	w.Begin(dst)
	appendServerOSAttrs(&w, v, o)
	w.Str("accessIPv4", v.AccessIPv4)
	w.Str("accessIPv6", v.AccessIPv6)
	w.Key("addresses")
	w.B = appendServerAddresses(w.B, s, o.full)
	if o.rebuild {
		w.Str("adminPass", o.adminPass)
	}
	if o.full {
		if v.ConfigDrive {
			w.Str("config_drive", "True")
		} else {
			w.Str("config_drive", "")
		}
	}
	appendTime(&w, "created", v.CreatedAt)
	if mv.AtLeast(2, 19) {
		w.StrOrNull("description", v.Description)
	}
	if faultStatuses[status] && v.Fault != nil {
		w.Key("fault")
		w.B = appendServerFault(w.B, v.Fault, o.admin)
	}
	w.Key("flavor")
	w.B = appendServerFlavor(w.B, v.Flavor, o, book)
	w.Key("hostId")
	w.B = append(w.B, '"')
	w.B = appendHostIDHex(w.B, v.ProjectID, v.Host)
	w.B = append(w.B, '"')
	hostStatusAt = len(w.B)
	if o.writesHostStatus(s) {
		w.Str("host_status", s.HostStatus)
	}
	w.Str("id", v.ID)
	w.Key("image")
	w.B = appendServerImage(w.B, v, o, book)
	if o.full || (o.rebuild && mv.AtLeast(2, 54)) {
		w.StrOrNull("key_name", v.KeyName)
	}
	w.Key("links")
	w.B = appendLinks(w.B, self, book, "/servers/", v.ID)
	if mv.AtLeast(2, 9) {
		w.Bool("locked", v.Locked)
	}
	if mv.AtLeast(2, 73) {
		w.StrOrNull("locked_reason", v.LockedReason)
	}
	w.Key("metadata")
	w.B = appendStringMap(w.B, v.Metadata)
	w.Str("name", v.Name)
	if o.full {
		w.Key("os-extended-volumes:volumes_attached")
		w.B = appendVolumesAttached(w.B, v.Volumes, mv.AtLeast(2, 3))
		if mv.AtLeast(2, 96) {
			w.StrOrNullIfEmpty("pinned_availability_zone", v.PinnedAZ)
		}
	}
	if progressStatuses[status] {
		w.Int("progress", int64(v.Progress))
	}
	if mv.AtLeast(2, 100) {
		_ = w.Value("scheduler_hints", v.SchedulerHints.Map()) // a map of string lists cannot fail
	}
	if o.full && s.SecurityGroups != nil {
		w.Key("security_groups")
		w.B = appendSecurityGroupNames(w.B, s.SecurityGroups)
	}
	if o.serverGroups && mv.AtLeast(2, 71) {
		w.Key("server_groups")
		w.B = append(w.B, '[')
		if v.ServerGroup != "" {
			w.B = httpx.AppendString(w.B, v.ServerGroup)
		}
		w.B = append(w.B, ']')
	}
	w.Str("status", status)
	if mv.AtLeast(2, 26) {
		w.Key("tags")
		w.B = appendStrings(w.B, v.Tags)
	}
	w.Str("tenant_id", v.ProjectID)
	if mv.AtLeast(2, 63) {
		if len(v.TrustedCerts) > 0 {
			w.Key("trusted_image_certificates")
			w.B = appendStrings(w.B, v.TrustedCerts)
		} else {
			w.Null("trusted_image_certificates")
		}
	}
	appendTime(&w, "updated", v.UpdatedAt)
	if o.rebuild && mv.AtLeast(2, 57) {
		w.StrOrNull("user_data", v.UserData)
	}
	w.Str("user_id", v.UserID)
	return w.End(), hostStatusAt
}

// appendServerOSAttrs writes the OS-DCF, OS-EXT-AZ, OS-EXT-SRV-ATTR,
// OS-EXT-STS and OS-SRV-USG members of v the view shows, the first keys
// of a server in sorted order.
func appendServerOSAttrs(w *httpx.Object, v *novalite.Server, o serverView) {
	mv, ext := o.mv, o.full && o.extended
	if v.AutoDiskConfig {
		w.Str("OS-DCF:diskConfig", "AUTO")
	} else {
		w.Str("OS-DCF:diskConfig", "MANUAL")
	}
	if o.full {
		w.Str("OS-EXT-AZ:availability_zone", v.AvailabilityZone)
	}
	if ext {
		w.StrOrNullIfEmpty("OS-EXT-SRV-ATTR:host", v.Host)
	}
	// From 2.90 everyone sees the hostname; before, only with the extended
	// attributes (2.3+).
	if (ext && mv.AtLeast(2, 3)) || mv.AtLeast(2, 90) {
		w.Str("OS-EXT-SRV-ATTR:hostname", v.Hostname)
	}
	if ext {
		w.StrOrNullIfEmpty("OS-EXT-SRV-ATTR:hypervisor_hostname", v.Node)
		w.Key("OS-EXT-SRV-ATTR:instance_name")
		w.B = append(w.B, `"instance-`...)
		w.B = appendHex8(w.B, v.InternalID)
		w.B = append(w.B, '"')
	}
	if ext && mv.AtLeast(2, 3) {
		w.Str("OS-EXT-SRV-ATTR:kernel_id", "")
		w.Int("OS-EXT-SRV-ATTR:launch_index", int64(v.LaunchIndex))
		w.Str("OS-EXT-SRV-ATTR:ramdisk_id", "")
		w.Str("OS-EXT-SRV-ATTR:reservation_id", v.ReservationID)
		w.StrOrNullIfEmpty("OS-EXT-SRV-ATTR:root_device_name", v.RootDeviceName)
		if !o.noUserData {
			w.StrOrNull("OS-EXT-SRV-ATTR:user_data", v.UserData)
		}
	}
	if o.full {
		w.Int("OS-EXT-STS:power_state", int64(v.PowerState))
		w.StrOrNullIfEmpty("OS-EXT-STS:task_state", string(v.TaskState))
		w.Str("OS-EXT-STS:vm_state", string(v.VMState))
		appendPyTime(w, "OS-SRV-USG:launched_at", v.LaunchedAt)
		appendPyTime(w, "OS-SRV-USG:terminated_at", v.TerminatedAt)
	}
}

// appendServerFault writes a server's fault; its details only to an
// admin, or when the fault is not a 500 (Nova hides tracebacks).
func appendServerFault(dst []byte, f *novalite.Fault, admin bool) []byte {
	var w httpx.Object
	w.Begin(dst)
	w.Int("code", int64(f.Code))
	w.Str("created", f.Created.UTC().Format(isoTime))
	if f.Details != "" && (admin || f.Code != 500) {
		w.Str("details", f.Details)
	}
	w.Str("message", f.Message)
	return w.End()
}

// appendSecurityGroupNames writes [{"name": …}, …].
func appendSecurityGroupNames(dst []byte, names []string) []byte {
	dst = append(dst, '[')
	for i, g := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = httpx.AppendString(dst, g)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendPyTime writes t as Python's naive isoformat, null when unset.
func appendPyTime(w *httpx.Object, k string, t interface {
	IsZero() bool
	AppendFormat([]byte, string) []byte
}) {
	if t.IsZero() {
		w.Null(k)
		return
	}
	w.Key(k)
	w.B = append(w.B, '"')
	w.B = t.AppendFormat(w.B, strTime)
	w.B = append(w.B, '"')
}

// appendTime writes t in UTC as ISO 8601 with Z (created, updated).
func appendTime(w *httpx.Object, k string, t time.Time) {
	w.Key(k)
	w.B = append(w.B, '"')
	w.B = t.UTC().AppendFormat(w.B, isoTime)
	w.B = append(w.B, '"')
}

// appendHex8 is fmt's %08x of n.
func appendHex8(dst []byte, n int64) []byte {
	h := strconv.FormatInt(n, 16)
	for i := len(h); i < 8; i++ {
		dst = append(dst, '0')
	}
	return append(dst, h...)
}

// appendLinks writes the self and bookmark links of coll+id.
func appendLinks(dst []byte, self, book, coll, id string) []byte {
	dst = append(dst, `[{"href":`...)
	dst = httpx.AppendConcat(dst, self, coll, id)
	dst = append(dst, `,"rel":"self"},{"href":`...)
	dst = httpx.AppendConcat(dst, book, coll, id)
	return append(dst, `,"rel":"bookmark"}]`...)
}

func appendStrings(dst []byte, s []string) []byte {
	dst = append(dst, '[')
	for i, x := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = httpx.AppendString(dst, x)
	}
	return append(dst, ']')
}

// appendStringMap writes m with sorted keys; nil as {}.
func appendStringMap(dst []byte, m map[string]string) []byte {
	if len(m) == 0 {
		return append(dst, "{}"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var w httpx.Object
	w.Begin(dst)
	for _, k := range keys {
		w.Str(k, m[k])
	}
	return w.End()
}

func appendServerImage(dst []byte, v *novalite.Server, o serverView, book string) []byte {
	if v.ImageRef == "" {
		return append(dst, `""`...)
	}
	var w httpx.Object
	w.Begin(dst)
	w.Str("id", v.ImageRef)
	w.Key("links")
	w.B = append(w.B, `[{"href":`...)
	w.B = httpx.AppendConcat(w.B, book, "/images/", v.ImageRef)
	w.B = append(w.B, `,"rel":"bookmark"}]`...)
	if o.mv.AtLeast(2, 98) {
		w.Key("properties")
		w.B = appendStringMap(w.B, v.ImageProperties)
	}
	return w.End()
}

// appendServerFlavor: a link to the flavor before 2.47, its snapshot from
// then on.
func appendServerFlavor(dst []byte, f novalite.FlavorSnapshot, o serverView, book string) []byte {
	var w httpx.Object
	w.Begin(dst)
	if !o.mv.AtLeast(2, 47) {
		w.Str("id", f.ID)
		w.Key("links")
		w.B = append(w.B, `[{"href":`...)
		w.B = httpx.AppendConcat(w.B, book, "/flavors/", f.ID)
		w.B = append(w.B, `,"rel":"bookmark"}]`...)
		return w.End()
	}
	w.Int("disk", int64(f.RootGB))
	w.Int("ephemeral", int64(f.EphemeralG))
	if o.extraSpecs {
		w.Key("extra_specs")
		w.B = appendStringMap(w.B, f.ExtraSpecs)
	}
	w.Str("original_name", f.Name)
	w.Int("ram", int64(f.MemoryMB))
	w.Int("swap", int64(f.SwapMB))
	w.Int("vcpus", int64(f.VCPUs))
	return w.End()
}

// appendServerAddresses groups the server's IPs by network (networks
// sorted, each network's addresses in port order); {} while building.
// extended adds the OS-EXT-IPS type and MAC.
func appendServerAddresses(dst []byte, s compute.ServerInfo, extended bool) []byte {
	if s.VMState == novalite.VMBuilding || len(s.Addresses) == 0 {
		return append(dst, "{}"...)
	}
	nets := make([]string, 0, 2)
	for _, ad := range s.Addresses {
		if !slices.Contains(nets, ad.Network) {
			nets = append(nets, ad.Network)
		}
	}
	slices.Sort(nets)
	var w httpx.Object
	w.Begin(dst)
	for _, n := range nets {
		w.Key(n)
		w.B = append(w.B, '[')
		first := true
		for _, ad := range s.Addresses {
			if ad.Network != n {
				continue
			}
			if !first {
				w.B = append(w.B, ',')
			}
			first = false
			var e httpx.Object
			e.Begin(w.B)
			if extended {
				e.Str("OS-EXT-IPS-MAC:mac_addr", ad.MAC)
				e.Str("OS-EXT-IPS:type", ad.Type)
			}
			e.Str("addr", ad.Addr)
			e.Int("version", int64(ad.Version))
			w.B = e.End()
		}
		w.B = append(w.B, ']')
	}
	return w.End()
}

// appendVolumesAttached: the server's volumes, delete_on_termination
// from 2.3.
func appendVolumesAttached(dst []byte, vols []novalite.BlockDeviceMapping, withDelete bool) []byte {
	dst = append(dst, '[')
	for i, b := range vols {
		if i > 0 {
			dst = append(dst, ',')
		}
		var w httpx.Object
		w.Begin(dst)
		if withDelete {
			w.Bool("delete_on_termination", b.DeleteOnTermination)
		}
		w.Str("id", b.VolumeID)
		dst = w.End()
	}
	return append(dst, ']')
}
