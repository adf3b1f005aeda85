package agent

import (
	"context"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// createsGuest are the tasks whose driver call makes a guest, and so
// needs the server's ports (a real guest gets a NIC per port and their
// addresses on its config drive).
var createsGuest = map[novalite.TaskState]bool{
	novalite.TaskNetworking: true, novalite.TaskBlockDeviceMap: true, novalite.TaskSpawning: true,
	novalite.TaskRebuilding: true, novalite.TaskUnshelving: true,
}

// loadNICs fills the NICs of the jobs that create a guest: their ports
// in one query, each subnet once.
func (a *Agent) loadNICs(ctx context.Context, tx *store.Tx, work []job) error {
	var ids []string
	for _, j := range work {
		if createsGuest[j.v.TaskState] {
			ids = append(ids, j.v.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ports, err := tx.PortListByDevices(ctx, ids)
	if err != nil {
		return err
	}
	subnets := map[string]novalite.Subnet{}
	byServer := map[string][]virt.NIC{}
	for _, p := range ports {
		nic := virt.NIC{PortID: p.ID, MAC: p.MACAddress, NetworkID: p.NetworkID}
		for _, ip := range p.FixedIPs {
			sn, ok := subnets[ip.SubnetID]
			if !ok {
				if sn, err = tx.SubnetGet(ctx, ip.SubnetID); err != nil {
					return err
				}
				subnets[ip.SubnetID] = sn
			}
			fip := virt.FixedIP{Address: ip.IPAddress, Version: sn.IPVersion, CIDR: sn.CIDR, Gateway: sn.GatewayIP,
				DNS: sn.DNSNameservers, SubnetID: sn.ID, EnableDHCP: sn.EnableDHCP}
			for _, r := range sn.HostRoutes {
				fip.Routes = append(fip.Routes, virt.Route{Destination: r.Destination, NextHop: r.NextHop})
			}
			nic.IPs = append(nic.IPs, fip)
		}
		byServer[p.DeviceID] = append(byServer[p.DeviceID], nic)
	}
	for i := range work {
		work[i].nics = byServer[work[i].v.ID]
	}
	return nil
}
