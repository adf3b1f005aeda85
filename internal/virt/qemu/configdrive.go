package qemu

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"

	"github.com/kdomanski/iso9660"

	"novalite/internal/virt"
)

// dhcpDomain is the domain Nova appends to a guest's hostname in its
// metadata (its dhcp_domain option's default).
const dhcpDomain = "novalocal"

// metaData is openstack/latest/meta_data.json as Nova writes it
// (nova/api/metadata/base.py, InstanceMetadata._metadata_as_json).
func metaData(inst virt.Instance) map[string]any {
	md := map[string]any{
		"uuid": inst.ID, "name": inst.Hostname, "hostname": inst.Hostname + "." + dhcpDomain,
		"launch_index": inst.LaunchIndex, "availability_zone": inst.AvailabilityZone,
		"project_id": inst.ProjectID, "meta": orEmpty(inst.Metadata), "devices": []any{}, "dedicated_cpus": []any{},
	}
	if inst.KeyName != "" {
		md["public_keys"] = map[string]string{inst.KeyName: inst.KeyData}
		md["keys"] = []map[string]string{{"name": inst.KeyName, "type": "ssh", "data": inst.KeyData}}
	}
	return md
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// networkData is openstack/latest/network_data.json as Nova writes it
// (nova/virt/netutils.py, get_network_metadata): a link per port, a
// static network per fixed address (novalite runs no DHCP server a guest
// could ask instead), and the subnets' DNS servers.
func networkData(nics []virt.NIC) map[string]any {
	links, nets, services := []any{}, []any{}, []any{}
	seenDNS := map[string]bool{}
	for _, n := range nics {
		link := "tap" + n.PortID[:min(len(n.PortID), 11)]
		mtu := any(nil)
		if n.MTU > 0 {
			mtu = n.MTU
		}
		links = append(links, map[string]any{"id": link, "vif_id": n.PortID, "type": "bridge", "mtu": mtu,
			"ethernet_mac_address": n.MAC})
		for _, ip := range n.IPs {
			nets = append(nets, network(len(nets), link, n.NetworkID, ip))
			for _, dns := range ip.DNS {
				if !seenDNS[dns] {
					seenDNS[dns] = true
					services = append(services, map[string]string{"type": "dns", "address": dns})
				}
			}
		}
	}
	return map[string]any{"links": links, "networks": nets, "services": services}
}

func network(i int, link, networkID string, ip virt.FixedIP) map[string]any {
	mask := ""
	if _, cidr, err := net.ParseCIDR(ip.CIDR); err == nil {
		if ip.Version == 4 {
			mask = net.IP(cidr.Mask).String()
		} else {
			mask = cidrMask6(cidr)
		}
	}
	routes := []any{}
	zero := map[int]string{4: "0.0.0.0", 6: "::"}[ip.Version]
	if ip.Gateway != "" {
		routes = append(routes, map[string]string{"network": zero, "netmask": zero, "gateway": ip.Gateway})
	}
	for _, r := range ip.Routes {
		if _, dst, err := net.ParseCIDR(r.Destination); err == nil {
			m := net.IP(dst.Mask).String()
			if ip.Version == 6 {
				m = cidrMask6(dst)
			}
			routes = append(routes, map[string]string{"network": dst.IP.String(), "netmask": m, "gateway": r.NextHop})
		}
	}
	services := []any{}
	for _, dns := range ip.DNS {
		services = append(services, map[string]string{"type": "dns", "address": dns})
	}
	return map[string]any{"id": fmt.Sprintf("network%d", i), "type": fmt.Sprintf("ipv%d", ip.Version), "link": link,
		"ip_address": ip.Address, "netmask": mask, "routes": routes, "network_id": networkID, "services": services}
}

// cidrMask6 writes an IPv6 mask as Nova does (netaddr's netmask).
func cidrMask6(n *net.IPNet) string { return net.IP(n.Mask).String() }

// writeConfigDrive writes the config-2 ISO of inst to path: meta data,
// network data, vendor data and the user data, under openstack/latest
// (the dated versions would need '-' in ISO 9660 names; cloud-init reads
// latest first).
func writeConfigDrive(path string, inst virt.Instance) error {
	w, err := iso9660.NewWriter()
	if err != nil {
		return err
	}
	defer w.Cleanup()
	files := map[string]any{
		"meta_data.json":    metaData(inst),
		"network_data.json": networkData(inst.NICs),
		"vendor_data.json":  map[string]any{},
		"vendor_data2.json": map[string]any{},
	}
	for name, v := range files {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := w.AddFile(bytes.NewReader(b), "openstack/latest/"+name); err != nil {
			return err
		}
	}
	if inst.UserData != "" {
		ud, err := base64.StdEncoding.DecodeString(inst.UserData)
		if err != nil {
			return fmt.Errorf("user_data: %w", err)
		}
		if err := w.AddFile(bytes.NewReader(ud), "openstack/latest/user_data"); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := w.WriteTo(f, "config-2"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
