package qemu

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"novalite/internal/virt"
)

var _ virt.HostInfo = (*Driver)(nil)

// Host reports the machine's own resources — its CPUs, memory and the
// disk space of the instance directory — and QEMU's version, as Nova's
// libvirt driver reports them (version as major*1000000+minor*1000+micro).
func (d *Driver) Host() (virt.Host, error) {
	h := virt.Host{VCPUs: int64(runtime.NumCPU()), HypervisorType: "QEMU"}
	mem, err := memTotalMB()
	if err != nil {
		return h, err
	}
	h.MemoryMB = mem
	var st syscall.Statfs_t
	if err := syscall.Statfs(d.cfg.Dir, &st); err != nil {
		return h, err
	}
	h.DiskGB = int64(st.Blocks) * st.Bsize >> 30
	out, err := exec.Command(d.cfg.Binary, "--version").Output()
	if err != nil {
		return h, fmt.Errorf("qemu --version: %w", err)
	}
	h.HypervisorVersion = parseVersion(string(out))
	return h, nil
}

var versionRE = regexp.MustCompile(`version (\d+)\.(\d+)\.(\d+)`)

func parseVersion(s string) int {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	v := 0
	for _, p := range m[1:] {
		n, _ := strconv.Atoi(p)
		v = v*1000 + n
	}
	return v
}

func memTotalMB() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb >> 10, err
		}
	}
	return 0, fmt.Errorf("no MemTotal in /proc/meminfo")
}
