//go:build guests

package testguest

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"novalite/internal/virt/qemu"
)

// TestBootsToPrompt boots the guest under QEMU, as the driver would but
// without a config drive, and waits for its ready line on the serial
// console; then the ACPI power button must make QEMU exit.
func TestBootsToPrompt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g, err := Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "console.log")
	mon := filepath.Join(dir, "mon.sock")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // TCG on a loaded machine
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", "-nodefaults", "-no-user-config", "-display", "none",
		"-machine", "pc,accel="+qemu.UsableAccel("qemu-system-x86_64", nil), "-m", "128", "-smp", "1",
		"-kernel", g.Kernel, "-initrd", g.Initrd, "-append", CommandLine,
		"-chardev", "file,id=s0,path="+log, "-serial", "chardev:s0",
		"-monitor", "unix:"+mon+",server=on,wait=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	start := time.Now()
	for !strings.Contains(readFile(log), "novalite-guest: ready") {
		select {
		case err := <-exited:
			t.Fatalf("qemu exited before the guest was ready: %v\n%s\nconsole:\n%s", err, stderr.String(), readFile(log))
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Logf("guest ready after %v", time.Since(start).Round(time.Millisecond))
	for _, line := range []string{"no config drive", "panic-on-rcu-stall=1"} {
		if !strings.Contains(readFile(log), "novalite-guest: "+line) {
			t.Errorf("console lacks %q:\n%s", line, readFile(log))
		}
	}
	conn, err := net.Dial("unix", mon)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("system_powerdown\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("guest ignored the power button; console:\n%s", readFile(log))
	}
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}
