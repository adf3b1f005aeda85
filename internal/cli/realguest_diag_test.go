//go:build guests

package cli_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
)

// TestRealGuestDiagnostics reads a running guest's diagnostics as an
// admin at 2.48: its vCPU has run, the disks it booted from were read,
// and its NIC is the port's, by MAC.
func TestRealGuestDiagnostics(t *testing.T) {
	dir := guestDir(t)
	s := serve(t, build(t), dir, "--driver", "qemu", "--shutdown-timeout", "10s")
	c := openCloud(t, s, dir)
	c.setup()
	id := c.boot("diag1", "")
	c.wait(id, "ACTIVE")
	c.waitConsole(id, "novalite-guest: ready", 1)
	ctx := context.Background()
	c.compute.Microversion = "2.48"
	var d struct {
		CPUs []struct {
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
	var raw json.RawMessage
	if _, err := c.compute.Get(ctx, c.compute.ServiceURL("servers", id, "diagnostics"), &raw, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("diagnostics: %s", raw)
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.CPUs) != 1 || d.CPUs[0].Time == nil || *d.CPUs[0].Time <= 0 {
		t.Errorf("cpu_details %+v: want one vCPU that ran", d.CPUs)
	}
	read := false
	for _, k := range d.Disks {
		read = read || (k.ReadBytes != nil && *k.ReadBytes > 0)
	}
	if !read {
		t.Errorf("disk_details %+v: want a disk the guest read", d.Disks)
	}
	pages, err := ports.List(c.network, ports.ListOpts{DeviceID: id}).AllPages(ctx)
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
	if d.Memory.Maximum != 128 {
		t.Errorf("memory maximum %d MiB, want the flavor's 128", d.Memory.Maximum)
	}
}
