package qemu

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAccelProbeBuilds: accelprobe.bin is what accelprobe.S assembles to
// (binutils' as and ld, as its header says), so the probe the driver
// boots is the one its source describes.
func TestAccelProbeBuilds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	obj, bin := filepath.Join(dir, "probe.o"), filepath.Join(dir, "probe.bin")
	for _, c := range [][]string{
		{"as", "--32", "--defsym", "ROUNDS=4", "-o", obj, "accelprobe.S"},
		{"ld", "-m", "elf_i386", "-Ttext", "0", "--oformat", "binary", "-o", bin, obj},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	got, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 512 || got[510] != 0x55 || got[511] != 0xaa {
		t.Fatalf("built %d bytes, ending % x: not a boot sector", len(got), got[len(got)-2:])
	}
	if !bytes.Equal(got, accelProbe) {
		t.Error("accelprobe.bin differs from accelprobe.S built: rebuild it as accelprobe.S says")
	}
}
