package compute_test

import (
	"testing"
)

// Before 2.77 Nova's unshelve schema takes any value and the handler
// reads none of it; from 2.77 the body is checked.
func TestUnshelveBodyByVersion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "shelved", nil)
	b.launch(t, id)
	for _, tc := range []struct {
		mv     string
		body   any
		status int
		msg    string
	}{
		{"2.1", map[string]any{"availability_zone": "nowhere"}, 202, ""},
		{"2.1", "anything", 202, ""},
		{"2.76", map[string]any{}, 202, ""},
		{"2.76", map[string]any{"host": "host9"}, 202, ""},
		{"2.77", map[string]any{}, 400,
			"Invalid input for field/attribute unshelve. Value: {}. 'availability_zone' is a required property"},
		{"2.77", "anything", 400,
			"Invalid input for field/attribute unshelve. Value: anything. 'anything' is not of type 'object', 'null'"},
		{"2.77", nil, 202, ""},
	} {
		b.setState(t, id, "shelved_offloaded", "", true)
		st, msg := fault(t, b.do("POST", "/servers/"+id+"/action", b.demo, tc.mv, map[string]any{"unshelve": tc.body}))
		if st != tc.status || msg != tc.msg {
			t.Errorf("%s %v: %d %q, want %d %q", tc.mv, tc.body, st, msg, tc.status, tc.msg)
		}
	}
}
