package fake

import (
	"strings"
	"testing"
	"unsafe"

	"novalite/internal/virt"
)

// TestBootCopiesItsStrings: a guest's boot record keeps copies, not
// slices of the instance's strings, which on SQLite are slices of a
// whole row's text (a kept slice would hold the row for the guest's
// life).
func TestBootCopiesItsStrings(t *testing.T) {
	row := strings.Repeat("x", 64<<10) + "web" + "img-2"
	n := 64 << 10
	inst := virt.Instance{ID: "i1", Name: row[:4], Hostname: row[n : n+3], ImageRef: row[n+3:]}
	b := bootOf(inst, true)
	for _, s := range []struct{ name, kept, from string }{
		{"name", b.name, inst.Name}, {"hostname", b.hostname, inst.Hostname}, {"image", b.image, inst.ImageRef},
	} {
		if s.kept != s.from || unsafe.StringData(s.kept) == unsafe.StringData(s.from) {
			t.Errorf("%s: kept %q at %p, want a copy of %q (at %p)", s.name, s.kept, unsafe.StringData(s.kept), s.from, unsafe.StringData(s.from))
		}
	}
}
