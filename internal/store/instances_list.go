package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"modernc.org/sqlite"

	"novalite"
)

// SQLite has a REGEXP operator but no implementation of it: Nova's regex
// list filters need one (regex.go has the dialect both engines speak).
// Matching is an unanchored, case-insensitive RE2 search (as MySQL, Nova's
// usual backend, is case-insensitive); PostgreSQL uses ~* for the same
// meaning.
func init() {
	_ = sqlite.RegisterDeterministicScalarFunction("regexp", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			pat, _ := args[0].(string)
			var s string
			switch v := args[1].(type) {
			case nil:
				return nil, nil
			case string:
				s = v
			case []byte:
				s = string(v)
			default:
				s = fmt.Sprint(v)
			}
			re, err := sqliteRegexes.get(pat)
			if err != nil {
				return nil, err
			}
			return re.MatchString(s), nil
		})
}

// sqliteRegexes holds the compiled patterns of regexp(); 64 of the
// largest patterns the dialect allows stay within a few MiB.
var sqliteRegexes = newRegexCache(64)

// instanceColumn is how a Nova column name reads in our schema: expr
// for filters, sortExpr for ordering and keyset comparisons (nullable
// columns coalesced so that NULL sorts first, as in MySQL).
type instanceColumn struct {
	expr, sortExpr string
}

func (tx *Tx) instanceColumn(name string) (instanceColumn, bool) {
	text := func(col string) instanceColumn { return instanceColumn{col, col} }
	nullText := func(col string) instanceColumn { return instanceColumn{col, "COALESCE(" + col + ", '')"} }
	timeCol := func(col string) instanceColumn {
		e := "strftime('%Y-%m-%d %H:%M:%S', " + col + " / 1000000, 'unixepoch')"
		if tx.engine == Postgres {
			e = "to_char(to_timestamp(" + col + " / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
		}
		if col == "created_at" || col == "updated_at" {
			// NOT NULL: the bare column, so that the (project_id, deleted,
			// created_at, id) index serves the default order (COALESCE
			// made SQLite read and sort every row of the project).
			return instanceColumn{e, col}
		}
		return instanceColumn{e, "COALESCE(" + col + ", 0)"}
	}
	switch name {
	case "uuid", "project_id", "user_id", "image_ref", "vm_state", "hostname", "availability_zone",
		"access_ip_v4", "access_ip_v6", "reservation_id", "root_device_name", "key_data", "user_data":
		return text(name), true
	case "display_name":
		return text("name"), true
	case "display_description":
		return nullText("description"), true
	case "instance_type_id":
		return text("flavor_id"), true
	case "task_state", "host", "node", "key_name", "locked_by":
		return nullText(name), true
	case "power_state", "progress", "launch_index", "locked", "auto_disk_config":
		return instanceColumn{tx.asText(name), name}, true
	case "config_drive": // stored as a boolean, shown as "True" or ""
		return instanceColumn{"CASE WHEN config_drive THEN 'True' ELSE '' END", "config_drive"}, true
	case "kernel_id", "ramdisk_id": // never set in novalite
		return instanceColumn{"''", "''"}, true
	case "created_at", "updated_at", "launched_at", "terminated_at":
		return timeCol(name), true
	}
	return instanceColumn{}, false
}

func (tx *Tx) asText(col string) string {
	if tx.engine == Postgres {
		return col + "::text"
	}
	return "CAST(" + col + " AS TEXT)"
}

func (tx *Tx) regexOp() string {
	if tx.engine == Postgres {
		return "~*"
	}
	return "REGEXP"
}

// InstanceList returns one page of servers matching p, without their
// metadata, tags and faults (InstanceLoadExtras adds those for the page).
// An unknown marker is NotFound.
func (tx *Tx) InstanceList(ctx context.Context, p novalite.ServerListParams) ([]*novalite.Server, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	q, args, err := tx.instanceListQuery(ctx, p, tx.selectInstances(instanceListCols(p.Columns)))
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, q, args...)
	return tx.scanInstances(rows, err, newInstanceScanner(false))
}

// InstanceListIDs is InstanceList's page as the servers' uuids alone, in
// the page's order: the same filters, order, marker and limit, with no
// row to build (a list that has most of the page's views already).
func (tx *Tx) InstanceListIDs(ctx context.Context, p novalite.ServerListParams) ([]string, error) {
	if p.Limit <= 0 {
		return nil, nil
	}
	q, args, err := tx.instanceListQuery(ctx, p, `SELECT uuid`)
	if err != nil {
		return nil, err
	}
	var key string
	memo := tx.memo != nil
	if memo {
		if key, memo = listMemoKey(q, args); memo {
			if ids, ok := tx.memo.get(tx.memoGen, key); ok {
				return slices.Clone(ids), nil
			}
		}
	}
	ids, err := tx.instanceListIDs(ctx, q, args, p.Limit)
	if err == nil && memo {
		tx.memo.put(tx.memoGen, key, slices.Clone(ids))
	}
	return ids, err
}

