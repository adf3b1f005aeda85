package qemu

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"novalite/internal/virt"
)

var _ virt.Diagnoser = (*Driver)(nil)

// userHZ is the unit of the CPU times in /proc/<pid>/stat: Linux fixes
// USER_HZ at 100 on every architecture it exports to user space.
const userHZ = 100

// Diagnostics measures a running guest: each vCPU's time from its
// thread (QMP query-cpus-fast names the threads), each disk's counters
// from QMP query-blockstats, each NIC's from its tap in the driver's
// namespace, memory from the guest's size and its balloon if it has one.
func (d *Driver) Diagnostics(ctx context.Context, inst virt.Instance) (virt.Diagnostics, error) {
	var out virt.Diagnostics
	g, unlock, err := d.locked(inst)
	if err != nil {
		return out, err
	}
	defer unlock()
	pid := g.pid()
	if !g.exists() || pid == 0 {
		return out, virt.ErrNotFound
	}
	s, err := g.readSpec()
	if err != nil {
		return out, err
	}
	out.MemoryMaxMB, out.ConfigDrive = s.Instance.MemoryMB, s.Config
	if out.CPUs, err = g.cpuTimes(ctx, pid); err != nil {
		return out, err
	}
	if out.Disks, err = g.blockStats(ctx); err != nil {
		return out, err
	}
	var balloon struct {
		Actual int64 `json:"actual"`
	}
	// Guests have no balloon device today; QMP then answers an error
	// and "used" stays unknown.
	if g.qmpRun(ctx, "query-balloon", nil, &balloon) == nil && balloon.Actual > 0 {
		used := int(balloon.Actual >> 20)
		out.MemoryUsedMB = &used
	}
	for _, n := range s.Instance.NICs {
		nd := virt.NICDiagnostics{MAC: n.MAC}
		if d.netns != "" {
			if nd.Counters, err = d.tapCounters(ctx, tapName(n)); err != nil {
				return out, err
			}
		}
		out.NICs = append(out.NICs, nd)
	}
	return out, nil
}

// cpuTimes reads the user and system time of each vCPU thread.
func (g *guest) cpuTimes(ctx context.Context, pid int) ([]virt.CPUDiagnostics, error) {
	var cpus []struct {
		Index  int `json:"cpu-index"`
		Thread int `json:"thread-id"`
	}
	if err := g.qmpRun(ctx, "query-cpus-fast", nil, &cpus); err != nil {
		return nil, err
	}
	out := make([]virt.CPUDiagnostics, len(cpus))
	for _, c := range cpus {
		if c.Index < 0 || c.Index >= len(out) {
			return nil, fmt.Errorf("qmp query-cpus-fast: cpu index %d of %d", c.Index, len(out))
		}
		ticks, err := threadTicks(pid, c.Thread)
		if err != nil {
			return nil, err
		}
		out[c.Index].Time = ticks * (1e9 / userHZ)
	}
	return out, nil
}

// threadTicks is utime+stime of one thread of pid.
func threadTicks(pid, tid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/stat", pid, tid))
	if err != nil {
		return 0, err
	}
	return statTicks(string(b))
}

// statTicks parses utime and stime (fields 14 and 15) of a stat line;
// the command name (field 2) may hold spaces, so fields count from its
// closing parenthesis.
func statTicks(stat string) (int64, error) {
	i := strings.LastIndexByte(stat, ')')
	f := strings.Fields(stat[i+1:])
	if i < 0 || len(f) < 13 {
		return 0, fmt.Errorf("short stat line %q", stat)
	}
	// f[0] is field 3 (state): utime is f[11], stime f[12].
	u, err := strconv.ParseInt(f[11], 10, 64)
	if err != nil {
		return 0, err
	}
	st, err := strconv.ParseInt(f[12], 10, 64)
	return u + st, err
}

// blockStats are the counters of the guest's block devices, in QEMU's
// order (root, ephemeral, swap, config drive, volumes).
func (g *guest) blockStats(ctx context.Context) ([]virt.DiskDiagnostics, error) {
	var devs []struct {
		Stats struct {
			RdBytes     int64 `json:"rd_bytes"`
			WrBytes     int64 `json:"wr_bytes"`
			RdOps       int64 `json:"rd_operations"`
			WrOps       int64 `json:"wr_operations"`
			FailedRd    int64 `json:"failed_rd_operations"`
			FailedWr    int64 `json:"failed_wr_operations"`
			FailedFlush int64 `json:"failed_flush_operations"`
		} `json:"stats"`
	}
	if err := g.qmpRun(ctx, "query-blockstats", nil, &devs); err != nil {
		return nil, err
	}
	out := make([]virt.DiskDiagnostics, len(devs))
	for i, dv := range devs {
		st := dv.Stats
		out[i] = virt.DiskDiagnostics{ReadBytes: st.RdBytes, ReadRequests: st.RdOps, WriteBytes: st.WrBytes,
			WriteRequests: st.WrOps, Errors: st.FailedRd + st.FailedWr + st.FailedFlush}
	}
	return out, nil
}

// tapCounters reads a tap's counters in the namespace. The tap's rx is
// what the guest sent: the counters are turned round to be the guest's,
// as libvirt reports a QEMU guest's interface stats.
func (d *Driver) tapCounters(ctx context.Context, tap string) (*virt.NICCounters, error) {
	b, err := exec.CommandContext(ctx, "ip", "-n", d.netns, "-j", "-s", "link", "show", "dev", tap).Output()
	if err != nil {
		return nil, fmt.Errorf("ip link show %s: %w", tap, err)
	}
	return parseLinkStats(b)
}

// parseLinkStats reads `ip -j -s link show`'s answer for one device.
func parseLinkStats(b []byte) (*virt.NICCounters, error) {
	type dir struct {
		Bytes   int64 `json:"bytes"`
		Packets int64 `json:"packets"`
		Errors  int64 `json:"errors"`
		Dropped int64 `json:"dropped"`
	}
	var links []struct {
		Stats struct {
			Rx dir `json:"rx"`
			Tx dir `json:"tx"`
		} `json:"stats64"`
	}
	if err := json.Unmarshal(b, &links); err != nil {
		return nil, err
	}
	if len(links) != 1 {
		return nil, fmt.Errorf("ip link show: %d devices", len(links))
	}
	rx, tx := links[0].Stats.Tx, links[0].Stats.Rx // the guest's side
	return &virt.NICCounters{RxOctets: rx.Bytes, RxPackets: rx.Packets, RxErrors: rx.Errors, RxDrop: rx.Dropped,
		TxOctets: tx.Bytes, TxPackets: tx.Packets, TxErrors: tx.Errors, TxDrop: tx.Dropped}, nil
}
