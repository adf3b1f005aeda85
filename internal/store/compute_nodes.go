package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"novalite"
)

// Demand is what a server of flavor f claims. Disk is the root disk only,
// the same figure the instances row keeps (root_gb), so that the usage of
// a host can be recounted from its servers.
func Demand(f novalite.FlavorSnapshot) novalite.Resources {
	return novalite.Resources{VCPUs: int64(f.VCPUs), MemoryMB: int64(f.MemoryMB), DiskGB: int64(f.RootGB)}
}

// hostZone is the zone of compute_nodes' row: the availability_zone of an
// aggregate the host is in (Nova keeps a host in at most one), else the
// zone the host registered with (default "nova").
const hostZone = `COALESCE((SELECT MIN(m.value) FROM aggregate_hosts ah JOIN aggregate_metadata m
	ON m.aggregate_id = ah.aggregate_id AND m.key = 'availability_zone' WHERE ah.host = compute_nodes.host),
	compute_nodes.availability_zone)`

const computeNodeCols = `id, COALESCE(uuid, ''), COALESCE(service_uuid, ''), host, hypervisor_name, ` + hostZone +
	`, driver, hypervisor_type, hypervisor_version, vcpus, memory_mb, local_gb, vcpus_used, memory_mb_used, local_gb_used,
	disabled, disabled_reason, forced_down, heartbeat_at, created_at`

// nodeScan holds a compute_nodes row (computeNodeCols) while it is read.
type nodeScan struct {
	n       novalite.ComputeNode
	reason  sql.NullString
	hb, cre int64
}

func (s *nodeScan) dest() []any {
	n := &s.n
	return []any{&n.ID, &n.UUID, &n.ServiceUUID, &n.Host, &n.HypervisorName, &n.AvailabilityZone, &n.Driver, &n.HypervisorType,
		&n.HypervisorVersion, &n.Total.VCPUs,
		&n.Total.MemoryMB, &n.Total.DiskGB, &n.Used.VCPUs, &n.Used.MemoryMB, &n.Used.DiskGB, &n.Disabled, &s.reason,
		&n.ForcedDown, &s.hb, &s.cre}
}

func (s *nodeScan) node() novalite.ComputeNode {
	s.n.DisabledReason, s.n.HeartbeatAt, s.n.CreatedAt = s.reason.String, fromMicros(s.hb), fromMicros(s.cre)
	return s.n
}

func scanComputeNode(s interface{ Scan(...any) error }) (novalite.ComputeNode, error) {
	var ns nodeScan
	err := s.Scan(ns.dest()...)
	return ns.node(), err
}

