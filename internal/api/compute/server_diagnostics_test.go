package compute

import (
	"encoding/json"
	"testing"

	"novalite/internal/compute"
	"novalite/internal/virt"
)

// TestDiagnosticsView: the 2.48 view keeps null what the host did not
// measure and fills what it did, NICs matched by MAC. The whole body is
// compared, so its bytes (key order included) are pinned.
func TestDiagnosticsView(t *testing.T) {
	used := 100
	base := compute.Diagnostics{State: "running", CPUs: 2, MemoryMB: 512, Disks: 2, Uptime: 42,
		MACs: []string{"fa:16:3e:00:00:01", "fa:16:3e:00:00:02"}}
	measured := base
	measured.Measured = &virt.Diagnostics{
		CPUs:  []virt.CPUDiagnostics{{Time: 10}, {Time: 20}},
		Disks: []virt.DiskDiagnostics{{ReadBytes: 1, ReadRequests: 2, WriteBytes: 3, WriteRequests: 4, Errors: 5}, {}, {}},
		NICs: []virt.NICDiagnostics{{MAC: "FA:16:3E:00:00:01", Counters: &virt.NICCounters{RxOctets: 7, TxPackets: 8}},
			{MAC: "fa:16:3e:00:00:02"}},
		MemoryMaxMB: 512, MemoryUsedMB: &used, ConfigDrive: true,
	}
	const (
		nullDisk = `{"errors_count":null,"read_bytes":null,"read_requests":null,"write_bytes":null,"write_requests":null}`
		zeroDisk = `{"errors_count":0,"read_bytes":0,"read_requests":0,"write_bytes":0,"write_requests":0}`
		nullNIC  = `"rx_drop":null,"rx_errors":null,"rx_octets":null,"rx_packets":null,"rx_rate":null,` +
			`"tx_drop":null,"tx_errors":null,"tx_octets":null,"tx_packets":null,"tx_rate":null}`
		fixed = `"driver":"libvirt","hypervisor":null,"hypervisor_os":null,`
	)
	for _, tc := range []struct {
		name string
		d    compute.Diagnostics
		want string
	}{
		{"unmeasured", base, `{"config_drive":false,` +
			`"cpu_details":[{"id":0,"time":null,"utilisation":null},{"id":1,"time":null,"utilisation":null}],` +
			`"disk_details":[` + nullDisk + `,` + nullDisk + `],` + fixed +
			`"memory_details":{"maximum":512,"used":null},` +
			`"nic_details":[{"mac_address":"fa:16:3e:00:00:01",` + nullNIC + `,{"mac_address":"fa:16:3e:00:00:02",` + nullNIC + `],` +
			`"num_cpus":2,"num_disks":2,"num_nics":2,"state":"running","uptime":42}`},
		{"measured", measured, `{"config_drive":true,` +
			`"cpu_details":[{"id":0,"time":10,"utilisation":null},{"id":1,"time":20,"utilisation":null}],` +
			`"disk_details":[{"errors_count":5,"read_bytes":1,"read_requests":2,"write_bytes":3,"write_requests":4},` +
			zeroDisk + `,` + zeroDisk + `],` + fixed +
			`"memory_details":{"maximum":512,"used":100},` +
			`"nic_details":[{"mac_address":"fa:16:3e:00:00:01","rx_drop":0,"rx_errors":0,"rx_octets":7,"rx_packets":0,"rx_rate":null,` +
			`"tx_drop":0,"tx_errors":0,"tx_octets":0,"tx_packets":8,"tx_rate":null},{"mac_address":"fa:16:3e:00:00:02",` + nullNIC + `],` +
			`"num_cpus":2,"num_disks":3,"num_nics":2,"state":"running","uptime":42}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(diagnosticsView(tc.d))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
