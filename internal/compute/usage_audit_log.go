package compute

import (
	"context"
	"regexp"
	"strconv"
	"time"

	"novalite"
	"novalite/internal/store"
)

// UsageAuditLog is the state of the instance usage audit for one audit
// period (os-instance-usage-audit-log). novalite's hosts never run the
// audit (Nova's instance_usage_audit is off by default), so no host has
// a task log for the period: every compute host is "not run".
type UsageAuditLog struct {
	Begin, End time.Time // the period, UTC
	Hosts      []string  // every compute host, enabled or not, by name
}

// UsageAuditLog returns the audit of the monthly period most recently
// completed before before (zero: now), as Nova's default
// instance_usage_audit_period ("month") defines it.
func (s *Service) UsageAuditLog(ctx context.Context, before time.Time) (UsageAuditLog, error) {
	if before.IsZero() {
		before = s.now().UTC()
	}
	out := UsageAuditLog{Hosts: []string{}}
	out.Begin, out.End = lastCompletedMonth(before)
	err := s.db.View(ctx, func(tx *store.Tx) error {
		nodes, err := tx.ComputeNodeList(ctx, nil)
		for _, n := range nodes {
			out.Hosts = append(out.Hosts, n.Host)
		}
		return err
	})
	return out, err
}

// lastCompletedMonth is the calendar month that ended most recently
// before t; a month ending exactly at t does not count as completed, as
// in Nova's last_completed_audit_period.
func lastCompletedMonth(t time.Time) (begin, end time.Time) {
	end = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !end.Before(t) {
		end = end.AddDate(0, -1, 0)
	}
	return end.AddDate(0, -1, 0), end
}

// auditTimestamp is the shape Nova's strptime formats accept:
// "%Y-%m-%d %H:%M:%S", with ".%f" when the value has a dot.
var auditTimestamp = regexp.MustCompile(`^(\d{4})-(\d{1,2})-( ?\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$`)

// ParseAuditTimestamp reads the before_timestamp of
// GET /os-instance-usage-audit-log/{before_timestamp} (UTC); 400 with
// Nova's message when it is not a valid date and time.
func ParseAuditTimestamp(s string) (time.Time, error) {
	bad := novalite.Errorf(novalite.Invalid, "Invalid timestamp for date %s", s)
	m := auditTimestamp.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, bad
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(trimSpace(m[i+1]))
	}
	nsec := 0
	if m[7] != "" {
		f := m[7]
		for len(f) < 9 {
			f += "0"
		}
		nsec, _ = strconv.Atoi(f)
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], nsec, time.UTC)
	if n[0] < 1 || n[1] < 1 || n[1] > 12 || t.Day() != n[2] || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return time.Time{}, bad
	}
	return t, nil
}

func trimSpace(s string) string {
	if len(s) > 0 && s[0] == ' ' {
		return s[1:]
	}
	return s
}
