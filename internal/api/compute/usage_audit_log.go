package compute

import (
	"fmt"
	"net/http"
	"time"

	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// usageAuditLogView is an audit the way Nova's controller renders it:
// with no host having run the audit, nothing is done and every host is
// missing.
type usageAuditLogView struct {
	HostsNotRun     []string `json:"hosts_not_run"`
	Log             struct{} `json:"log"` // always {}
	NumHosts        int      `json:"num_hosts"`
	NumHostsDone    int      `json:"num_hosts_done"`
	NumHostsNotRun  int      `json:"num_hosts_not_run"`
	NumHostsRunning int      `json:"num_hosts_running"`
	OverallStatus   string   `json:"overall_status"`
	PeriodBeginning string   `json:"period_beginning"`
	PeriodEnding    string   `json:"period_ending"`
	TotalErrors     int      `json:"total_errors"`
	TotalInstances  int      `json:"total_instances"`
}

func usageAuditLogViewOf(l compute.UsageAuditLog) usageAuditLogView {
	const layout = "2006-01-02 15:04:05"
	done := "0 of " + fmt.Sprint(len(l.Hosts))
	if len(l.Hosts) == 0 {
		done = "ALL"
	}
	return usageAuditLogView{HostsNotRun: l.Hosts, NumHosts: len(l.Hosts), NumHostsNotRun: len(l.Hosts),
		OverallStatus: done + " hosts done. 0 errors.", PeriodBeginning: l.Begin.Format(layout),
		PeriodEnding: l.End.Format(layout)}
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
	httpx.WriteJSON(w, http.StatusOK, struct {
		Log usageAuditLogView `json:"instance_usage_audit_logs"`
	}{usageAuditLogViewOf(l)})
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
	httpx.WriteJSON(w, http.StatusOK, struct {
		Log usageAuditLogView `json:"instance_usage_audit_log"`
	}{usageAuditLogViewOf(l)})
	return nil
}
