//go:build guests

package qemu

import (
	"testing"
	"time"
)

// TestUsableAccel: the probe guest runs to its exit status under TCG
// (so a KVM that fails it is KVM's fault, not the probe's), the
// accelerator chosen runs it too (on a host whose KVM cannot, that is
// tcg), and a second ask is answered from memory.
func TestUsableAccel(t *testing.T) {
	if err := runAccelProbe("qemu-system-x86_64", "tcg", time.Minute); err != nil {
		t.Fatalf("the probe under tcg: %v", err)
	}
	a := UsableAccel("qemu-system-x86_64", nil)
	if cpuModel[a] == "" {
		t.Fatalf("accel %q", a)
	}
	if err := runAccelProbe("qemu-system-x86_64", a, time.Minute); err != nil {
		t.Fatalf("the probe under the accel chosen, %s: %v", a, err)
	}
	if v, ok := accels.Load("qemu-system-x86_64"); !ok || v != a {
		t.Errorf("remembered %v, %v; want %s", v, ok, a)
	}
	t.Logf("accel %s", a)
}