// ComputeNodeRegister creates or refreshes a host's row on agent start:
// capacity, zone and driver as configured now, a fresh heartbeat, and the
// usage recounted from the live servers placed on it (so a crash between
// two writes never leaves the counters wrong for long). The enabled and
// forced-down flags an operator set are kept, and so are the ids of a
// host registered before (n.UUID and n.ServiceUUID are used only for a
// new row).
func (tx *Tx) ComputeNodeRegister(ctx context.Context, n novalite.ComputeNode, now time.Time) error {
	if n.HypervisorType == "" {
		n.HypervisorType, n.HypervisorVersion = "fake", 1000
	}
	_, err := tx.Exec(ctx, `INSERT INTO compute_nodes (host, hypervisor_name, availability_zone, driver, vcpus,
		memory_mb, local_gb, heartbeat_at, created_at, uuid, service_uuid, hypervisor_type, hypervisor_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12)
		ON CONFLICT (host) DO UPDATE SET hypervisor_name = excluded.hypervisor_name,
		uuid = COALESCE(compute_nodes.uuid, excluded.uuid),
		service_uuid = COALESCE(compute_nodes.service_uuid, excluded.service_uuid),
		availability_zone = excluded.availability_zone, driver = excluded.driver, vcpus = excluded.vcpus,
		memory_mb = excluded.memory_mb, local_gb = excluded.local_gb, heartbeat_at = excluded.heartbeat_at,
		hypervisor_type = excluded.hypervisor_type, hypervisor_version = excluded.hypervisor_version`,
		n.Host, n.HypervisorName, n.AvailabilityZone, n.Driver, n.Total.VCPUs, n.Total.MemoryMB, n.Total.DiskGB,
		micros(now), n.UUID, n.ServiceUUID, n.HypervisorType, n.HypervisorVersion)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE compute_nodes SET
		vcpus_used = (SELECT COALESCE(SUM(vcpus), 0) FROM instances WHERE host = $1 AND deleted = $2),
		memory_mb_used = (SELECT COALESCE(SUM(memory_mb), 0) FROM instances WHERE host = $1 AND deleted = $2),
		local_gb_used = (SELECT COALESCE(SUM(root_gb), 0) FROM instances WHERE host = $1 AND deleted = $2)
		WHERE host = $1`, n.Host, false)
	return err
}

// ComputeNodeList returns the hosts named (all when hosts is nil), by name.
func (tx *Tx) ComputeNodeList(ctx context.Context, hosts []string) ([]novalite.ComputeNode, error) {
	var w where
	if hosts != nil {
		if len(hosts) == 0 {
			return nil, nil
		}
		w.conds = append(w.conds, "host IN ("+inArgs(&w, hosts)+")")
	}
	rows, err := tx.query(ctx, `SELECT `+computeNodeCols+` FROM compute_nodes`+w.sql()+` ORDER BY host`, w.args...)
	return collect(rows, err, func(r *sql.Rows) (novalite.ComputeNode, error) { return scanComputeNode(r) })
}

// CPUAllocationRatio is Nova's initial_cpu_allocation_ratio: placement
// offers four virtual CPUs per physical one (RAM and disk: 1.0).
const CPUAllocationRatio = 4

// ComputeNodeClaim adds r to host's usage if it still fits its capacity,
// in one conditional update: two schedulers can never over-commit a host.
// It reports whether the claim was made.
func (tx *Tx) ComputeNodeClaim(ctx context.Context, host string, r novalite.Resources) (bool, error) {
	n, err := tx.Exec(ctx, `UPDATE compute_nodes SET vcpus_used = vcpus_used + $1,
		memory_mb_used = memory_mb_used + $2, local_gb_used = local_gb_used + $3
		WHERE host = $4 AND vcpus_used + $1 <= vcpus * $5 AND memory_mb_used + $2 <= memory_mb
		AND local_gb_used + $3 <= local_gb`, r.VCPUs, r.MemoryMB, r.DiskGB, host, CPUAllocationRatio)
	return n > 0, err
}

// ComputeNodeRelease gives r back to host (never below zero).
func (tx *Tx) ComputeNodeRelease(ctx context.Context, host string, r novalite.Resources) error {
	_, err := tx.Exec(ctx, `UPDATE compute_nodes SET
		vcpus_used = CASE WHEN vcpus_used > $1 THEN vcpus_used - $1 ELSE 0 END,
		memory_mb_used = CASE WHEN memory_mb_used > $2 THEN memory_mb_used - $2 ELSE 0 END,
		local_gb_used = CASE WHEN local_gb_used > $3 THEN local_gb_used - $3 ELSE 0 END
		WHERE host = $4`, r.VCPUs, r.MemoryMB, r.DiskGB, host)
	return err
}

// ComputeNodeZoneAvailable reports whether some enabled host is in zone.
func (tx *Tx) ComputeNodeZoneAvailable(ctx context.Context, zone string) (bool, error) {
	var one int
	err := tx.queryRow(ctx, `SELECT 1 FROM compute_nodes WHERE `+hostZone+` = $1 AND disabled = $2 LIMIT 1`,
		zone, false).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, mapErr(err)
}

// ComputeNodeGet returns one host by name.
func (tx *Tx) ComputeNodeGet(ctx context.Context, host string) (novalite.ComputeNode, error) {
	n, err := scanComputeNode(tx.queryRow(ctx, `SELECT `+computeNodeCols+` FROM compute_nodes WHERE host = $1`, host))
	return n, mapErr(err)
}

// ComputeNodeUpdateService applies u to host's row and reports whether
// the host exists.
func (tx *Tx) ComputeNodeUpdateService(ctx context.Context, host string, u novalite.ComputeServiceUpdate) (bool, error) {
	var w where
	var set []string
	if u.Disabled != nil {
		var reason any
		if u.DisabledReason != nil {
			reason = *u.DisabledReason
		}
		set = append(set, "disabled = "+w.arg(*u.Disabled), "disabled_reason = "+w.arg(reason))
	}
	if u.ForcedDown != nil {
		set = append(set, "forced_down = "+w.arg(*u.ForcedDown))
	}
	if len(set) == 0 {
		set = append(set, "host = host")
	}
	n, err := tx.Exec(ctx, `UPDATE compute_nodes SET `+strings.Join(set, ", ")+` WHERE host = `+w.arg(host), w.args...)
	return n > 0, err
}

// ComputeNodeDelete removes a host's row and its aggregate memberships.
func (tx *Tx) ComputeNodeDelete(ctx context.Context, host string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM aggregate_hosts WHERE host = $1`, host); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM compute_nodes WHERE host = $1`, host)
	return err
}
