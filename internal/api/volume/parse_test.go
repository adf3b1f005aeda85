package volume

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"novalite"
	"novalite/internal/volume"
)

// TestNameUpdate: a name or description left out is kept, null clears
// it, and Cinder's v1 display_* names are read too.
func TestNameUpdate(t *testing.T) {
	t.Parallel()
	cleared := novalite.Nullable[string]{Set: true, Null: true}
	for _, tc := range []struct {
		name string
		body map[string]any
		want volume.UpdateParams
	}{
		{"left out", map[string]any{"metadata": map[string]any{}}, volume.UpdateParams{}},
		{"values", map[string]any{"name": "n", "description": "d"},
			volume.UpdateParams{Name: novalite.NullableOf("n"), Description: novalite.NullableOf("d")}},
		{"nulls", map[string]any{"name": nil, "description": nil}, volume.UpdateParams{Name: cleared, Description: cleared}},
		{"v1 names", map[string]any{"display_name": "n", "display_description": nil},
			volume.UpdateParams{Name: novalite.NullableOf("n"), Description: cleared}},
		{"not a string", map[string]any{"name": 3.0}, volume.UpdateParams{Name: cleared}},
	} {
		if diff := cmp.Diff(tc.want, nameUpdate(tc.body)); diff != "" {
			t.Errorf("%s: nameUpdate (-want +got):\n%s", tc.name, diff)
		}
	}
}
