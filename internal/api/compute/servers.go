package compute

import (
	"net/http"
	"net/netip"
	"unicode"
	"unicode/utf8"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// listServers is GET /servers: ids, names and links.
func (a *API) listServers(w http.ResponseWriter, r *http.Request) error {
	return a.list(w, r, false)
}

// listServersDetail is GET /servers/detail.
func (a *API) listServersDetail(w http.ResponseWriter, r *http.Request) error {
	return a.list(w, r, true)
}

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
	var list []compute.ServerInfo
	if !empty {
		if list, err = a.svc.Compute.ListServers(r.Context(), p); err != nil {
			return err
		}
	}
	out := make([]map[string]any, len(list))
	o := newServerView(r, "")
	for i, s := range list {
		if detail {
			out[i] = a.serverDetail(r, s, o)
		} else {
			out[i] = a.serverBrief(r, s.Server)
		}
	}
	body := map[string]any{"servers": out}
	last := ""
	if len(list) > 0 {
		last = list[len(list)-1].ID
	}
	if links := a.nextLinks(r, path, pg, len(list), last); links != nil {
		body["servers_links"] = links
	}
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

// showServer is GET /servers/{id}.
func (a *API) showServer(w http.ResponseWriter, r *http.Request) error {
	if MV(r).AtLeast(2, 102) && len(r.URL.Query()) > 0 {
		for k := range r.URL.Query() {
			return novalite.Errorf(novalite.Invalid, "Additional properties are not allowed ('%s' was unexpected)", k)
		}
	}
	s, err := a.findServer(r, "os_compute_api:servers:show")
	if err != nil {
		return err
	}
	o := newServerView(r, s.ProjectID)
	o.serverGroups = true
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"server": a.serverDetail(r, s, o)})
	return nil
}

// decodeBody reads a JSON body and validates it against sch.
func decodeBody(r *http.Request, sch *schema.Schema) (map[string]any, error) {
	var raw any
	if _, err := httpx.ReadBody(r, &raw, "Malformed request body"); err != nil {
		return nil, err
	}
	b, err := jsonBytes(raw)
	if err != nil {
		return nil, err
	}
	doc, err := schema.Decode(b)
	if err != nil {
		return nil, novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	if err := sch.Validate(doc); err != nil {
		return nil, err
	}
	m, _ := doc.(map[string]any)
	return m, nil
}

// validName is Nova's "name" format: printable characters, not starting
// or ending with whitespace.
func validName(field string, v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
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

// updateServer is PUT /servers/{id}: no lock or state check.
func (a *API) updateServer(w http.ResponseWriter, r *http.Request) error {
	mv := MV(r)
	body, err := decodeBody(r, schemaFor("update", mv, updateSchemaDoc))
	if err != nil {
		return err
	}
	srv, _ := body["server"].(map[string]any)
	if err := validName("name", srv["name"]); err != nil {
		return err
	}
	s, err := a.findServer(r, "os_compute_api:servers:update")
	if err != nil {
		return err
	}
	var p compute.UpdateServerParams
	str := func(k string) *string {
		if v, ok := srv[k].(string); ok {
			return &v
		}
		return nil
	}
	nullable := func(k string) **string {
		v, ok := srv[k]
		if !ok {
			return nil
		}
		var sp *string
		if s, ok := v.(string); ok {
			sp = &s
		}
		return &sp
	}
	p.Name, p.Hostname, p.AccessIPv4, p.AccessIPv6 = str("name"), str("hostname"), str("accessIPv4"), str("accessIPv6")
	for _, ip := range []*string{p.AccessIPv4, p.AccessIPv6} {
		if ip != nil {
			*ip = canonicalIP(*ip)
		}
	}
	p.Description, p.PinnedAZ = nullable("description"), nullable("pinned_availability_zone")
	if d := str("OS-DCF:diskConfig"); d != nil {
		auto := *d == "AUTO"
		p.AutoDiskConfig = &auto
	}
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
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"server": a.serverDetail(r, updated, o)})
	return nil
}

// deleteServer is DELETE /servers/{id}.
func (a *API) deleteServer(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:servers:delete")
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := a.svc.Compute.DeleteServer(r.Context(), c, s.ID, httpx.RequestID(r.Context())); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

// canonicalIP is how Nova stores accessIPv4/accessIPv6 (its IP address
// object fields): the address's canonical text, e.g.
// "0000:0000:0000:0000:0000:babe:220.12.22.2" becomes "::babe:dc0c:1602".
// Anything that does not parse is kept as given.
func canonicalIP(s string) string {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	return s
}
