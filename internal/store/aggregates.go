package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"novalite"
)

func scanAggregate(s interface{ Scan(...any) error }) (novalite.Aggregate, error) {
	var a novalite.Aggregate
	var created int64
	var updated sql.NullInt64
	err := s.Scan(&a.ID, &a.UUID, &a.Name, &created, &updated)
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromNullMicros(updated)
	return a, err
}

// AggregateInsert adds an aggregate (with its metadata) and sets its ID;
// a taken name is a Conflict.
func (tx *Tx) AggregateInsert(ctx context.Context, a *novalite.Aggregate) error {
	err := tx.queryRow(ctx, `INSERT INTO aggregates (uuid, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
		a.UUID, a.Name, micros(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return mapErr(err)
	}
	return tx.AggregateSetMetadata(ctx, a.ID, toAnyMap(a.Metadata))
}

func toAnyMap(m map[string]string) map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = &v
	}
	return out
}

// AggregateList returns every aggregate in id order, with hosts and
// metadata.
func (tx *Tx) AggregateList(ctx context.Context) ([]novalite.Aggregate, error) {
	return tx.aggregates(ctx, nil)
}

// aggregates is AggregateList, or (id != nil) the aggregate with that id
// alone: any integer, as the API takes it (GET /os-aggregates/-1 is a 404,
// not the first aggregate).
func (tx *Tx) aggregates(ctx context.Context, id *int64) ([]novalite.Aggregate, error) {
	var w where
	if id != nil {
		w.add(`id = ?`, *id)
	}
	rows, err := tx.query(ctx, `SELECT id, uuid, name, created_at, updated_at FROM aggregates`+w.sql()+` ORDER BY id`, w.args...)
	list, err := collect(rows, err, func(r *sql.Rows) (novalite.Aggregate, error) { return scanAggregate(r) })
	if err != nil || len(list) == 0 {
		return list, err
	}
	idx := map[int64]int{}
	for i := range list {
		idx[list[i].ID] = i
		list[i].Hosts, list[i].Metadata = []string{}, map[string]string{}
	}
	sub := strings.Replace(w.sql(), "id =", "aggregate_id =", 1)
	hrows, err := tx.query(ctx, `SELECT aggregate_id, host FROM aggregate_hosts`+sub+` ORDER BY host`, w.args...)
	type pair struct {
		id   int64
		a, b string
	}
	hosts, err := collect(hrows, err, func(r *sql.Rows) (pair, error) {
		var p pair
		return p, r.Scan(&p.id, &p.a)
	})
	if err != nil {
		return nil, err
	}
	for _, p := range hosts {
		if i, ok := idx[p.id]; ok {
			list[i].Hosts = append(list[i].Hosts, p.a)
		}
	}
	mrows, err := tx.query(ctx, `SELECT aggregate_id, key, value FROM aggregate_metadata`+sub, w.args...)
	meta, err := collect(mrows, err, func(r *sql.Rows) (pair, error) {
		var p pair
		return p, r.Scan(&p.id, &p.a, &p.b)
	})
	if err != nil {
		return nil, err
	}
	for _, p := range meta {
		if i, ok := idx[p.id]; ok {
			list[i].Metadata[p.a] = p.b
		}
	}
	return list, nil
}

// AggregateGet returns one aggregate (NotFound when missing).
func (tx *Tx) AggregateGet(ctx context.Context, id int64) (novalite.Aggregate, error) {
	list, err := tx.aggregates(ctx, &id)
	if err != nil {
		return novalite.Aggregate{}, err
	}
	if len(list) == 0 {
		return novalite.Aggregate{}, &novalite.Error{Kind: novalite.NotFound, Err: sql.ErrNoRows}
	}
	return list[0], nil
}

// AggregatesOfHosts returns the aggregates that hold any of hosts.
func (tx *Tx) AggregatesOfHosts(ctx context.Context, hosts []string) ([]novalite.Aggregate, error) {
	all, err := tx.AggregateList(ctx)
	if err != nil {
		return nil, err
	}
	var out []novalite.Aggregate
	for _, a := range all {
		for _, h := range a.Hosts {
			if slices.Contains(hosts, h) {
				out = append(out, a)
				break
			}
		}
	}
	return out, nil
}

// AggregateUpdate renames an aggregate (name != "") and stamps updated_at;
// a taken name is a Conflict.
func (tx *Tx) AggregateUpdate(ctx context.Context, id int64, name string, now time.Time) error {
	var err error
	if name != "" {
		_, err = tx.Exec(ctx, `UPDATE aggregates SET name = $1, updated_at = $2 WHERE id = $3`, name, micros(now), id)
	} else {
		_, err = tx.Exec(ctx, `UPDATE aggregates SET updated_at = $1 WHERE id = $2`, micros(now), id)
	}
	return mapErr(err)
}

// AggregateSetMetadata sets (value) or removes (nil) metadata keys.
func (tx *Tx) AggregateSetMetadata(ctx context.Context, id int64, meta map[string]*string) error {
	for k, v := range meta {
		if _, err := tx.Exec(ctx, `DELETE FROM aggregate_metadata WHERE aggregate_id = $1 AND key = $2`, id, k); err != nil {
			return err
		}
		if v == nil {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO aggregate_metadata (aggregate_id, key, value) VALUES ($1, $2, $3)`,
			id, k, *v); err != nil {
			return err
		}
	}
	return nil
}

// AggregateDelete removes an aggregate with its metadata.
func (tx *Tx) AggregateDelete(ctx context.Context, id int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM aggregate_metadata WHERE aggregate_id = $1`, id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM aggregate_hosts WHERE aggregate_id = $1`, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM aggregates WHERE id = $1`, id)
	return err
}

// AggregateAddHost puts host in an aggregate (Conflict if it already is).
func (tx *Tx) AggregateAddHost(ctx context.Context, id int64, host string) error {
	_, err := tx.Exec(ctx, `INSERT INTO aggregate_hosts (aggregate_id, host) VALUES ($1, $2)`, id, host)
	return mapErr(err)
}

// AggregateRemoveHost takes host out of an aggregate and reports whether
// it was in it.
func (tx *Tx) AggregateRemoveHost(ctx context.Context, id int64, host string) (bool, error) {
	n, err := tx.Exec(ctx, `DELETE FROM aggregate_hosts WHERE aggregate_id = $1 AND host = $2`, id, host)
	return n > 0, err
}
