//go:build guests

package qemu

import (
	"os/exec"
	"strings"
	"testing"
)

// TestUsableAccel: the accelerator chosen starts a paused guest machine
// with the CPU model the driver gives it (on a host whose /dev/kvm opens
// but cannot run a vCPU, that is tcg), and a second ask is answered from
// memory.
func TestUsableAccel(t *testing.T) {
	a := UsableAccel("qemu-system-x86_64", nil)
	cpu := map[string]string{"kvm": "host", "tcg": "max"}[a]
	if cpu == "" {
		t.Fatalf("accel %q", a)
	}
	cmd := exec.Command("qemu-system-x86_64", "-accel", a, "-cpu", cpu, "-machine", "pc", "-nodefaults",
		"-no-user-config", "-display", "none", "-m", "16", "-S", "-monitor", "stdio")
	cmd.Stdin = strings.NewReader("quit\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("qemu with -accel %s: %v\n%s", a, err, out)
	}
	if v, ok := accels.Load("qemu-system-x86_64"); !ok || v != a {
		t.Errorf("remembered %v, %v; want %s", v, ok, a)
	}
}
