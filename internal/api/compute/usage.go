package compute

import (
	"net/http"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// os-simple-tenant-usage (nova/api/openstack/compute/simple_tenant_usage.py).

// usageTime is Nova's _parse_datetime: the three formats it accepts, UTC;
// absent means now.
func usageTime(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return now, nil
	}
	for _, f := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(f, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, novalite.Errorf(novalite.Invalid, "Invalid datetime string: Datetime is in invalid format")
}

// usagePeriod reads start, end (capped at now) and detailed.
func (a *API) usagePeriod(r *http.Request) (start, stop time.Time, detailed bool, err error) {
	q, now := r.URL.Query(), a.svc.Compute.Now()
	if start, err = usageTime(q.Get("start"), now); err != nil {
		return
	}
	if stop, err = usageTime(q.Get("end"), now); err != nil {
		return
	}
	if !start.Before(stop) {
		err = novalite.Errorf(novalite.Invalid, "Invalid start time. The start time cannot occur after the end time.")
		return
	}
	if stop.After(now) {
		stop = now
	}
	return start, stop, q.Get("detailed") == "1", nil
}

// serverUsageView is a server's usage in a detailed tenant usage.
type serverUsageView struct {
	EndedAt    *string `json:"ended_at"`
	Flavor     string  `json:"flavor"`
	Hours      float64 `json:"hours"`
	InstanceID string  `json:"instance_id"`
	LocalGB    int     `json:"local_gb"`
	MemoryMB   int     `json:"memory_mb"`
	Name       string  `json:"name"`
	StartedAt  string  `json:"started_at"`
	State      string  `json:"state"`
	TenantID   string  `json:"tenant_id"`
	Uptime     int64   `json:"uptime"`
	VCPUs      int     `json:"vcpus"`
}

func serverUsageViewOf(u compute.ServerUsage) serverUsageView {
	v, f := u.Server, u.Server.Flavor
	return serverUsageView{EndedAt: timeOrNil(u.EndedAt, novaTime), Flavor: f.Name, Hours: u.Hours, InstanceID: v.ID,
		LocalGB: f.RootGB + f.EphemeralG, MemoryMB: f.MemoryMB, Name: v.Name,
		StartedAt: v.LaunchedAt.UTC().Format(novaTime), State: u.State, TenantID: v.ProjectID,
		Uptime: u.UptimeSec, VCPUs: f.VCPUs}
}

// tenantUsageView is a project's usage over the period (Nova's floats).
type tenantUsageView struct {
	ServerUsages       Optional[[]serverUsageView] `json:"server_usages,omitzero"` // detailed
	Start              string                      `json:"start"`
	Stop               string                      `json:"stop"`
	TenantID           string                      `json:"tenant_id"`
	TotalHours         float64                     `json:"total_hours"`
	TotalLocalGBUsage  float64                     `json:"total_local_gb_usage"`
	TotalMemoryMBUsage float64                     `json:"total_memory_mb_usage"`
	TotalVCPUsUsage    float64                     `json:"total_vcpus_usage"`
}

func tenantUsageViewOf(t compute.TenantUsage, detailed bool) tenantUsageView {
	v := tenantUsageView{Start: t.Start.UTC().Format(novaTime), Stop: t.Stop.UTC().Format(novaTime),
		TenantID: t.ProjectID, TotalHours: t.Hours, TotalLocalGBUsage: t.LocalGB, TotalMemoryMBUsage: t.MemoryMB,
		TotalVCPUsUsage: t.VCPUs}
	if detailed {
		list := make([]serverUsageView, len(t.Servers))
		for i, u := range t.Servers {
			list[i] = serverUsageViewOf(u)
		}
		v.ServerUsages = some(list)
	}
	return v
}

// usagePage is limit/marker from 2.40, else every server.
func usagePage(r *http.Request) (page, bool, error) {
	if !requestMV(r).AtLeast(2, 40) {
		return page{Limit: maxLimit}, false, nil
	}
	p, err := readPage(r)
	return p, true, err
}

// usageMarker is the next page's marker after server u: the usage pages
// go by server, not by project.
func usageMarker(u compute.ServerUsage) string { return u.Server.ID }

// listTenantUsages is GET /os-simple-tenant-usage (admin): every
// project's usage over the period.
func (a *API) listTenantUsages(w http.ResponseWriter, r *http.Request) error {
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-simple-tenant-usage:list", policy.Target{}); err != nil {
		return err
	}
	start, stop, detailed, err := a.usagePeriod(r)
	if err != nil {
		return err
	}
	p, links, err := usagePage(r)
	if err != nil {
		return err
	}
	usages, servers, err := a.svc.Compute.TenantUsages(r.Context(), compute.UsageParams{Start: start, Stop: stop, Limit: p.Limit, Marker: p.Marker})
	if err != nil {
		return err
	}
	body := struct {
		Usages []tenantUsageView `json:"tenant_usages"`
		Links  []link            `json:"tenant_usages_links,omitempty"` // 2.40
	}{Usages: make([]tenantUsageView, len(usages))}
	for i, t := range usages {
		body.Usages[i] = tenantUsageViewOf(t, detailed)
	}
	if links {
		body.Links = nextLinks(a, r, "/os-simple-tenant-usage", p, servers, usageMarker)
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// showTenantUsage is GET /os-simple-tenant-usage/{id}: one project's
// usage with its servers ({} when it has none).
func (a *API) showTenantUsage(w http.ResponseWriter, r *http.Request) error {
	project := r.PathValue("id")
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-simple-tenant-usage:show",
		policy.Target{ProjectID: project}); err != nil {
		return err
	}
	start, stop, _, err := a.usagePeriod(r)
	if err != nil {
		return err
	}
	p, links, err := usagePage(r)
	if err != nil {
		return err
	}
	usages, servers, err := a.svc.Compute.TenantUsages(r.Context(), compute.UsageParams{Start: start, Stop: stop, ProjectID: project, Limit: p.Limit, Marker: p.Marker})
	if err != nil {
		return err
	}
	body := struct {
		Usage any    `json:"tenant_usage"`                 // a tenantUsageView, {} when the project had no servers
		Links []link `json:"tenant_usage_links,omitempty"` // 2.40
	}{Usage: struct{}{}}
	if len(usages) > 0 {
		body.Usage = tenantUsageViewOf(usages[0], true)
	}
	if links {
		body.Links = nextLinks(a, r, "/os-simple-tenant-usage/"+project, p, servers, usageMarker)
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}
