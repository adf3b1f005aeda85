package qemu

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// accels remembers UsableAccel's answer per emulator binary: the probe
// starts a QEMU, and every driver of the process would ask the same.
var accels sync.Map

// UsableAccel is "kvm" when /dev/kvm opens and binary can really create
// a vCPU with it, else "tcg". An openable /dev/kvm is not enough: nested
// under some hypervisors KVM refuses the host CPU's MSRs, and QEMU then
// aborts at every start ("failed to set MSR"). So it starts binary once,
// paused, with the CPU model guests get, and asks it to quit.
func UsableAccel(binary string, log *slog.Logger) string {
	if v, ok := accels.Load(binary); ok {
		return v.(string)
	}
	a := probeAccel(binary, log)
	accels.Store(binary, a)
	return a
}

func probeAccel(binary string, log *slog.Logger) string {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return "tcg"
	}
	f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "-accel", "kvm", "-cpu", "host", "-machine", "pc",
		"-nodefaults", "-no-user-config", "-display", "none", "-m", "16", "-S", "-monitor", "stdio")
	cmd.Stdin = strings.NewReader("quit\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if log == nil {
			log = slog.Default()
		}
		log.Warn("qemu driver: /dev/kvm is there but QEMU cannot run a vCPU with it; guests run under TCG",
			"err", err, "qemu", lastLine(string(out)))
		return "tcg"
	}
	return "kvm"
}

// lastLine is the last non-empty line of s (QEMU's error).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
