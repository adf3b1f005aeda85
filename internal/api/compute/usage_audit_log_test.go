package compute_test

import (
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestInstanceUsageAuditLog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	keys := []string{"hosts_not_run", "log", "num_hosts", "num_hosts_done", "num_hosts_not_run", "num_hosts_running",
		"overall_status", "period_beginning", "period_ending", "total_errors", "total_instances"}
	r := b.do("GET", "/os-instance_usage_audit_log", b.admin, "2.1", nil)
	idx, ok := r.JSON(t)["instance_usage_audit_logs"].(map[string]any)
	if !ok || !slices.Equal(sortedKeys(idx), keys) {
		t.Fatalf("index: %s", r.Body)
	}
	hosts := idx["hosts_not_run"].([]any)
	n := float64(len(hosts))
	if idx["num_hosts"] != n || idx["num_hosts_not_run"] != n || idx["num_hosts_done"] != float64(0) ||
		idx["total_instances"] != float64(0) || len(idx["log"].(map[string]any)) != 0 {
		t.Errorf("index: %s", r.Body)
	}
	wantStatus := "ALL hosts done. 0 errors."
	if n > 0 {
		wantStatus = "0 of " + strconv.Itoa(len(hosts)) + " hosts done. 0 errors."
	}
	if idx["overall_status"] != wantStatus {
		t.Errorf("overall_status %v, want %s", idx["overall_status"], wantStatus)
	}
	now := time.Now().UTC()
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if idx["period_ending"] != thisMonth.Format("2006-01-02 15:04:05") ||
		idx["period_beginning"] != thisMonth.AddDate(0, -1, 0).Format("2006-01-02 15:04:05") {
		t.Errorf("period: %v - %v", idx["period_beginning"], idx["period_ending"])
	}

	for _, tt := range []struct {
		name, before, token, mv string
		wantStatus              int
		wantBegin, wantEnd      string
		wantMsg                 string
	}{
		{"mid month", "2012-07-15 10:00:00", b.admin, "2.1", 200, "2012-06-01 00:00:00", "2012-07-01 00:00:00", ""},
		{"fraction", "2012-07-15 10:00:00.25", b.admin, "2.1", 200, "2012-06-01 00:00:00", "2012-07-01 00:00:00", ""},
		{"exactly at month start", "2012-07-01 00:00:00", b.admin, "2.1", 200, "2012-05-01 00:00:00", "2012-06-01 00:00:00", ""},
		{"january", "2013-01-05 1:2:3", b.admin, "2.1", 200, "2012-12-01 00:00:00", "2013-01-01 00:00:00", ""},
		{"invalid", "invalid_time", b.admin, "2.1", 400, "", "", "Invalid timestamp for date invalid_time"},
		{"no such day", "2013-02-30 00:00:00", b.admin, "2.1", 400, "", "", "Invalid timestamp for date 2013-02-30 00:00:00"},
		{"date only", "2013-02-03", b.admin, "2.1", 400, "", "", "Invalid timestamp for date 2013-02-03"},
		{"member", "2012-07-15 10:00:00", b.demo, "2.1", 403, "", "",
			"Policy doesn't allow os_compute_api:os-instance-usage-audit-log:show to be performed."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("GET", "/os-instance_usage_audit_log/"+url.PathEscape(tt.before), tt.token, tt.mv, nil)
			status, msg := fault(t, r)
			if status != tt.wantStatus || msg != tt.wantMsg {
				t.Fatalf("got %d %q", status, msg)
			}
			if status != 200 {
				return
			}
			got := r.JSON(t)["instance_usage_audit_log"].(map[string]any)
			if got["period_beginning"] != tt.wantBegin || got["period_ending"] != tt.wantEnd || !slices.Equal(sortedKeys(got), keys) {
				t.Errorf("show: %s", r.Body)
			}
		})
	}
	r = b.do("GET", "/os-instance_usage_audit_log", b.demo, "2.1", nil)
	if status, msg := fault(t, r); status != 403 ||
		msg != "Policy doesn't allow os_compute_api:os-instance-usage-audit-log:list to be performed." {
		t.Errorf("member index: %d %q", status, msg)
	}
}