// instanceListIDs runs InstanceListIDs' query q.
func (tx *Tx) instanceListIDs(ctx context.Context, q string, args []any, limit int) ([]string, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]string, 0, min(limit, 1000))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		ids = append(ids, id)
	}
	return ids, mapErr(rows.Err())
}

// InstancesByUUID returns the servers with uuids, deleted or not, of any
// project, read as InstanceList reads them (c: the columns; nil, every
// one), in no particular order; a uuid without a row is left out.
func (tx *Tx) InstancesByUUID(ctx context.Context, uuids []string, c *novalite.ServerColumns) ([]*novalite.Server, error) {
	if len(uuids) == 0 {
		return nil, nil
	}
	var w where
	from, cond := tx.fromJSON("instances", "uuid", &w, uuids, false)
	rows, err := tx.query(ctx, tx.selectInstances(instanceListCols(c))+` FROM `+from+` WHERE `+cond, w.args...)
	return tx.scanInstances(rows, err, newInstanceScanner(false))
}

// InstancesShow reads the servers with uuids as InstanceShow reads one
// (instancesShown): deleted or not, of any project, in no particular
// order. ports: whether any of them has ports.
func (tx *Tx) InstancesShow(ctx context.Context, uuids []string) (list []*novalite.Server, ports bool, err error) {
	if len(uuids) == 0 {
		return nil, false, nil
	}
	var w where
	from, cond := tx.fromJSON("instances", "uuid", &w, uuids, false)
	return tx.instancesShown(ctx, from+` WHERE `+cond, w.args)
}

// listColumnVariants are instanceCols for each ServerColumns a list view
// may ask for (instanceListCols).
var listColumnVariants = func() (v [16]string) {
	for i := range v {
		unread := map[string]string{"old_flavor": "NULL", "key_data": "''", "server_group": "''",
			"requested_networks": "''", "admin_password_hash": "''", "encrypted_password": "''"}
		for bit, col := range []struct{ name, constant string }{{"user_data", "NULL"}, {"trusted_certs", "NULL"},
			{"image_properties", "''"}, {"scheduler_hints", "''"}} {
			if i&(1<<bit) == 0 {
				unread[col.name] = col.constant
			}
		}
		cols := strings.Split(strings.Join(strings.Fields(instanceCols), " "), ", ")
		for j, c := range cols {
			if k, ok := unread[c]; ok {
				cols[j] = k
			}
		}
		v[i] = strings.Join(cols, ", ")
	}
	return v
}()

// instanceListCols is instanceCols for a list view's read (c; nil: every
// column): the columns the view does not show are constants, so that
// neither SQLite nor the driver reads them (user data can be 64 KB a
// server, a public key most of a KB).
func instanceListCols(c *novalite.ServerColumns) string {
	if c == nil {
		return instanceCols
	}
	i := 0
	for bit, on := range []bool{c.UserData, c.TrustedCerts, c.ImageProperties, c.SchedulerHints} {
		if on {
			i |= 1 << bit
		}
	}
	return listColumnVariants[i]
}

// instanceListQuery is the query of InstanceList (or, by its SELECT
// clause sel, InstanceListIDs) and its arguments.
func (tx *Tx) instanceListQuery(ctx context.Context, p novalite.ServerListParams, sel string) (string, []any, error) {
	var w where
	if err := tx.instanceFilters(&w, p); err != nil {
		return "", nil, err
	}
	sorts, err := tx.instanceSorts(p.Sort)
	if err != nil {
		return "", nil, err
	}
	if p.Marker != "" {
		if err := tx.instanceKeyset(ctx, &w, sorts, p.Marker); err != nil {
			return "", nil, err
		}
	}
	order := make([]string, len(sorts))
	for i, s := range sorts {
		order[i] = s.expr + map[bool]string{false: " ASC", true: " DESC"}[s.desc]
	}
	q := sel + ` FROM instances` + w.sql() + ` ORDER BY ` + strings.Join(order, ", ") +
		` LIMIT ` + w.arg(p.Limit)
	return q, w.args, nil
}

