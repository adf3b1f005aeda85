package store

import (
	"encoding/json"
	"strings"

	"novalite"
)

// matchText adds the condition m on column col to w. The case-insensitive
// forms compare lower-cased values.
func (tx *Tx) matchText(w *where, col string, m novalite.TextMatch) {
	op, v := m.Op, m.Value
	if strings.HasPrefix(op, "i") {
		op, v, col = op[1:], strings.ToLower(v), "lower("+col+")"
	}
	switch op {
	case "":
		w.add(col+` = ?`, v)
	case "contains":
		if tx.engine == Postgres {
			w.add(`strpos(`+col+`, ?) > 0`, v)
		} else {
			w.add(`instr(`+col+`, ?) > 0`, v)
		}
	case "startswith":
		p := w.arg(v)
		w.conds = append(w.conds, `substr(`+col+`, 1, length(`+p+`)) = `+p)
	case "endswith":
		p := w.arg(v)
		w.conds = append(w.conds, `length(`+col+`) >= length(`+p+`) AND substr(`+col+`, length(`+col+`) - length(`+p+`) + 1) = `+p)
	default:
		w.conds = append(w.conds, `1 = 0`)
	}
}

// jsonHas returns a condition true when the JSON array in col holds the
// string bound at placeholder p.
func (tx *Tx) jsonHas(col, p string) string {
	if tx.engine == Postgres {
		return `EXISTS (SELECT 1 FROM jsonb_array_elements_text(` + col + `::jsonb) AS t(v) WHERE t.v = ` + p + `)`
	}
	return `EXISTS (SELECT 1 FROM json_each(` + col + `) WHERE value = ` + p + `)`
}

// extraText encodes extra attributes as a JSON object.
func extraText(m map[string]any) string {
	if m == nil {
		return "{}"
	}
	return jsonText(m)
}

func extraOf(s string) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal([]byte(s), &m)
	return m
}
