package app

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "novalite_http_requests_total", Help: "HTTP requests by API and status code.",
	}, []string{"api", "method", "code"})
	latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "novalite_http_request_duration_seconds", Help: "HTTP request latency by API.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"api", "method"})
	registry = prometheus.NewRegistry()
)

func init() {
	registry.MustRegister(requests, latency,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
}

func metricsHandler() http.Handler { return promhttp.HandlerFor(registry, promhttp.HandlerOpts{}) }

// observe records a finished request; the API is the first path segment,
// so label cardinality stays small.
func observe(r *http.Request, status int, el time.Duration) {
	api := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
	switch api {
	case "identity", "compute", "image", "network", "healthz", "metrics":
	default:
		api = "other"
	}
	requests.WithLabelValues(api, r.Method, strconv.Itoa(status)).Inc()
	latency.WithLabelValues(api, r.Method).Observe(el.Seconds())
}