func (tx *Tx) instanceFilters(w *where, p novalite.ServerListParams) error {
	if p.ProjectID != "" {
		w.add(`project_id = ?`, p.ProjectID)
	}
	switch {
	case p.Deleted == nil:
	case *p.Deleted:
		w.add(`(deleted = ? OR vm_state = ?)`, true, string(novalite.VMSoftDeleted))
	default:
		w.add(`deleted = ?`, false)
		if !p.SoftDeleted {
			// Not "vm_state <> ?", which reads every listed row from
			// the table: the few soft-deleted servers come from their
			// partial index, and the page of a default list from the
			// (project_id, deleted, created_at, id, uuid) index alone.
			// The state is written in, not bound: SQLite prepares a
			// statement again each time a parameter its plan depends on
			// (here, whether the partial index applies) is bound.
			w.conds = append(w.conds, `id NOT IN (SELECT id FROM instances WHERE vm_state = '`+string(novalite.VMSoftDeleted)+`')`)
		}
	}
	if p.Locked != nil {
		w.add(`locked = ?`, *p.Locked)
	}
	for _, m := range p.Exact {
		c, ok := tx.instanceColumn(m.Column)
		if !ok {
			return fmt.Errorf("store: no instance column %q", m.Column)
		}
		if len(m.Values) == 0 {
			w.add(`1 = 0`)
			continue
		}
		ph := make([]string, len(m.Values))
		for i, v := range m.Values {
			ph[i] = w.arg(v)
		}
		expr := c.expr
		if m.Column == "task_state" {
			expr = c.sortExpr // "" stands for no task
		}
		w.conds = append(w.conds, expr+` IN (`+strings.Join(ph, ", ")+`)`)
	}
	for _, m := range p.Regex {
		c, ok := tx.instanceColumn(m.Column)
		if !ok {
			return fmt.Errorf("store: no instance column %q", m.Column)
		}
		for _, v := range m.Values {
			pat, err := regexTranslate(tx.engine, v)
			if err != nil {
				return err
			}
			if id, ok := reservationLiteral(m.Column, v); ok {
				w.add(`reservation_id = ?`, id) // the index's way to the rows the pattern can match
			}
			w.conds = append(w.conds, c.expr+` `+tx.regexOp()+` `+w.arg(pat))
		}
	}
	addChangedBetween(w, "updated_at", p.ChangesSince, p.ChangesBefore)
	tagCount := func(tags []string) string {
		ph := make([]string, len(tags))
		for i, t := range tags {
			ph[i] = w.arg(t)
		}
		return `(SELECT COUNT(*) FROM instance_tags t WHERE t.instance_id = instances.id AND t.tag IN (` +
			strings.Join(ph, ", ") + `))`
	}
	if len(p.Tags) > 0 {
		w.conds = append(w.conds, tagCount(p.Tags)+` = `+w.arg(len(distinct(p.Tags))))
	}
	if len(p.TagsAny) > 0 {
		w.conds = append(w.conds, tagCount(p.TagsAny)+` > 0`)
	}
	if len(p.NotTags) > 0 {
		w.conds = append(w.conds, tagCount(p.NotTags)+` < `+w.arg(len(distinct(p.NotTags))))
	}
	if len(p.NotTagsAny) > 0 {
		w.conds = append(w.conds, tagCount(p.NotTagsAny)+` = 0`)
	}
	return nil
}

func distinct(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

type sortExpr struct {
	expr string
	desc bool
}

// instanceSorts resolves the sort keys and appends Nova's tie-breakers
// (created_at, then the row id) in the direction of the first key.
func (tx *Tx) instanceSorts(keys []novalite.ServerSort) ([]sortExpr, error) {
	var out []sortExpr
	desc := true
	if len(keys) > 0 {
		desc = keys[0].Desc
	}
	hasCreated := false
	for _, k := range keys {
		c, ok := tx.instanceColumn(k.Column)
		if !ok {
			return nil, fmt.Errorf("store: no instance sort column %q", k.Column)
		}
		if k.Column == "created_at" {
			hasCreated = true
		}
		out = append(out, sortExpr{c.sortExpr, k.Desc})
	}
	if !hasCreated {
		out = append(out, sortExpr{"created_at", desc})
	}
	return append(out, sortExpr{"id", desc}), nil
}

// instanceKeyset adds the condition "after the marker row in this order".
// The marker may be any server, deleted or not, of any project (as Nova
// looks it up).
func (tx *Tx) instanceKeyset(ctx context.Context, w *where, sorts []sortExpr, marker string) error {
	exprs := make([]string, len(sorts))
	for i, s := range sorts {
		exprs[i] = s.expr
	}
	vals := make([]any, len(sorts))
	ptrs := make([]any, len(sorts))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := tx.queryRow(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM instances WHERE uuid = $1`, marker).Scan(ptrs...)
	if err != nil {
		return mapErr(err)
	}
	same := true
	for _, s := range sorts {
		same = same && s.desc == sorts[0].desc
	}
	if same { // a row-value comparison that an index can serve
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = w.arg(v)
		}
		op := map[bool]string{false: ">", true: "<"}[sorts[0].desc]
		w.conds = append(w.conds, "("+strings.Join(exprs, ", ")+") "+op+" ("+strings.Join(ph, ", ")+")")
		return nil
	}
	var ors []string
	for i, s := range sorts {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, sorts[j].expr+" = "+w.arg(vals[j]))
		}
		op := map[bool]string{false: ">", true: "<"}[s.desc]
		ands = append(ands, s.expr+" "+op+" "+w.arg(vals[i]))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	w.conds = append(w.conds, "("+strings.Join(ors, " OR ")+")")
	return nil
}
