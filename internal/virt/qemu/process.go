package qemu

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// args is the QEMU command line of a guest: named by its uuid (-uuid,
// -name) so that an operator finds it in the process table, no default
// devices, the serial port appended to the console log, QMP and VNC on
// unix sockets, daemonized with a pidfile so that it outlives novalite.
func (g *guest) args(s spec, incoming string) []string {
	inst := s.Instance
	mem := max(inst.MemoryMB, 16)
	a := []string{
		"-name", "guest=" + inst.Name + ",debug-threads=on",
		"-uuid", g.id,
		"-machine", "pc",
		// TCG's translation cache defaults to 1 GiB a guest; 64 MiB is
		// plenty for small guests and keeps their memory near their RAM.
		"-accel", map[string]string{"kvm": "kvm", "tcg": "tcg,tb-size=64"}[g.d.accel],
		"-cpu", cpuModel[g.d.accel],
		"-m", strconv.Itoa(mem), "-smp", strconv.Itoa(max(inst.VCPUs, 1)),
		"-nodefaults", "-no-user-config", "-display", "none",
		"-chardev", "file,id=console,path=" + g.path(consoleFile) + ",append=on",
		"-serial", "chardev:console",
		"-qmp", "unix:" + g.qmpSocket() + ",server=on,wait=off",
		"-vnc", "unix:" + g.vncSocket(),
		"-pidfile", g.path(pidFile), "-daemonize",
	}
	if s.Kernel != "" {
		a = append(a, "-kernel", s.Kernel, "-append", s.Cmdline)
		if s.Ramdisk != "" {
			a = append(a, "-initrd", s.Ramdisk)
		}
	}
	for i, d := range s.Disks {
		if i == 0 && s.RootVolume != "" {
			a = append(a, rootVolumeArgs(s.RootVolume, d)...)
			continue
		}
		a = append(a, "-drive", fmt.Sprintf("file=%s,if=virtio,format=qcow2,index=%d", d, i))
	}
	if s.Config {
		cd := g.path(configDrive)
		if s.ConfigFile != "" {
			cd = s.ConfigFile
		}
		a = append(a, "-drive", fmt.Sprintf("file=%s,if=virtio,format=raw,readonly=on,index=%d", cd, len(s.Disks)))
	}
	a = append(a, g.d.nicArgs(inst.NICs)...)
	a = append(a, volumeArgs(s)...)
	if incoming != "" {
		a = append(a, "-incoming", incoming)
	}
	return a
}

// start runs the guest's QEMU process (it daemonizes once set up).
func (g *guest) start(ctx context.Context, s spec, incoming string) error {
	g.cleanRuntime()
	if err := os.MkdirAll(dirOf(g.qmpSocket()), 0o700); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, g.d.cfg.Binary, g.args(s, incoming)...)
	if g.d.netns != "" && len(s.Instance.NICs) > 0 {
		// QEMU makes its taps where it runs: in the namespace.
		cmd = exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", g.d.netns, g.d.cfg.Binary}, g.args(s, incoming)...)...)
	}
	cmd.Dir = g.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("start qemu: %w: %s", err, strings.TrimSpace(string(out)))
	}
	if g.pid() == 0 {
		return fmt.Errorf("start qemu: no process after start: %s", strings.TrimSpace(string(out)))
	}
	return g.d.plug(ctx, s.Instance.NICs)
}

func dirOf(p string) string { return p[:strings.LastIndexByte(p, '/')] }
