package qemu

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// accels remembers UsableAccel's answer per emulator binary: the probe
// starts a QEMU, and every driver of the process would ask the same.
var accels sync.Map

// UsableAccel is "kvm" when /dev/kvm opens and binary really runs a
// guest with it, else "tcg". An openable /dev/kvm is not enough: nested
// under some hypervisors KVM refuses the host CPU's MSRs (QEMU aborts at
// every start, "failed to set MSR"), and under others a vCPU starts but a
// guest with paging on all but stops (no kernel got to its first line in
// 5 minutes). So it boots accelprobe.S, a boot sector that turns paging
// on, writes to a few thousand pages and exits, with the CPU model guests
// get, and takes KVM only if that ends in time with the probe's status.
func UsableAccel(binary string, log *slog.Logger) string {
	if v, ok := accels.Load(binary); ok {
		return v.(string)
	}
	a := probeAccel(binary, log)
	accels.Store(binary, a)
	return a
}

// cpuModel is the CPU a guest gets under each accelerator: the host's
// under KVM, QEMU's fullest model under TCG.
var cpuModel = map[string]string{"kvm": "host", "tcg": "max"}

//go:embed accelprobe.bin
var accelProbe []byte

// accelProbeOK is the probe's exit status: isa-debug-exit exits with
// (value << 1) | 1, and the probe writes 0x10.
const accelProbeOK = 33

// accelProbeTime bounds the probe: under a working KVM it ends in well
// under a second, under TCG in about a tenth of one.
const accelProbeTime = 10 * time.Second

func probeAccel(binary string, log *slog.Logger) string {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return "tcg"
	}
	f.Close()
	if err := runAccelProbe(binary, "kvm", accelProbeTime); err != nil {
		if log == nil {
			log = slog.Default()
		}
		log.Warn("qemu driver: /dev/kvm is there but QEMU cannot run a guest with it; guests run under TCG",
			"err", err)
		return "tcg"
	}
	return "kvm"
}

// runAccelProbe boots the probe under accel with the CPU model a guest
// gets there, and says why it did not end with the probe's status
// within limit.
func runAccelProbe(binary, accel string, limit time.Duration) error {
	dir, err := os.MkdirTemp("", "novalite-accel-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	img := filepath.Join(dir, "probe.img")
	if err := os.WriteFile(img, accelProbe, 0o600); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "-accel", accel, "-cpu", cpuModel[accel], "-machine", "pc",
		"-nodefaults", "-no-user-config", "-display", "none", "-m", "16",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
		"-drive", "file="+img+",format=raw,if=floppy", "-boot", "a")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("the probe guest did not finish in %s", limit)
	case errors.As(err, &exit) && exit.ExitCode() == accelProbeOK:
		return nil
	case err == nil:
		return errors.New("QEMU exited before the probe guest ran")
	default:
		return fmt.Errorf("%v: %s", err, lastLine(string(out)))
	}
}

// lastLine is the last non-empty line of s (QEMU's error).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
