package novalite

import "testing"

// TestNullablePtr: only a change that sets a value has one.
func TestNullablePtr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		n    Nullable[string]
		want *string
	}{
		{"left alone", Nullable[string]{}, nil},
		{"cleared", Nullable[string]{Set: true, Null: true, Value: "stale"}, nil},
		{"set", NullableOf("x"), new("x")},
		{"set empty", NullableOf(""), new("")},
	} {
		got := tc.n.Ptr()
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("%s: Ptr() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
