package app_test

import (
	"bytes"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// scrape reads /metrics over HTTP and parses it as Prometheus does.
func scrape(t *testing.T, srv *apptest.Server) map[string]*dto.MetricFamily {
	t.Helper()
	resp := srv.Do(apptest.Request{Method: "GET", Path: "/metrics"})
	if resp.Status != 200 {
		t.Fatalf("/metrics: %d", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value is the value of the sample of family name whose labels include
// all of want, and whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue(), true
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue(), true
		case m.GetHistogram() != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetrics scrapes what docs/metrics.md promises after a server is
// created: requests by API, route and code, latency by route, servers by
// status, the agents' reconcile lag and driver time, and the database
// pools.
func TestMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.NoLoops = false })
	id := b.create(t, nil)
	b.wait(t, id, "ACTIVE", func(s map[string]any) bool { return s != nil && s["status"] == "ACTIVE" })
	b.do("GET", "/servers/00000000-0000-0000-0000-000000000000", b.demo, nil)
	fams := scrape(t, b.srv)
	tests := []struct {
		name   string
		labels map[string]string
		want   float64 // at least
	}{
		{"novalite_http_requests_total", map[string]string{"api": "compute", "route": "/servers", "method": "POST", "code": "202"}, 1},
		{"novalite_http_requests_total", map[string]string{"api": "compute", "route": "/servers/{id}", "method": "GET", "code": "404"}, 1},
		{"novalite_http_request_duration_seconds", map[string]string{"api": "identity", "method": "POST"}, 1},
		{"novalite_servers", map[string]string{"status": "ACTIVE"}, 1},
		{"novalite_agent_task_wait_seconds", map[string]string{"host": "novalite-compute-1", "action": "create"}, 1},
		{"novalite_agent_task_duration_seconds", map[string]string{"host": "novalite-compute-1", "action": "create"}, 1},
		{"go_sql_open_connections", nil, 1},
		{"process_resident_memory_bytes", nil, 1},
	}
	for _, tt := range tests {
		got, ok := value(fams, tt.name, tt.labels)
		if !ok || got < tt.want {
			t.Errorf("%s%v = %v (present %v), want at least %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
}
