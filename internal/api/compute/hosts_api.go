package compute

import (
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/policy"
)

// os-hosts (nova/api/openstack/compute/hosts.py), removed at 2.43.

func authorizeHosts(r *http.Request, action string) error {
	return policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-hosts:"+action, policy.Target{})
}

// hostNotMapped is Nova's HostMappingNotFound: only compute hosts are
// mapped to a cell.
func hostNotMapped(host string) error {
	return novalite.Errorf(novalite.NotFound, "Host '%s' is not mapped to any cell", host)
}

// listHosts is GET /os-hosts: one entry per enabled service, filtered by
// zone.
func (a *API) listHosts(w http.ResponseWriter, r *http.Request) error {
	if err := authorizeHosts(r, "list"); err != nil {
		return err
	}
	list, err := a.svc.Compute.Services(r.Context())
	if err != nil {
		return err
	}
	zone := r.URL.Query().Get("zone")
	out := []map[string]any{}
	for _, s := range list {
		if s.Disabled || (zone != "" && s.Zone != zone) {
			continue
		}
		out = append(out, map[string]any{"host_name": s.Host, "service": strings.TrimPrefix(s.Binary, "nova-"), "zone": s.Zone})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"hosts": out})
	return nil
}

// showHost is GET /os-hosts/{id}: the host's total and used resources,
// then what its servers use, in total and per project.
func (a *API) showHost(w http.ResponseWriter, r *http.Request) error {
	if err := authorizeHosts(r, "show"); err != nil {
		return err
	}
	host := r.PathValue("id")
	n, err := a.hostNode(r, host)
	if err != nil {
		return err
	}
	servers, err := a.svc.Compute.ServersOnHosts(r.Context(), []string{host})
	if err != nil {
		return err
	}
	res := func(project string, cpu, mem, disk int64) map[string]any {
		return map[string]any{"resource": map[string]any{"host": host, "project": project, "cpu": cpu,
			"memory_mb": mem, "disk_gb": disk}}
	}
	out := []map[string]any{res("(total)", n.Total.VCPUs, n.Total.MemoryMB, n.Total.DiskGB),
		res("(used_now)", n.Used.VCPUs, n.Used.MemoryMB, n.Used.DiskGB)}
	type sum struct{ cpu, mem, disk int64 }
	var all sum
	var order []string
	by := map[string]*sum{}
	for _, v := range servers[host] {
		f := v.Flavor
		add := sum{int64(f.VCPUs), int64(f.MemoryMB), int64(f.RootGB + f.EphemeralG)}
		all.cpu, all.mem, all.disk = all.cpu+add.cpu, all.mem+add.mem, all.disk+add.disk
		p := by[v.ProjectID]
		if p == nil {
			p = &sum{}
			by[v.ProjectID] = p
			order = append(order, v.ProjectID)
		}
		p.cpu, p.mem, p.disk = p.cpu+add.cpu, p.mem+add.mem, p.disk+add.disk
	}
	out = append(out, res("(used_max)", all.cpu, all.mem, all.disk))
	for _, p := range order {
		out = append(out, res(p, by[p].cpu, by[p].mem, by[p].disk))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"host": out})
	return nil
}

// hostNode is the compute host named host (Nova's 404 otherwise).
func (a *API) hostNode(r *http.Request, host string) (novalite.ComputeNode, error) {
	nodes, err := a.svc.Compute.ComputeHosts(r.Context())
	if err != nil {
		return novalite.ComputeNode{}, err
	}
	for _, n := range nodes {
		if n.Host == host {
			return n, nil
		}
	}
	return novalite.ComputeNode{}, hostNotMapped(host)
}

func hostUpdateSchemaDoc(microversion.Version) obj {
	mode := obj{"type": "string", "enum": []any{"enable", "disable", "Enable", "Disable", "ENABLE", "DISABLE"}}
	return obj{"type": "object", "properties": obj{"status": mode, "maintenance_mode": mode},
		"anyOf":                []any{obj{"required": []any{"status"}}, obj{"required": []any{"maintenance_mode"}}},
		"additionalProperties": false}
}

// updateHost is PUT /os-hosts/{id}: the fake driver answers the enabled
// state and maintenance mode asked for without changing anything.
func (a *API) updateHost(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeRequest[struct {
		Status          Optional[string] `json:"status"`
		MaintenanceMode Optional[string] `json:"maintenance_mode"`
	}](r, schemaFor("host-update", MV(r), hostUpdateSchemaDoc))
	if err != nil {
		return err
	}
	if err := authorizeHosts(r, "update"); err != nil {
		return err
	}
	host := r.PathValue("id")
	if _, err := a.hostNode(r, host); err != nil {
		return err
	}
	out := map[string]any{"host": host}
	if s := body.Status; s.Set {
		out["status"] = map[bool]string{true: "enabled", false: "disabled"}[strings.ToLower(s.Value) == "enable"]
	}
	if s := body.MaintenanceMode; s.Set {
		out["maintenance_mode"] = map[bool]string{true: "on_maintenance", false: "off_maintenance"}[strings.ToLower(s.Value) == "enable"]
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// hostPowerAction is GET /os-hosts/{id}/{reboot,shutdown,startup}: the
// fake driver echoes the action.
func (a *API) hostPowerAction(action, rule string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := authorizeHosts(r, rule); err != nil {
			return err
		}
		host := r.PathValue("id")
		if _, err := a.hostNode(r, host); err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"host": host, "power_action": action})
		return nil
	}
}
