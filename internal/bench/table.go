package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// row is one line of the table: an operation's client-side result and
// what the server process spent on it.
type row struct {
	op      string
	conc    int
	res     result
	cpu     time.Duration // server CPU (user + system) during the run
	peakRSS int64
	unit    string // what the rate counts: req/s, or ACTIVE/s, gone/s
}

func (r row) rate() float64 {
	if r.res.elapsed <= 0 {
		return 0
	}
	return float64(r.res.ops) / r.res.elapsed.Seconds()
}

// cpuPer1000 is server CPU seconds per 1,000 calls (requests, or
// request-and-wait cycles for the lifecycle rows).
func (r row) cpuPer1000() float64 {
	if len(r.res.lat) == 0 {
		return 0
	}
	return r.cpu.Seconds() * 1000 / float64(len(r.res.lat))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

// printTable writes the rows as an aligned table.
func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tconc\trate\t\tp50 ms\tp99 ms\tmax ms\terrors\tCPU s/1k\tpeak RSS MiB\t")
	for _, r := range rows {
		// The kinds of the mixed row share its process figures.
		cpu, rss := "-", "-"
		if r.peakRSS > 0 {
			cpu, rss = fmt.Sprintf("%.3f", r.cpuPer1000()), fmt.Sprint(r.peakRSS>>20)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", r.op, r.conc, r.rate(), r.unit,
			ms(quantile(r.res.lat, 0.5)), ms(quantile(r.res.lat, 0.99)), ms(quantile(r.res.lat, 1)),
			r.res.errors, cpu, rss)
	}
	_ = tw.Flush()
}
