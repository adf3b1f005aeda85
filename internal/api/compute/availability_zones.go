package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// availabilityZones is GET /os-availability-zone: the zones of the
// compute hosts, without hosts (nova/api/openstack/compute/availability_zone.py);
// with detail, GET /os-availability-zone/detail (admin): the internal
// zone too, and each zone's hosts and services.
func (a *API) availabilityZones(w http.ResponseWriter, r *http.Request, detail bool) error {
	rule := "os_compute_api:os-availability-zone:list"
	if detail {
		rule = "os_compute_api:os-availability-zone:detail"
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{}); err != nil {
		return err
	}
	zones, err := a.svc.Compute.AvailabilityZones(r.Context(), detail)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(zones))
	for _, z := range zones {
		m := map[string]any{"zoneName": z.Name, "zoneState": map[string]any{"available": z.Available}, "hosts": nil}
		if detail && z.Available {
			m["hosts"] = zoneHosts(z)
		}
		out = append(out, m)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"availabilityZoneInfo": out})
	return nil
}

// zoneHosts renders {host: {binary: {available, active, updated_at}}};
// updated_at in Nova's strtime form (microseconds, no zone) or null.
func zoneHosts(z compute.Zone) map[string]any {
	hosts := make(map[string]any, len(z.Hosts))
	for _, h := range z.Hosts {
		svcs := make(map[string]any, len(h.Services))
		for _, s := range h.Services {
			var updated any
			if !s.UpdatedAt.IsZero() {
				updated = s.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000")
			}
			svcs[s.Binary] = map[string]any{"available": s.Available, "active": s.Active, "updated_at": updated}
		}
		hosts[h.Name] = svcs
	}
	return hosts
}
