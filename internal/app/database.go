package app

import (
	"net/url"
	"strconv"
	"time"

	"novalite/internal/store"
)

// databaseDSN adds to a PostgreSQL URL what bounds each query on the
// server too (statement_timeout: the request deadline) and each new
// connection (connect_timeout), unless the URL sets them itself. A
// deadline on the client side alone leaves the server working on a
// query nobody waits for.
func databaseDSN(dsn string, statement time.Duration) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // store.Open reports it
	}
	q := u.Query()
	if q.Get("statement_timeout") == "" {
		q.Set("statement_timeout", strconv.FormatInt(statement.Milliseconds(), 10))
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "10")
	}
	u.RawQuery = q.Encode()
	return u.String()
}
