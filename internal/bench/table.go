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
	op   string
	conc int
	res  result
	cpu  time.Duration // server CPU (user + system) during the run
	// dbCPU is the CPU of the PostgreSQL backends serving the cloud's
	// database during the run; -1 on SQLite (in the server's own).
	dbCPU   time.Duration
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

// dbPer1000 is dbCPU per 1,000 calls, as cpuPer1000.
func (r row) dbPer1000() float64 {
	if len(r.res.lat) == 0 {
		return 0
	}
	return r.dbCPU.Seconds() * 1000 / float64(len(r.res.lat))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

// printTable writes the rows as an aligned table; on PostgreSQL with the
// CPU of its backends beside the server's.
func printTable(w io.Writer, rows []row) {
	db := len(rows) > 0 && rows[0].dbCPU >= 0
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "operation\tconc\trate\t\tp50 ms\tp99 ms\tmax ms\terrors\tCPU s/1k\t"
	if db {
		head += "DB CPU s/1k\t"
	}
	fmt.Fprintln(tw, head+"peak RSS MiB\t")
	for _, r := range rows {
		// The kinds of the mixed row share its process figures.
		cpu, dbCPU, rss := "-", "-", "-"
		if r.peakRSS > 0 {
			cpu, dbCPU, rss = fmt.Sprintf("%.3f", r.cpuPer1000()), fmt.Sprintf("%.3f", r.dbPer1000()), fmt.Sprint(r.peakRSS>>20)
		}
		if !db {
			dbCPU = ""
		} else {
			dbCPU += "\t"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s%s\t\n", r.op, r.conc, r.rate(), r.unit,
			ms(quantile(r.res.lat, 0.5)), ms(quantile(r.res.lat, 0.99)), ms(quantile(r.res.lat, 1)),
			r.res.errors, cpu, dbCPU, rss)
	}
	_ = tw.Flush()
}
