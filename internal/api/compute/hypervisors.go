package compute

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// What a host shows of its CPU (nova/virt/fake.py's; the QEMU driver
// reports the same shape) and its address (every host is on loopback).
const (
	hypervisorHostIP = "127.0.0.1"
	fakeCPUInfo      = `{"arch": "x86_64", "model": "Nehalem", "vendor": "Intel", "features": ["pge", "clflush"], ` +
		`"topology": {"cores": 1, "threads": 1, "sockets": 4}}`
)

// hypervisorID is the id a hypervisor shows: its uuid from 2.53.
func hypervisorID(mv microversion.Version, n novalite.ComputeNode) any {
	if mv.AtLeast(2, 53) {
		return n.UUID
	}
	return n.ID
}

// hypervisorView is Nova's _view_hypervisor (hypervisors.py): the brief
// fields, the detail ones, and until 2.87 the resources.
type hypervisorView struct {
	CPUInfo            Optional[any]                `json:"cpu_info,omitzero"` // text, an object from 2.28
	CurrentWorkload    Optional[int]                `json:"current_workload,omitzero"`
	DiskAvailableLeast Optional[int64]              `json:"disk_available_least,omitzero"`
	FreeDiskGB         Optional[int64]              `json:"free_disk_gb,omitzero"`
	FreeRAMMB          Optional[int64]              `json:"free_ram_mb,omitzero"`
	HostIP             Optional[string]             `json:"host_ip,omitzero"`
	HypervisorHostname string                       `json:"hypervisor_hostname"`
	HypervisorType     Optional[string]             `json:"hypervisor_type,omitzero"`
	HypervisorVersion  Optional[int]                `json:"hypervisor_version,omitzero"`
	ID                 any                          `json:"id"` // the integer id, its uuid from 2.53
	LocalGB            Optional[int64]              `json:"local_gb,omitzero"`
	LocalGBUsed        Optional[int64]              `json:"local_gb_used,omitzero"`
	MemoryMB           Optional[int64]              `json:"memory_mb,omitzero"`
	MemoryMBUsed       Optional[int64]              `json:"memory_mb_used,omitzero"`
	RunningVMs         Optional[int]                `json:"running_vms,omitzero"`
	Servers            Optional[[]hypervisorServer] `json:"servers,omitzero"`
	Service            Optional[hypervisorService]  `json:"service,omitzero"`
	State              string                       `json:"state"`
	Status             string                       `json:"status"`
	Uptime             Optional[*string]            `json:"uptime,omitzero"` // 2.88 (null when down), and GET .../uptime
	VCPUs              Optional[int64]              `json:"vcpus,omitzero"`
	VCPUsUsed          Optional[int64]              `json:"vcpus_used,omitzero"`
}

// hypervisorService is a hypervisor's nova-compute service.
type hypervisorService struct {
	DisabledReason *string `json:"disabled_reason"`
	Host           string  `json:"host"`
	ID             any     `json:"id"` // the integer id, its uuid from 2.53
}

// hypervisorServer is a server on a hypervisor (with_servers).
type hypervisorServer struct {
	Name string `json:"name"`
	UUID string `json:"uuid"`
}

// cpuInfoObject is fakeCPUInfo as the object 2.28 shows: keys sorted, as
// json.Marshal wrote the map Nova's view decodes it into.
var cpuInfoObject = func() json.RawMessage {
	var v any
	_ = json.Unmarshal([]byte(fakeCPUInfo), &v)
	b, _ := json.Marshal(v)
	return b
}()

// hypervisorViewOf is the view of n at the request's microversion.
func (a *API) hypervisorViewOf(r *http.Request, n novalite.ComputeNode, detail bool, servers []novalite.Server, withServers bool) hypervisorView {
	mv := requestMV(r)
	now := a.svc.Compute.Now()
	svc := a.svc.Compute.ComputeServiceOf(n, now)
	v := hypervisorView{ID: hypervisorID(mv, n), HypervisorHostname: n.HypervisorName,
		State:  map[bool]string{true: "up", false: "down"}[svc.Up],
		Status: map[bool]string{true: "disabled", false: "enabled"}[n.Disabled]}
	if detail {
		v.HypervisorType, v.HypervisorVersion = some(n.HypervisorType), some(n.HypervisorVersion)
		v.HostIP = some(hypervisorHostIP)
		var sid any = svc.ID
		if mv.AtLeast(2, 53) {
			sid = svc.UUID
		}
		v.Service = some(hypervisorService{DisabledReason: nilIfEmpty(n.DisabledReason), Host: n.Host, ID: sid})
		if !mv.AtLeast(2, 88) {
			v.setResources(mv, n, len(servers))
		} else {
			var up *string
			if svc.Up {
				s := compute.HostUptime(n, now)
				up = &s
			}
			v.Uptime = some(up)
		}
	}
	if withServers && (len(servers) > 0 || mv.AtLeast(2, 75)) {
		list := make([]hypervisorServer, len(servers))
		for i, s := range servers {
			list[i] = hypervisorServer{Name: s.Name, UUID: s.ID}
		}
		v.Servers = some(list)
	}
	return v
}

