package compute

import (
	"context"
	"time"

	"novalite"
	"novalite/internal/store"
)

// ServerUsage is one server's share of a usage period.
type ServerUsage struct {
	Server    novalite.Server
	Hours     float64
	State     string    // "terminated" once terminated_at is set, else vm_state
	EndedAt   time.Time // zero = still running
	UptimeSec int64
}

// TenantUsage sums a project's servers over [Start, Stop].
type TenantUsage struct {
	ProjectID                       string
	Start, Stop                     time.Time
	Hours, LocalGB, VCPUs, MemoryMB float64
	Servers                         []ServerUsage
}

// hoursFor is Nova's _hours_for: the hours a server ran inside the
// period (0 if it was never launched).
func hoursFor(v novalite.Server, start, stop time.Time) float64 {
	if v.LaunchedAt.IsZero() {
		return 0
	}
	if !v.TerminatedAt.IsZero() && v.TerminatedAt.Before(start) {
		return 0
	}
	if v.LaunchedAt.After(stop) {
		return 0
	}
	from := v.LaunchedAt
	if start.After(from) {
		from = start
	}
	to := stop
	if !v.TerminatedAt.IsZero() && v.TerminatedAt.Before(stop) {
		to = v.TerminatedAt
	}
	return to.Sub(from).Seconds() / 3600
}

// ErrUsageMarker is returned (as Invalid) for a marker that is no server.
func usageMarkerNotFound(m string) error {
	return novalite.Errorf(novalite.Invalid, "Marker %s could not be found.", m)
}

// UsageParams asks os-simple-tenant-usage for [Start, Stop], of every
// project or of ProjectID, a page of servers (Limit, after Marker) at a
// time.
type UsageParams struct {
	Start, Stop time.Time
	ProjectID   string // empty: every project
	Limit       int
	Marker      string
}

// TenantUsages is os-simple-tenant-usage: the usage of every project (or
// of projectID) over [start, stop], one page of servers (limit, marker)
// at a time, projects in order of their first server. It also returns the
// servers counted, for the paging links.
func (s *Service) TenantUsages(ctx context.Context, p UsageParams) ([]TenantUsage, []ServerUsage, error) {
	var list []novalite.Server
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		list, err = tx.InstancesActiveInWindow(ctx, store.UsageWindowParams{Start: p.Start, End: p.Stop,
			ProjectID: p.ProjectID, Marker: p.Marker, Limit: p.Limit})
		if novalite.IsKind(err, novalite.NotFound) {
			return usageMarkerNotFound(p.Marker)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	now := s.now().UTC()
	var out []TenantUsage
	idx := map[string]int{}
	all := make([]ServerUsage, 0, len(list))
	for _, v := range list {
		u := ServerUsage{Server: v, Hours: hoursFor(v, p.Start, p.Stop), State: string(v.VMState), EndedAt: v.TerminatedAt}
		if !v.TerminatedAt.IsZero() {
			u.State = "terminated"
			u.UptimeSec = int64(v.TerminatedAt.Sub(v.LaunchedAt).Seconds())
		} else {
			u.UptimeSec = int64(now.Sub(v.LaunchedAt).Seconds())
		}
		i, ok := idx[v.ProjectID]
		if !ok {
			i = len(out)
			idx[v.ProjectID] = i
			out = append(out, TenantUsage{ProjectID: v.ProjectID, Start: p.Start, Stop: p.Stop})
		}
		t := &out[i]
		f := v.Flavor
		t.LocalGB += float64(f.RootGB+f.EphemeralG) * u.Hours
		t.VCPUs += float64(f.VCPUs) * u.Hours
		t.MemoryMB += float64(f.MemoryMB) * u.Hours
		t.Hours += u.Hours
		t.Servers = append(t.Servers, u)
		all = append(all, u)
	}
	return out, all, nil
}
