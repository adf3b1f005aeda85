package store

import (
	"fmt"
	"strconv"
	"strings"

	"novalite"
)

// NetFilter narrows a list of one of the network tables (networks,
// subnets, ports, security groups and rules, routers, floating IPs).
// Scope: an admin sees every row; others see what the table's scope rule
// lets their project see. Eq holds Neutron's query filters, API field
// name → accepted values (any of them); only the fields the table knows
// are honoured, so column names never come from the caller.
type NetFilter struct {
	Admin     bool
	ProjectID string
	Eq        map[string][]string
	Marker    string // id of the last row of the previous page
	Limit     int    // 0 = no limit
	Reverse   bool   // page backwards from Marker (page_reverse)
	// Sort orders the list (Neutron's sort_key/sort_dir), then by id;
	// with none, by id alone.
	Sort []NetSort
}

// NetSort is one sort key: an API field name, ascending or not.
type NetSort struct {
	Field string
	Asc   bool
}

// col is a filterable column and how its query values convert.
type col struct {
	name string
	kind byte // 's' text, 'b' boolean, 'i' integer
}

func addEq(w *where, cols map[string]col, eq map[string][]string) {
	for field, vals := range eq {
		c, ok := cols[field]
		if !ok || len(vals) == 0 {
			continue
		}
		var ph []string
		for _, v := range vals {
			switch c.kind {
			case 'b':
				b, err := strconv.ParseBool(v)
				if err != nil {
					w.add("1 = 0")
					return
				}
				ph = append(ph, w.arg(b))
			case 'i':
				n, err := strconv.Atoi(v)
				if err != nil {
					w.add("1 = 0")
					return
				}
				ph = append(ph, w.arg(n))
			default:
				ph = append(ph, w.arg(v))
			}
		}
		w.add(c.name + " IN (" + strings.Join(ph, ", ") + ")")
	}
}

// page adds the keyset condition after Marker and returns ORDER BY …
// LIMIT …, for the table from ("ports p": cols' names are qualified by
// its alias) whose sortable fields are cols. Sort keys are Neutron's
// sort_key: a field the table does not know is its 400. A marker with
// sort keys continues after the marker row's values of those keys (then
// its id), as Neutron's paginate_query.
func (f NetFilter) page(w *where, from string, cols map[string]col) (string, error) {
	keys := make([]NetSort, 0, len(f.Sort)+1)
	var unknown []string
	hasID := false
	for _, s := range f.Sort {
		if _, ok := cols[s.Field]; !ok {
			unknown = append(unknown, "'"+s.Field+"'")
		}
		hasID = hasID || cols[s.Field].name == cols["id"].name
		keys = append(keys, s)
	}
	if len(unknown) > 0 {
		e := novalite.Errorf(novalite.Invalid, "[%s] is invalid attribute for sort_keys", strings.Join(unknown, ", "))
		e.Reason = "HTTPBadRequest"
		return "", e
	}
	if !hasID {
		keys = append(keys, NetSort{Field: "id", Asc: true})
	}
	idCol := cols["id"].name
	var order, after []string
	var equal string
	m := ""
	if f.Marker != "" {
		m = w.arg(f.Marker)
	}
	for _, k := range keys {
		c := cols[k.Field].name
		asc := k.Asc != f.Reverse
		// NULL sorts below every value, as on Neutron's MySQL, on both
		// engines (PostgreSQL's default puts it last, SQLite's first).
		dir := "ASC NULLS FIRST"
		if !asc {
			dir = "DESC NULLS LAST"
		}
		order = append(order, c+" "+dir)
		if m != "" {
			mv := fmt.Sprintf("(SELECT %s FROM %s WHERE %s = %s)", c, from, idCol, m)
			after = append(after, "("+equal+beyond(c, mv, asc)+")")
			equal += c + " IS NOT DISTINCT FROM " + mv + " AND "
		}
	}
	if len(after) > 0 {
		w.add("(" + strings.Join(after, " OR ") + ")")
	}
	s := " ORDER BY " + strings.Join(order, ", ")
	if f.Limit > 0 {
		s += " LIMIT " + strconv.Itoa(f.Limit)
	}
	return s, nil
}

// beyond is the condition that column c comes after the marker's value
// mv in the order page sorts by (ascending or not, NULL lowest): a
// comparison with NULL alone is never true.
func beyond(c, mv string, asc bool) string {
	if asc {
		return fmt.Sprintf("CASE WHEN %[2]s IS NULL THEN %[1]s IS NOT NULL ELSE %[1]s > %[2]s END", c, mv)
	}
	return fmt.Sprintf("CASE WHEN %[2]s IS NULL THEN 1 = 0 ELSE %[1]s < %[2]s OR %[1]s IS NULL END", c, mv)
}
