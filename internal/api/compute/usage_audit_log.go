package compute

import (
	"fmt"
	"net/http"
	"time"

	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// usageAuditLogView renders an audit the way Nova's controller does: with
// no host having run the audit, nothing is done and every host is missing.
func usageAuditLogView(l compute.UsageAuditLog) map[string]any {
	const layout = "2006-01-02 15:04:05"
	done := "0 of " + fmt.Sprint(len(l.Hosts))
	if len(l.Hosts) == 0 {
		done = "ALL"
	}
	return map[string]any{
		"period_beginning":  l.Begin.Format(layout),
		"period_ending":     l.End.Format(layout),
		"num_hosts":         len(l.Hosts),
		"num_hosts_done":    0,
		"num_hosts_running": 0,
		"num_hosts_not_run": len(l.Hosts),
		"hosts_not_run":     l.Hosts,
		"total_instances":   0,
		"total_errors":      0,
		"overall_status":    done + " hosts done. 0 errors.",
		"log":               map[string]any{},
	}
}

// listUsageAuditLogs is GET /os-instance_usage_audit_log (admin): the
// audit of the last completed period, as one object.
func (a *API) listUsageAuditLogs(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r); err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-instance-usage-audit-log:list",
		policy.Target{}); err != nil {
		return err
	}
	l, err := a.svc.Compute.UsageAuditLog(r.Context(), time.Time{})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"instance_usage_audit_logs": usageAuditLogView(l)})
	return nil
}

// showUsageAuditLog is GET /os-instance_usage_audit_log/{before} (admin):
// the audit of the last period completed before the timestamp.
func (a *API) showUsageAuditLog(w http.ResponseWriter, r *http.Request) error {
	if err := noQuery(r); err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-instance-usage-audit-log:show",
		policy.Target{}); err != nil {
		return err
	}
	before, err := compute.ParseAuditTimestamp(r.PathValue("before"))
	if err != nil {
		return err
	}
	l, err := a.svc.Compute.UsageAuditLog(r.Context(), before)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"instance_usage_audit_log": usageAuditLogView(l)})
	return nil
}
