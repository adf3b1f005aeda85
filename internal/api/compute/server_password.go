package compute

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/compute"
)

// /servers/{id}/os-server-password (server_password.py) and
// /servers/{id}/diagnostics (server_diagnostics.py).

// showServerPassword is GET: the encrypted password the guest posted, or "".
func (a *API) showServerPassword(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r); err != nil {
		return err
	}
	s, err := a.findServer(r, "os_compute_api:os-server-password:show")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"password": s.EncryptedPassword})
	return nil
}

// clearServerPassword is DELETE: forget it (no lock or state check).
func (a *API) clearServerPassword(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:os-server-password:clear")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.ClearServerPassword(r.Context(), httpx.Caller(r.Context()), s.ID); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

// showServerDiagnostics is GET /servers/{id}/diagnostics (admin). From
// 2.48 the standard format; before, the libvirt driver's free-form keys
// that novalite can fill honestly (memory only).
func (a *API) showServerDiagnostics(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r); err != nil {
		return err
	}
	s, err := a.findServer(r, "os_compute_api:os-server-diagnostics")
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

// diagnosticsView is the 2.48 format; what a hypervisor would measure is
// null. "driver" must be one of Nova's drivers: the simulated and QEMU
// hosts present themselves as libvirt does.
func diagnosticsView(d compute.Diagnostics) map[string]any {
	cpus := make([]map[string]any, d.CPUs)
	for i := range cpus {
		cpus[i] = map[string]any{"id": i, "time": nil, "utilisation": nil}
	}
	disks := make([]map[string]any, d.Disks)
	for i := range disks {
		disks[i] = map[string]any{"read_bytes": nil, "read_requests": nil, "write_bytes": nil,
			"write_requests": nil, "errors_count": nil}
	}
	nics := make([]map[string]any, len(d.MACs))
	for i, mac := range d.MACs {
		nics[i] = map[string]any{"mac_address": mac, "rx_octets": nil, "rx_errors": nil, "rx_drop": nil,
			"rx_packets": nil, "rx_rate": nil, "tx_octets": nil, "tx_errors": nil, "tx_drop": nil,
			"tx_packets": nil, "tx_rate": nil}
	}
	return map[string]any{
		"state": d.State, "driver": "libvirt", "hypervisor": nil, "hypervisor_os": nil, "uptime": d.Uptime,
		"config_drive": d.ConfigDrive, "num_cpus": d.CPUs, "num_nics": len(d.MACs), "num_disks": d.Disks,
		"cpu_details": cpus, "disk_details": disks, "nic_details": nics,
		"memory_details": map[string]any{"maximum": d.MemoryMB, "used": nil},
	}
}
