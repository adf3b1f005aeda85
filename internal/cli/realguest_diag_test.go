//go:build guests

package cli_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
)

// guestDiagnostics is what the tests read of GET diagnostics at 2.48.
type guestDiagnostics struct {
	ConfigDrive bool `json:"config_drive"`
	CPUs        []struct {
		Time *int64 `json:"time"`
	} `json:"cpu_details"`
	Disks []struct {
		ReadBytes *int64 `json:"read_bytes"`
	} `json:"disk_details"`
	NICs []struct {
		MAC      string `json:"mac_address"`
		RxOctets *int64 `json:"rx_octets"`
		TxOctets *int64 `json:"tx_octets"`
	} `json:"nic_details"`
	Memory struct {
		Maximum int `json:"maximum"`
	} `json:"memory_details"`
}

// diagnostics reads a server's diagnostics as the admin at 2.48.
func (c *cloud) diagnostics(id string) guestDiagnostics {
	c.t.Helper()
	mv := c.compute.Microversion
	c.compute.Microversion = "2.48"
	defer func() { c.compute.Microversion = mv }()
	var raw json.RawMessage
	if _, err := c.compute.Get(context.Background(), c.compute.ServiceURL("servers", id, "diagnostics"), &raw, nil); err != nil {
		c.t.Fatal(err)
	}
	c.t.Logf("diagnostics: %s", raw)
	var d guestDiagnostics
	if err := json.Unmarshal(raw, &d); err != nil {
		c.t.Fatal(err)
	}
	return d
}

// cpusRan: every vCPU has a measured time, and one ran.
func (d guestDiagnostics) cpusRan() bool {
	var total int64
	for _, c := range d.CPUs {
		if c.Time == nil {
			return false
		}
		total += *c.Time
	}
	return total > 0
}

// TestRealGuestDiagnostics reads a running guest's diagnostics as an
// admin at 2.48: its vCPU has run, the disks it booted from were read,
// and its NIC is the port's, by MAC.
func TestRealGuestDiagnostics(t *testing.T) {
	t.Parallel()
	c := guestCloud(t, "--shutdown-timeout", "10s")
	id := c.boot("diag1", "")
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "novalite-guest: ready", 1)
	d := c.diagnostics(id)
	if len(d.CPUs) != 1 || !d.cpusRan() {
		t.Errorf("cpu_details %+v: want one vCPU that ran", d.CPUs)
	}
	read := false
	for _, k := range d.Disks {
		read = read || (k.ReadBytes != nil && *k.ReadBytes > 0)
	}
	if !read {
		t.Errorf("disk_details %+v: want a disk the guest read", d.Disks)
	}
	pages, err := ports.List(c.network, ports.ListOpts{DeviceID: id}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := ports.ExtractPorts(pages)
	if err != nil || len(ps) != 1 {
		t.Fatalf("ports of %s: %v %v", id, ps, err)
	}
	if len(d.NICs) != 1 || d.NICs[0].MAC != ps[0].MACAddress {
		t.Errorf("nic_details %+v: want the port's MAC %s", d.NICs, ps[0].MACAddress)
	}
	if d.Memory.Maximum != 128 || !d.ConfigDrive {
		t.Errorf("memory maximum %d MiB, config drive %v: want the flavor's 128 and the drive the guest has", d.Memory.Maximum, d.ConfigDrive)
	}
}
