package compute

import (
	"net/http"
	"net/netip"
	"unicode"
	"unicode/utf8"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// list is GET /servers (ids, names and links) and, with detail,
// GET /servers/detail.
func (a *API) list(w http.ResponseWriter, r *http.Request, detail bool) error {
	c := httpx.Caller(r.Context())
	rule, path := "os_compute_api:servers:index", "/servers"
	if detail {
		rule, path = "os_compute_api:servers:detail", "/servers/detail"
	}
	if err := policy.Authorize(c, rule, policy.Target{}); err != nil {
		return err
	}
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	p, empty, err := a.listQuery(r, detail, pg)
	if err != nil {
		return err
	}
	o := newServerView(r, "")
	p.Brief, p.HostStatus = !detail, detail && o.showsHostStatus()
	p.Columns = &novalite.ServerColumns{}
	if detail { // what appendServerDetail shows of them
		mv := o.mv
		p.Columns = &novalite.ServerColumns{UserData: o.extended && mv.AtLeast(2, 3), TrustedCerts: mv.AtLeast(2, 63),
			ImageProperties: mv.AtLeast(2, 98), SchedulerHints: mv.AtLeast(2, 100)}
	}
	var list []*compute.ServerInfo
	if !empty {
		if list, err = a.svc.Compute.ListServers(r.Context(), p); err != nil {
			return err
		}
	}
	bp := pageBufs.Get().(*[]byte)
	var b []byte
	if detail {
		b = a.appendServerDetails((*bp)[:0], r, list, o)
	} else {
		b = a.appendServerBriefs((*bp)[:0], r, list)
	}
	defer func() {
		if cap(b) <= 8<<20 {
			*bp = b[:0]
			pageBufs.Put(bp)
		}
	}()
	body := map[string]any{"servers": httpx.RawJSON(b)}
	addNextLinks(a, r, body, "servers_links", path, pg, list, func(s *compute.ServerInfo) string { return s.ID })
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// findServer looks a server up for the caller (404 first) and checks
// rule against its project (403 next), Nova's order.
func (a *API) findServer(r *http.Request, rule string) (compute.ServerInfo, error) {
	c := httpx.Caller(r.Context())
	s, err := a.svc.Compute.GetServer(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return s, err
	}
	return s, policy.Authorize(c, rule, policy.Target{ProjectID: s.ProjectID, UserID: s.UserID})
}

// findServerTarget is findServer for a request that needs no view of
// the server (a delete: it is gone next): the server's project and user
// alone are read for the policy check. It returns the server's id.
func (a *API) findServerTarget(r *http.Request, rule string) (string, error) {
	c := httpx.Caller(r.Context())
	id := r.PathValue("id")
	project, user, err := a.svc.Compute.ServerTarget(r.Context(), c, id)
	if err != nil {
		return id, err
	}
	return id, policy.Authorize(c, rule, policy.Target{ProjectID: project, UserID: user})
}

// showServer is GET /servers/{id}.
func (a *API) showServer(w http.ResponseWriter, r *http.Request) error {
	if requestMV(r).AtLeast(2, 102) && len(r.URL.Query()) > 0 {
		for k := range r.URL.Query() {
			return novalite.Errorf(novalite.Invalid, "Additional properties are not allowed ('%s' was unexpected)", k)
		}
	}
	s, err := a.findServer(r, "os_compute_api:servers:show")
	if err != nil {
		return err
	}
	o := newServerView(r, s.ProjectID)
	// Below 2.71 the view is a list's: both share a kept rendering.
	o.serverGroups = o.mv.AtLeast(2, 71)
	if err := a.fillHostStatus(r, &s, o); err != nil {
		return err
	}
	httpx.WriteAppended(w, http.StatusOK, func(b []byte) []byte {
		b = append(b, `{"server":`...)
		return append(a.appendKept(b, r, &s, a.newKeptView(r, o)), '}')
	})
	return nil
}

// validName is Nova's "name" format: printable characters, not starting
// or ending with whitespace.
func validName(field, s string) error {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	bad := s != "" && (unicode.IsSpace(first) || unicode.IsSpace(last))
	for _, r := range s {
		bad = bad || !(unicode.IsPrint(r) || unicode.IsSpace(r))
	}
	if bad {
		return novalite.Errorf(novalite.Invalid,
			"An invalid '%s' value was provided. The name must be: printable characters. Can not start or end with whitespace.", field)
	}
	return nil
}

// updateRequest is the body of PUT /servers/{id}.
type updateRequest struct {
	Server struct {
		Name        Optional[string] `json:"name"`
		Description Nullable[string] `json:"description"` // 2.19
		Hostname    Optional[string] `json:"hostname"`    // 2.90
		AccessIPv4  Optional[string] `json:"accessIPv4"`
		AccessIPv6  Optional[string] `json:"accessIPv6"`
		DiskConfig  Optional[string] `json:"OS-DCF:diskConfig"`
		PinnedAZ    Nullable[string] `json:"pinned_availability_zone"` // 2.104
	} `json:"server"`
}

// updateServer is PUT /servers/{id}: no lock or state check.
func (a *API) updateServer(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	req, err := decodeRequest[updateRequest](r, schemaFor("update", mv, updateSchemaDoc))
	if err != nil {
		return err
	}
	srv := req.Server
	if err := validName("name", srv.Name.Value); err != nil {
		return err
	}
	s, err := a.findServer(r, "os_compute_api:servers:update")
	if err != nil {
		return err
	}
	p := compute.UpdateServerParams{Name: srv.Name.Ptr(), Hostname: srv.Hostname.Ptr(),
		Description: srv.Description.Change(), PinnedAZ: srv.PinnedAZ.Change(), AutoDiskConfig: diskConfig(srv.DiskConfig),
		AccessIPv4: canonicalIPChange(srv.AccessIPv4), AccessIPv6: canonicalIPChange(srv.AccessIPv6)}
	c := httpx.Caller(r.Context())
	updated, err := a.svc.Compute.UpdateServer(r.Context(), c, s.ID, p)
	if err != nil {
		return err
	}
	o := newServerView(r, s.ProjectID)
	o.serverGroups = true
	if !mv.AtLeast(2, 75) {
		o.full, o.extended, o.hostStatus = false, false, 0
	}
	if err := a.fillHostStatus(r, &updated, o); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"server": a.serverDetail(r, updated, o)})
	return nil
}

// deleteServer is DELETE /servers/{id}.
func (a *API) deleteServer(w http.ResponseWriter, r *http.Request) error {
	id, err := a.findServerTarget(r, "os_compute_api:servers:delete")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteServer(r.Context(), httpx.Caller(r.Context()), id); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

// canonicalIP is how Nova stores accessIPv4/accessIPv6 (its IP address
// object fields): the address's canonical text, e.g.
// "0000:0000:0000:0000:0000:babe:220.12.22.2" becomes "::babe:dc0c:1602".
// Anything that does not parse is kept as given.
// canonicalIPChange is an access IP an update or rebuild sets, in
// canonical form; nil when it sets none.
func canonicalIPChange(o Optional[string]) *string {
	if !o.Set {
		return nil
	}
	return new(canonicalIP(o.Value))
}

func canonicalIP(s string) string {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	return s
}
