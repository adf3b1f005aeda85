package qemu

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os/exec"
	"strings"

	"novalite/internal/virt"
)

// Networking: each port is a tap with the port's MAC, and the ports of
// one network share a Linux bridge, so guests on one network reach each
// other. Bridges and taps live in a network namespace of the driver's
// own (named for its directory): the host's interfaces and routes are
// never touched, and nothing in it reaches the host's network. Without
// CAP_NET_ADMIN (no namespace can be made) each port is an isolated
// user-mode NIC instead.

// NetNS is the network namespace of the driver whose directory is dir.
func NetNS(dir string) string {
	h := sha1.Sum([]byte(dir))
	return "novalite-" + hex.EncodeToString(h[:5])
}

// ip runs ip(8) inside the driver's namespace.
func (d *Driver) ip(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "ip", append([]string{"-n", d.netns}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// setupNetNS makes the namespace if it is missing; false when the
// process may not (no CAP_NET_ADMIN, no ip(8)).
func setupNetNS(name string) bool {
	if exec.Command("ip", "netns", "exec", name, "true").Run() == nil {
		return true
	}
	if exec.Command("ip", "netns", "add", name).Run() != nil {
		return false
	}
	return exec.Command("ip", "-n", name, "link", "set", "lo", "up").Run() == nil
}

// Device names are at most 15 bytes: Nova's tap<port id[:11]>, and
// br<network id[:11]> as Neutron's linuxbridge agent names its bridges
// (brq…).
func tapName(n virt.NIC) string    { return "tap" + n.PortID[:min(len(n.PortID), 11)] }
func bridgeName(n virt.NIC) string { return "brq" + n.NetworkID[:min(len(n.NetworkID), 11)] }

// nicArgs are the QEMU arguments of the guest's NICs.
func (d *Driver) nicArgs(nics []virt.NIC) []string {
	var a []string
	for i, n := range nics {
		netdev := fmt.Sprintf("user,id=net%d,restrict=on", i) // isolated: the guest reaches nothing
		if d.netns != "" {
			netdev = fmt.Sprintf("tap,id=net%d,ifname=%s,script=no,downscript=no", i, tapName(n))
		}
		a = append(a, "-netdev", netdev, "-device", fmt.Sprintf("virtio-net-pci,netdev=net%d,mac=%s", i, n.MAC))
	}
	return a
}

// plug puts the taps QEMU made on their networks' bridges.
func (d *Driver) plug(ctx context.Context, nics []virt.NIC) error {
	if d.netns == "" {
		return nil
	}
	// Guests spawn at once: one plug or unplug at a time, so that two
	// guests of one network never both make its bridge.
	d.netMu.Lock()
	defer d.netMu.Unlock()
	for _, n := range nics {
		br := bridgeName(n)
		if d.ip(ctx, "link", "show", br) != nil {
			// Another process (a host's agent and the one moving a guest
			// to it) may make the bridge meanwhile: then it is there.
			if err := d.ip(ctx, "link", "add", br, "type", "bridge"); err != nil && d.ip(ctx, "link", "show", br) != nil {
				return err
			}
		}
		if err := d.ip(ctx, "link", "set", br, "up"); err != nil {
			return err
		}
		if err := d.ip(ctx, "link", "set", tapName(n), "master", br, "up"); err != nil {
			return err
		}
	}
	return nil
}

// unplugBridges removes the guest's taps (QEMU's own go as it exits) and
// the bridges of its networks that no other tap uses.
func (d *Driver) unplugBridges(ctx context.Context, nics []virt.NIC) {
	if d.netns == "" {
		return
	}
	d.netMu.Lock()
	defer d.netMu.Unlock()
	for _, n := range nics {
		// The kernel may still be taking the dead guest's tap down: take
		// it out at once, so that the last guest of a network always
		// finds its bridge empty.
		_ = d.ip(ctx, "link", "del", tapName(n))
		br := bridgeName(n)
		out, err := exec.CommandContext(ctx, "ip", "-n", d.netns, "-o", "link", "show", "master", br).Output()
		if err == nil && strings.TrimSpace(string(out)) == "" {
			_ = d.ip(ctx, "link", "del", br)
		}
	}
}
