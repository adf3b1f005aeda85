package compute

import (
	"net/http"
	"strings"

	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/virt"
)

// /servers/{id}/diagnostics (server_diagnostics.py).

// showServerDiagnostics is GET /servers/{id}/diagnostics (admin). From
// 2.48 the standard format; before, the libvirt driver's free-form keys
// that novalite can fill honestly (memory only).
func (a *API) showServerDiagnostics(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServerSub(r, "os_compute_api:os-server-diagnostics")
	if err != nil {
		return err
	}
	d, err := a.svc.Compute.ServerDiagnostics(r.Context(), s)
	if err != nil {
		return err
	}
	if !MV(r).AtLeast(2, 48) {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"memory": d.MemoryMB * 1024})
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, diagnosticsView(d))
	return nil
}

// diagnosticsView is the 2.48 format: what the host measured where it
// did, null where it did not (rates, utilisation: no driver of Nova's
// fills them either). "driver" must be one of Nova's drivers: the
// simulated and QEMU hosts present themselves as libvirt does.
func diagnosticsView(d compute.Diagnostics) map[string]any {
	m := d.Measured
	if m == nil {
		m = &virt.Diagnostics{}
	}
	cpus := make([]map[string]any, d.CPUs)
	for i := range cpus {
		cpus[i] = map[string]any{"id": i, "time": nil, "utilisation": nil}
	}
	if len(m.CPUs) > 0 {
		cpus = make([]map[string]any, len(m.CPUs))
		for i, c := range m.CPUs {
			cpus[i] = map[string]any{"id": i, "time": c.Time, "utilisation": nil}
		}
	}
	disks := make([]map[string]any, d.Disks)
	for i := range disks {
		disks[i] = map[string]any{"read_bytes": nil, "read_requests": nil, "write_bytes": nil,
			"write_requests": nil, "errors_count": nil}
	}
	if len(m.Disks) > 0 {
		disks = make([]map[string]any, len(m.Disks))
		for i, k := range m.Disks {
			disks[i] = map[string]any{"read_bytes": k.ReadBytes, "read_requests": k.ReadRequests,
				"write_bytes": k.WriteBytes, "write_requests": k.WriteRequests, "errors_count": k.Errors}
		}
	}
	nics := make([]map[string]any, len(d.MACs))
	for i, mac := range d.MACs {
		nics[i] = nicView(mac, nicCounters(m.NICs, mac))
	}
	var used any
	if m.MemoryUsedMB != nil {
		used = *m.MemoryUsedMB
	}
	configDrive := d.ConfigDrive
	if d.Measured != nil {
		configDrive = m.ConfigDrive
	}
	return map[string]any{
		"state": d.State, "driver": "libvirt", "hypervisor": nil, "hypervisor_os": nil, "uptime": d.Uptime,
		"config_drive": configDrive, "num_cpus": len(cpus), "num_nics": len(nics), "num_disks": len(disks),
		"cpu_details": cpus, "disk_details": disks, "nic_details": nics,
		"memory_details": map[string]any{"maximum": d.MemoryMB, "used": used},
	}
}

// nicCounters are the measured counters of the NIC with mac, nil if
// none were measured.
func nicCounters(nics []virt.NICDiagnostics, mac string) *virt.NICCounters {
	for _, n := range nics {
		if strings.EqualFold(n.MAC, mac) {
			return n.Counters
		}
	}
	return nil
}

// nicView is one NIC of the 2.48 format; c nil: its counters are null.
func nicView(mac string, c *virt.NICCounters) map[string]any {
	v := map[string]any{"mac_address": mac, "rx_rate": nil, "tx_rate": nil}
	names := []string{"rx_octets", "rx_errors", "rx_drop", "rx_packets", "tx_octets", "tx_errors", "tx_drop", "tx_packets"}
	for _, n := range names {
		v[n] = nil
	}
	if c != nil {
		vals := []int64{c.RxOctets, c.RxErrors, c.RxDrop, c.RxPackets, c.TxOctets, c.TxErrors, c.TxDrop, c.TxPackets}
		for i, n := range names {
			v[n] = vals[i]
		}
	}
	return v
}
