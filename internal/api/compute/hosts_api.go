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

// hostView is a service of a host in GET /os-hosts.
type hostView struct {
	HostName string `json:"host_name"`
	Service  string `json:"service"`
	Zone     string `json:"zone"`
}

// hostResource is a line of GET /os-hosts/{id}: the host's total, used
// now and used by its servers, then each project's use.
type hostResource struct {
	Resource struct {
		CPU      int64  `json:"cpu"`
		DiskGB   int64  `json:"disk_gb"`
		Host     string `json:"host"`
		MemoryMB int64  `json:"memory_mb"`
		Project  string `json:"project"`
	} `json:"resource"`
}

// hostChanged is the answer of PUT /os-hosts/{id}: what was asked.
type hostChanged struct {
	Host            string           `json:"host"`
	MaintenanceMode Optional[string] `json:"maintenance_mode,omitzero"`
	Status          Optional[string] `json:"status,omitzero"`
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
	out := struct {
		Hosts []hostView `json:"hosts"`
	}{[]hostView{}}
	for _, s := range list {
		if s.Disabled || (zone != "" && s.Zone != zone) {
			continue
		}
		out.Hosts = append(out.Hosts, hostView{HostName: s.Host, Service: strings.TrimPrefix(s.Binary, "nova-"), Zone: s.Zone})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
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
	res := func(project string, cpu, mem, disk int64) hostResource {
		var v hostResource
		v.Resource.CPU, v.Resource.DiskGB, v.Resource.Host = cpu, disk, host
		v.Resource.MemoryMB, v.Resource.Project = mem, project
		return v
	}
	out := []hostResource{res("(total)", n.Total.VCPUs, n.Total.MemoryMB, n.Total.DiskGB),
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
	httpx.WriteJSON(w, http.StatusOK, struct {
		Host []hostResource `json:"host"`
	}{out})
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
	}](r, schemaFor("host-update", requestMV(r), hostUpdateSchemaDoc))
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
	out := hostChanged{Host: host}
	if s := body.Status; s.Set {
		out.Status = some(map[bool]string{true: "enabled", false: "disabled"}[strings.ToLower(s.Value) == "enable"])
	}
	if s := body.MaintenanceMode; s.Set {
		out.MaintenanceMode = some(map[bool]string{true: "on_maintenance", false: "off_maintenance"}[strings.ToLower(s.Value) == "enable"])
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
		httpx.WriteJSON(w, http.StatusOK, struct {
			Host        string `json:"host"`
			PowerAction string `json:"power_action"`
		}{host, action})
		return nil
	}
}