// setResources fills the resource fields a hypervisor shows until 2.87.
func (v *hypervisorView) setResources(mv microversion.Version, n novalite.ComputeNode, running int) {
	freeRAM, freeDisk := n.Total.MemoryMB-n.Used.MemoryMB, n.Total.DiskGB-n.Used.DiskGB
	v.VCPUs, v.MemoryMB, v.LocalGB = some(n.Total.VCPUs), some(n.Total.MemoryMB), some(n.Total.DiskGB)
	v.VCPUsUsed, v.MemoryMBUsed, v.LocalGBUsed = some(n.Used.VCPUs), some(n.Used.MemoryMB), some(n.Used.DiskGB)
	v.FreeRAMMB, v.FreeDiskGB, v.DiskAvailableLeast = some(freeRAM), some(freeDisk), some(freeDisk)
	v.CurrentWorkload, v.RunningVMs = some(0), some(running)
	if mv.AtLeast(2, 28) {
		v.CPUInfo = some[any](cpuInfoObject)
	} else {
		v.CPUInfo = some[any](fakeCPUInfo)
	}
}

// hypervisors is GET /os-hypervisors and, with detail,
// GET /os-hypervisors/detail.
func (a *API) hypervisors(w http.ResponseWriter, r *http.Request, detail bool) error {
	mv := requestMV(r)
	rule := "os_compute_api:os-hypervisors:list"
	if detail {
		rule = "os_compute_api:os-hypervisors:list-detail"
	}
	if mv.AtLeast(2, 53) {
		if err := schemaFor("hypervisors-query", mv, hypervisorsQuery(true)).ValidateQuery(queryDoc(r)); err != nil {
			return err
		}
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{}); err != nil {
		return err
	}
	hq, err := readHypervisorQuery(r, mv)
	if err != nil {
		return err
	}
	nodes, err := a.svc.Compute.ComputeHosts(r.Context())
	if err != nil {
		return err
	}
	if nodes, err = pickNodes(mv, nodes, hq); err != nil {
		return err
	}
	out, err := a.hypervisorViews(r, nodes, detail, hq.withServers)
	if err != nil {
		return err
	}
	body := hypervisorList{Hypervisors: out}
	if p := hq.page; hq.paged && len(nodes) > 0 {
		path := "/os-hypervisors"
		if detail {
			path += "/detail"
		}
		body.Links = nextLinks(a, r, path, p, nodes, func(n novalite.ComputeNode) string {
			return strings.Trim(jsonString(hypervisorID(mv, n)), `"`)
		})
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// hypervisorList is the body of the hypervisor lists.
type hypervisorList struct {
	Hypervisors []hypervisorView `json:"hypervisors"`
	Links       []link           `json:"hypervisors_links,omitempty"` // 2.33
}

// hypervisorBody is the body of one hypervisor.
type hypervisorBody struct {
	Hypervisor hypervisorView `json:"hypervisor"`
}

// hypervisorsQuery is Nova's query schema from 2.53 of the list (list)
// or of one hypervisor (nova/api/openstack/compute/schemas/hypervisors.py):
// one value each, with_servers one of the boolean type's words, no other
// parameter.
func hypervisorsQuery(list bool) func(microversion.Version) obj {
	return func(microversion.Version) obj {
		props := obj{"with_servers": singleParam(pBoolean)}
		if list {
			props["limit"] = singleParam(obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]*$", "minimum": 0, "minLength": 1})
			props["marker"] = singleParam(obj{"type": "string"})
			props["hypervisor_hostname_pattern"] = singleParam(pFQDN)
		}
		return obj{"type": "object", "properties": props, "additionalProperties": false}
	}
}

// withServersParam is with_servers, checked by the query schema: Nova reads
// it with bool_from_string(strict=True), which takes every word the
// schema lets through.
func withServersParam(q url.Values) bool {
	b, _ := novalite.BoolFromString(q.Get("with_servers"))
	return b
}

// hypervisorQuery is the list's query: a page from 2.33, a hostname
// pattern (never paged) and with_servers from 2.53.
type hypervisorQuery struct {
	page        page
	paged       bool
	pattern     *string
	withServers bool
}

func readHypervisorQuery(r *http.Request, mv microversion.Version) (hq hypervisorQuery, err error) {
	q := r.URL.Query()
	hq.page, hq.paged = page{Limit: maxLimit}, mv.AtLeast(2, 33)
	if hq.paged {
		if hq.page, err = readPage(r); err != nil {
			return hq, err
		}
	}
	if !mv.AtLeast(2, 53) {
		return hq, nil
	}
	if vs, ok := q["hypervisor_hostname_pattern"]; ok {
		hq.pattern = &vs[len(vs)-1]
	}
	hq.withServers = withServersParam(q)
	if hq.pattern != nil {
		if q.Has("limit") || hq.page.Marker != "" {
			return hq, novalite.Errorf(novalite.Invalid, "Paging over hypervisors with the hypervisor_hostname_pattern "+
				"query parameter is not supported.")
		}
		hq.paged = false
	}
	return hq, nil
}

// pickNodes is what the query asks for of nodes: those matching the
// pattern, else the page after the marker in id order.
func pickNodes(mv microversion.Version, nodes []novalite.ComputeNode, hq hypervisorQuery) ([]novalite.ComputeNode, error) {
	if hq.pattern != nil {
		if nodes = compute.MatchHypervisors(nodes, *hq.pattern); len(nodes) == 0 {
			return nil, novalite.Errorf(novalite.NotFound, "No hypervisor matching '%s' could be found.", *hq.pattern)
		}
		return nodes, nil
	}
	sortNodesByID(nodes)
	if m := hq.page.Marker; m != "" {
		i := indexNode(mv, nodes, m)
		if i < 0 {
			return nil, novalite.Errorf(novalite.Invalid, "marker [%s] not found", m)
		}
		nodes = nodes[i+1:]
	}
	return nodes[:min(len(nodes), hq.page.Limit)], nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sortNodesByID(nodes []novalite.ComputeNode) {
	for i := 1; i < len(nodes); i++ {
		for j := i; j > 0 && nodes[j].ID < nodes[j-1].ID; j-- {
			nodes[j], nodes[j-1] = nodes[j-1], nodes[j]
		}
	}
}

func indexNode(mv microversion.Version, nodes []novalite.ComputeNode, id string) int {
	for i, n := range nodes {
		if (mv.AtLeast(2, 53) && n.UUID == id) || (!mv.AtLeast(2, 53) && strconv.FormatInt(n.ID, 10) == id) {
			return i
		}
	}
	return -1
}

// findHypervisor resolves {id} (integer below 2.53, uuid from 2.53).
func (a *API) findHypervisor(r *http.Request) (novalite.ComputeNode, error) {
	mv, id := requestMV(r), r.PathValue("id")
	notFound := novalite.Errorf(novalite.NotFound, "Hypervisor with ID '%s' could not be found.", id)
	if mv.AtLeast(2, 53) {
		if _, err := uuid.Parse(id); err != nil {
			return novalite.ComputeNode{}, novalite.Errorf(novalite.Invalid, "Invalid uuid %s", id)
		}
	} else if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return novalite.ComputeNode{}, notFound
	}
	nodes, err := a.svc.Compute.ComputeHosts(r.Context())
	if err != nil {
		return novalite.ComputeNode{}, err
	}
	if i := indexNode(mv, nodes, strings.ToLower(id)); i >= 0 {
		return nodes[i], nil
	}
	return novalite.ComputeNode{}, notFound
}

// showHypervisor is GET /os-hypervisors/{id}.
func (a *API) showHypervisor(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	listServers := false
	if mv.AtLeast(2, 53) {
		if err := schemaFor("hypervisor-query", mv, hypervisorsQuery(false)).ValidateQuery(queryDoc(r)); err != nil {
			return err
		}
		listServers = withServersParam(r.URL.Query())
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-hypervisors:show", policy.Target{}); err != nil {
		return err
	}
	n, err := a.findHypervisor(r)
	if err != nil {
		return err
	}
	servers, err := a.svc.Compute.ServersOnHosts(r.Context(), []string{n.Host})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hypervisorBody{a.hypervisorViewOf(r, n, true, servers[n.Host], listServers)})
	return nil
}

// showHypervisorUptime is GET /os-hypervisors/{id}/uptime (≤2.87): the
// simulated host's `uptime` line; a host that is down cannot answer (400).
func (a *API) showHypervisorUptime(w http.ResponseWriter, r *http.Request) error {
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-hypervisors:uptime", policy.Target{}); err != nil {
		return err
	}
	n, err := a.findHypervisor(r)
	if err != nil {
		return err
	}
	now := a.svc.Compute.Now()
	if !a.svc.Compute.ComputeServiceOf(n, now).Up {
		return novalite.Errorf(novalite.Invalid, "Compute service of %s is unavailable at this time.", n.Host)
	}
	v := a.hypervisorViewOf(r, n, false, nil, false)
	up := compute.HostUptime(n, now)
	v.Uptime = some(&up)
	httpx.WriteJSON(w, http.StatusOK, hypervisorBody{v})
	return nil
}

