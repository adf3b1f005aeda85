package image

import (
	"net/http/httptest"
	"strings"
	"testing"

	"novalite"
	"novalite/internal/api/httpx"
)

// FuzzImagePatch: any PATCH body of either JSON-patch dialect becomes
// changes or is refused as Invalid, and no change names a property with
// NUL or invalid UTF-8 (one such key once broke every property-filtered
// list on PostgreSQL).
func FuzzImagePatch(f *testing.F) {
	for _, s := range []string{`[{"op": "add", "path": "/hw_disk_bus", "value": "scsi"}]`,
		`[{"op": "remove", "path": "/k"}]`, `[{"replace": "/name", "value": "x"}]`, `[{"op": "add", "path": "/k\u0000", "value": "v"}]`,
		"[{\"op\": \"add\", \"path\": \"/\xff\", \"value\": \"v\"}]", `[{"op": "add", "path": "/tags/-", "value": "t"}]`, `{}`, `[1]`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, draft4 bool) {
		r := httptest.NewRequest("PATCH", "/", strings.NewReader(body))
		var raw []map[string]any
		if _, err := httpx.ReadBody(r, &raw, "malformed"); err != nil {
			return
		}
		changes, err := patchChanges(raw, draft4)
		if err != nil {
			if novalite.KindOf(err) != novalite.Invalid {
				t.Fatalf("kind %v: %v", novalite.KindOf(err), err)
			}
			return
		}
		for _, c := range changes {
			if v, isText := c.Value.(string); !httpx.ValidText(c.Path) || isText && !httpx.ValidText(v) {
				t.Fatalf("change %q = %q", c.Path, c.Value)
			}
		}
	})
}
