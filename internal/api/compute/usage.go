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

func serverUsageView(u compute.ServerUsage) map[string]any {
	v, f := u.Server, u.Server.Flavor
	var ended any
	if !u.EndedAt.IsZero() {
		ended = u.EndedAt.UTC().Format(novaTime)
	}
	return map[string]any{"ended_at": ended, "flavor": f.Name, "hours": u.Hours, "instance_id": v.ID,
		"local_gb": f.RootGB + f.EphemeralG, "memory_mb": f.MemoryMB, "name": v.Name,
		"started_at": v.LaunchedAt.UTC().Format(novaTime), "state": u.State, "tenant_id": v.ProjectID,
		"uptime": u.UptimeSec, "vcpus": f.VCPUs}
}

func tenantUsageView(t compute.TenantUsage, detailed bool) map[string]any {
	v := map[string]any{"tenant_id": t.ProjectID, "start": t.Start.UTC().Format(novaTime),
		"stop": t.Stop.UTC().Format(novaTime), "total_hours": t.Hours, "total_local_gb_usage": t.LocalGB,
		"total_memory_mb_usage": t.MemoryMB, "total_vcpus_usage": t.VCPUs}
	if detailed {
		list := make([]map[string]any, len(t.Servers))
		for i, u := range t.Servers {
			list[i] = serverUsageView(u)
		}
		v["server_usages"] = list
	}
	return v
}

// usagePage is limit/marker from 2.40, else every server.
func usagePage(r *http.Request) (page, bool, error) {
	if !MV(r).AtLeast(2, 40) {
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
	out := make([]map[string]any, len(usages))
	for i, t := range usages {
		out[i] = tenantUsageView(t, detailed)
	}
	body := map[string]any{"tenant_usages": out}
	if links {
		addNextLinks(a, r, body, "tenant_usages_links", "/os-simple-tenant-usage", p, servers, usageMarker)
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
	usage := map[string]any{}
	if len(usages) > 0 {
		usage = tenantUsageView(usages[0], true)
	}
	body := map[string]any{"tenant_usage": usage}
	if links {
		addNextLinks(a, r, body, "tenant_usage_links", "/os-simple-tenant-usage/"+project, p, servers, usageMarker)
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}
