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
	if !requestMV(r).AtLeast(2, 48) {
		httpx.WriteJSON(w, http.StatusOK, struct {
			Memory int `json:"memory"`
		}{d.MemoryMB * 1024})
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, diagnosticsView(d))
	return nil
}

// diagnostics is the 2.48 format. The rates, the utilisation and the
// hypervisor are always null (no driver of Nova's fills them either).
type diagnostics struct {
	ConfigDrive  bool       `json:"config_drive"`
	CPUs         []cpuDiag  `json:"cpu_details"`
	Disks        []diskDiag `json:"disk_details"`
	Driver       string     `json:"driver"`
	Hypervisor   *string    `json:"hypervisor"`
	HypervisorOS *string    `json:"hypervisor_os"`
	Memory       memoryDiag `json:"memory_details"`
	NICs         []nicDiag  `json:"nic_details"`
	NumCPUs      int        `json:"num_cpus"`
	NumDisks     int        `json:"num_disks"`
	NumNICs      int        `json:"num_nics"`
	State        string     `json:"state"`
	Uptime       int        `json:"uptime"`
}

type cpuDiag struct {
	ID          int      `json:"id"`
	Time        *int64   `json:"time"`
	Utilisation *float64 `json:"utilisation"`
}

// diskDiag is one disk; all null when its counters were not measured.
type diskDiag struct {
	Errors        *int64 `json:"errors_count"`
	ReadBytes     *int64 `json:"read_bytes"`
	ReadRequests  *int64 `json:"read_requests"`
	WriteBytes    *int64 `json:"write_bytes"`
	WriteRequests *int64 `json:"write_requests"`
}

type memoryDiag struct {
	Maximum int  `json:"maximum"`
	Used    *int `json:"used"`
}

// nicDiag is one NIC; its counters are null when not measured.
type nicDiag struct {
	MAC       string   `json:"mac_address"`
	RxDrop    *int64   `json:"rx_drop"`
	RxErrors  *int64   `json:"rx_errors"`
	RxOctets  *int64   `json:"rx_octets"`
	RxPackets *int64   `json:"rx_packets"`
	RxRate    *float64 `json:"rx_rate"`
	TxDrop    *int64   `json:"tx_drop"`
	TxErrors  *int64   `json:"tx_errors"`
	TxOctets  *int64   `json:"tx_octets"`
	TxPackets *int64   `json:"tx_packets"`
	TxRate    *float64 `json:"tx_rate"`
}

// diagnosticsView is the 2.48 format: what the host measured where it
// did, null where it did not. "driver" must be one of Nova's drivers:
// the simulated and QEMU hosts present themselves as libvirt does.
func diagnosticsView(d compute.Diagnostics) diagnostics {
	m := d.Measured
	if m == nil {
		m = &virt.Diagnostics{}
	}
	cpus := make([]cpuDiag, d.CPUs)
	if len(m.CPUs) > 0 {
		cpus = make([]cpuDiag, len(m.CPUs))
		for i, c := range m.CPUs {
			cpus[i].Time = &c.Time
		}
	}
	for i := range cpus {
		cpus[i].ID = i
	}
	disks := make([]diskDiag, d.Disks)
	if len(m.Disks) > 0 {
		disks = make([]diskDiag, len(m.Disks))
		for i, k := range m.Disks {
			disks[i] = diskDiag{Errors: &k.Errors, ReadBytes: &k.ReadBytes, ReadRequests: &k.ReadRequests,
				WriteBytes: &k.WriteBytes, WriteRequests: &k.WriteRequests}
		}
	}
	nics := make([]nicDiag, len(d.MACs))
	for i, mac := range d.MACs {
		nics[i] = nicView(mac, nicCounters(m.NICs, mac))
	}
	configDrive := d.ConfigDrive
	if d.Measured != nil {
		configDrive = m.ConfigDrive
	}
	return diagnostics{State: d.State, Driver: "libvirt", Uptime: d.Uptime, ConfigDrive: configDrive,
		NumCPUs: len(cpus), NumNICs: len(nics), NumDisks: len(disks), CPUs: cpus, Disks: disks, NICs: nics,
		Memory: memoryDiag{Maximum: d.MemoryMB, Used: m.MemoryUsedMB}}
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
func nicView(mac string, c *virt.NICCounters) nicDiag {
	if c == nil {
		return nicDiag{MAC: mac}
	}
	return nicDiag{MAC: mac, RxDrop: &c.RxDrop, RxErrors: &c.RxErrors, RxOctets: &c.RxOctets, RxPackets: &c.RxPackets,
		TxDrop: &c.TxDrop, TxErrors: &c.TxErrors, TxOctets: &c.TxOctets, TxPackets: &c.TxPackets}
}
