package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"novalite"
	"novalite/internal/store"
)

// metrics are one app's Prometheus metrics (docs/metrics.md). Each app
// has its own registry, so that several apps in one process (tests,
// novalitetest) do not share or collide.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// taskWait is the agents' reconcile lag: from the commit that set a
	// server's task to its host's agent starting the driver call.
	taskWait *prometheus.HistogramVec
	taskTime *prometheus.HistogramVec
}

func newMetrics(db *store.DB) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "novalite_http_requests_total", Help: "HTTP requests by API, route, method and status code.",
		}, []string{"api", "route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "novalite_http_request_duration_seconds", Help: "HTTP request latency by API and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"api", "route", "method"}),
		taskWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "novalite_agent_task_wait_seconds", Help: "Reconcile lag: time from a server's task being set to its host's agent starting it, by host and action.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"host", "action"}),
		taskTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "novalite_agent_task_duration_seconds", Help: "Time the virt driver took for a task, by host and action.",
			Buckets: []float64{.001, .01, .1, .5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}, []string{"host", "action"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.taskWait, m.taskTime, serversCollector{db},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, pool := range db.Pools() {
		m.registry.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// observe records a finished request. The API is the first path segment
// and the route the pattern that matched, so label values stay few.
func (m *metrics) observe(r *http.Request, route string, status int, el time.Duration) {
	api := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
	switch api {
	case "identity", "compute", "image", "network", "novalite", "healthz", "readyz", "metrics":
	default:
		api = "other"
	}
	if _, pattern, ok := strings.Cut(route, " "); ok { // "GET /v2.1/servers" → "/v2.1/servers"
		route = pattern
	}
	if route == "" {
		route = "none"
	}
	m.requests.WithLabelValues(api, route, r.Method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(api, route, r.Method).Observe(el.Seconds())
}

// serversCollector counts the servers by Nova status at each scrape.
type serversCollector struct{ db *store.DB }

var serversDesc = prometheus.NewDesc("novalite_servers", "Servers not deleted, by Nova status.", []string{"status"}, nil)

func (c serversCollector) Describe(ch chan<- *prometheus.Desc) { ch <- serversDesc }

func (c serversCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var counts []store.StateCount
	err := c.db.View(ctx, func(tx *store.Tx) (err error) {
		counts, err = tx.InstanceCountByState(ctx)
		return err
	})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(serversDesc, err)
		return
	}
	byStatus := map[string]float64{}
	for _, sc := range counts {
		byStatus[novalite.Status(sc.VMState, sc.TaskState)] += float64(sc.Count)
	}
	for status, n := range byStatus {
		ch <- prometheus.MustNewConstMetric(serversDesc, prometheus.GaugeValue, n, status)
	}
}

// agentObserver records host's finished driver calls.
func (m *metrics) agentObserver(host string) func(action string, waited, took time.Duration) {
	return func(action string, waited, took time.Duration) {
		m.taskWait.WithLabelValues(host, action).Observe(max(waited, 0).Seconds())
		m.taskTime.WithLabelValues(host, action).Observe(took.Seconds())
	}
}
