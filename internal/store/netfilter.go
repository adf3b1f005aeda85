package store

import (
	"strconv"
	"strings"
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
	Marker    string // id; the list is ordered by id
	Limit     int    // 0 = no limit
	Reverse   bool   // page backwards from Marker (page_reverse)
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

// page adds the keyset condition and returns ORDER BY … LIMIT ….
func (f NetFilter) page(w *where, idCol string) string {
	dir, op := "ASC", ">"
	if f.Reverse {
		dir, op = "DESC", "<"
	}
	if f.Marker != "" {
		w.add(idCol+" "+op+" ?", f.Marker)
	}
	s := " ORDER BY " + idCol + " " + dir
	if f.Limit > 0 {
		s += " LIMIT " + strconv.Itoa(f.Limit)
	}
	return s
}
