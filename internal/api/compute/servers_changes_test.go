package compute_test

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

// The updated timestamp read back from the API (whole seconds) finds its
// server with either filter; changes-since also compares a client's own
// sub-second reading exactly (novaclient's test_list_with_changes_since
// reads the clock, boots a server and lists changes since that reading).
func TestChangesFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "changed", nil)
	at := time.Date(2026, 3, 4, 5, 6, 7, 700000000, time.UTC)
	if err := b.execSQL(`UPDATE instances SET updated_at = $1 WHERE uuid = $2`, at.UnixMicro(), id); err != nil {
		t.Fatal(err)
	}
	shown := b.show(t, b.demo, id, "2.66")["updated"].(string)
	if shown != "2026-03-04T05:06:07Z" {
		t.Fatalf("updated shown as %s", shown)
	}
	for _, tc := range []struct {
		query string
		found bool
	}{
		{"changes-since=" + shown, true},
		{"changes-before=" + shown, true},
		{"changes-since=" + shown + "&changes-before=" + shown, true},
		{"changes-since=2026-03-04T05:06:07.5Z", true},
		{"changes-since=2026-03-04T05:06:07.700000Z", true},
		{"changes-since=2026-03-04T05:06:07.700001Z", false},
		{"changes-before=2026-03-04T05:06:06.9Z", false},
		{"changes-since=2026-03-04T05:06:08Z", false},
		{"changes-before=2026-03-04T05:06:07.1Z", true},
	} {
		resp := b.do("GET", "/servers?"+url.PathEscape(tc.query), b.demo, "2.66", nil)
		if got := slices.Contains(names(t, resp), "changed"); got != tc.found {
			t.Errorf("%s: found %v, want %v (%s)", tc.query, got, tc.found, resp.Body)
		}
	}
}