// searchHypervisors is GET /os-hypervisors/{pattern}/search (≤2.52).
func (a *API) searchHypervisors(w http.ResponseWriter, r *http.Request) error {
	return a.hypervisorsMatching(w, r, "os_compute_api:os-hypervisors:search", false)
}

// hypervisorServers is GET /os-hypervisors/{pattern}/servers (≤2.52).
func (a *API) hypervisorServers(w http.ResponseWriter, r *http.Request) error {
	return a.hypervisorsMatching(w, r, "os_compute_api:os-hypervisors:servers", true)
}

// hypervisorViews renders nodes, loading their servers (one query) when
// the detail or the server list needs them.
func (a *API) hypervisorViews(r *http.Request, nodes []novalite.ComputeNode, detail, withServers bool) ([]hypervisorView, error) {
	servers := map[string][]novalite.Server{}
	if detail || withServers {
		hosts := make([]string, len(nodes))
		for i, n := range nodes {
			hosts[i] = n.Host
		}
		var err error
		if servers, err = a.svc.Compute.ServersOnHosts(r.Context(), hosts); err != nil {
			return nil, err
		}
	}
	out := make([]hypervisorView, len(nodes))
	for i, n := range nodes {
		out[i] = a.hypervisorViewOf(r, n, detail, servers[n.Host], withServers)
	}
	return out, nil
}

