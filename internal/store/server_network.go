package store

import (
	"context"
	"database/sql"
	"strings"
)

// Queries that join servers to the network tables, for the server views
// and the ip/ip6 list filters. Each takes any number of keys in one query.

// FloatingIPAddressesByPorts returns, per port id, the floating addresses
// associated with it.
func (tx *Tx) FloatingIPAddressesByPorts(ctx context.Context, portIDs []string) (map[string][]string, error) {
	if len(portIDs) == 0 {
		return map[string][]string{}, nil
	}
	var w where
	q := `SELECT port_id, floating_ip_address FROM floatingips WHERE ` + inList("port_id", &w, portIDs) +
		` ORDER BY floating_ip_address`
	return tx.groupedStrings(ctx, q, w.args...)
}

// groupedStrings runs q, whose rows are (key, value) pairs, and returns
// the values of each key in the rows' order; a key without rows is absent.
func (tx *Tx) groupedStrings(ctx context.Context, q string, args ...any) (map[string][]string, error) {
	out := map[string][]string{}
	rows, err := tx.query(ctx, q, args...)
	pairs, err := collect(rows, err, func(r *sql.Rows) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out, err
}

// SecurityGroupNames returns the names of the groups with the given ids.
func (tx *Tx) SecurityGroupNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var w where
	rows, err := tx.query(ctx, `SELECT id, name FROM security_groups WHERE `+inList("id", &w, ids), w.args...)
	pairs, err := collect(rows, err, func(r *sql.Rows) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	for _, p := range pairs {
		out[p[0]] = p[1]
	}
	return out, err
}

// ServerIDsByFixedIP lists the device ids (servers) of compute ports with
// a fixed address containing sub, IPv6 addresses when v6 else IPv4.
func (tx *Tx) ServerIDsByFixedIP(ctx context.Context, sub string, v6 bool) ([]string, error) {
	fam := `NOT LIKE '%:%'`
	if v6 {
		fam = `LIKE '%:%'`
	}
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(sub)
	rows, err := tx.query(ctx, `SELECT DISTINCT p.device_id FROM ip_allocations a JOIN ports p ON p.id = a.port_id
		WHERE p.device_owner LIKE 'compute:%' AND a.ip_address `+fam+` AND a.ip_address LIKE $1 ESCAPE '\'`,
		"%"+esc+"%")
	return collect(rows, err, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}
