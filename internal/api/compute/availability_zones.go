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
	out := struct {
		Zones []zoneView `json:"availabilityZoneInfo"`
	}{make([]zoneView, len(zones))}
	for i, z := range zones {
		out.Zones[i] = zoneView{Name: z.Name}
		out.Zones[i].State.Available = z.Available
		if detail && z.Available {
			out.Zones[i].Hosts = zoneHosts(z)
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// zoneView is a zone: its hosts only in the detail, and only when
// available (else null).
type zoneView struct {
	Hosts map[string]map[string]zoneService `json:"hosts"` // host → binary → state
	Name  string                            `json:"zoneName"`
	State struct {
		Available bool `json:"available"`
	} `json:"zoneState"`
}

// zoneService is a service of a host in a zone's detail; updated_at in
// Nova's strtime form (microseconds, no zone) or null.
type zoneService struct {
	Active    bool    `json:"active"`
	Available bool    `json:"available"`
	UpdatedAt *string `json:"updated_at"`
}

// zoneHosts is a zone's hosts and their services.
func zoneHosts(z compute.Zone) map[string]map[string]zoneService {
	hosts := make(map[string]map[string]zoneService, len(z.Hosts))
	for _, h := range z.Hosts {
		svcs := make(map[string]zoneService, len(h.Services))
		for _, s := range h.Services {
			svcs[s.Binary] = zoneService{Active: s.Active, Available: s.Available,
				UpdatedAt: timeOrNil(s.UpdatedAt, "2006-01-02T15:04:05.000000")}
		}
		hosts[h.Name] = svcs
	}
	return hosts
}