func (a *API) hypervisorsMatching(w http.ResponseWriter, r *http.Request, rule string, withServers bool) error {
	if err := policy.Authorize(httpx.Caller(r.Context()), rule, policy.Target{}); err != nil {
		return err
	}
	nodes, err := a.svc.Compute.ComputeHosts(r.Context())
	if err != nil {
		return err
	}
	pattern := r.PathValue("id")
	if nodes = compute.MatchHypervisors(nodes, pattern); len(nodes) == 0 {
		return novalite.Errorf(novalite.NotFound, "No hypervisor matching '%s' could be found.", pattern)
	}
	out, err := a.hypervisorViews(r, nodes, false, withServers)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, hypervisorList{Hypervisors: out})
	return nil
}

// showHypervisorStatistics is GET /os-hypervisors/statistics (≤2.87).
func (a *API) showHypervisorStatistics(w http.ResponseWriter, r *http.Request) error {
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-hypervisors:statistics", policy.Target{}); err != nil {
		return err
	}
	nodes, err := a.svc.Compute.ComputeHosts(r.Context())
	if err != nil {
		return err
	}
	hosts := make([]string, len(nodes))
	for i, n := range nodes {
		hosts[i] = n.Host
	}
	servers, err := a.svc.Compute.ServersOnHosts(r.Context(), hosts)
	if err != nil {
		return err
	}
	var total, used novalite.Resources
	running := 0
	for _, n := range nodes {
		total.VCPUs += n.Total.VCPUs
		total.MemoryMB += n.Total.MemoryMB
		total.DiskGB += n.Total.DiskGB
		used.VCPUs += n.Used.VCPUs
		used.MemoryMB += n.Used.MemoryMB
		used.DiskGB += n.Used.DiskGB
		running += len(servers[n.Host])
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Statistics hypervisorStatistics `json:"hypervisor_statistics"`
	}{hypervisorStatistics{Count: len(nodes), DiskAvailableLeast: total.DiskGB - used.DiskGB,
		FreeDiskGB: total.DiskGB - used.DiskGB, FreeRAMMB: total.MemoryMB - used.MemoryMB, LocalGB: total.DiskGB,
		LocalGBUsed: used.DiskGB, MemoryMB: total.MemoryMB, MemoryMBUsed: used.MemoryMB, RunningVMs: running,
		VCPUs: total.VCPUs, VCPUsUsed: used.VCPUs}})
	return nil
}

// hypervisorStatistics is the sum over every hypervisor (≤2.87).
type hypervisorStatistics struct {
	Count              int   `json:"count"`
	CurrentWorkload    int   `json:"current_workload"` // always 0
	DiskAvailableLeast int64 `json:"disk_available_least"`
	FreeDiskGB         int64 `json:"free_disk_gb"`
	FreeRAMMB          int64 `json:"free_ram_mb"`
	LocalGB            int64 `json:"local_gb"`
	LocalGBUsed        int64 `json:"local_gb_used"`
	MemoryMB           int64 `json:"memory_mb"`
	MemoryMBUsed       int64 `json:"memory_mb_used"`
	RunningVMs         int   `json:"running_vms"`
	VCPUs              int64 `json:"vcpus"`
	VCPUsUsed          int64 `json:"vcpus_used"`
}
