package compute_test

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

// changes-since and changes-before compare at whole seconds, as Nova's
// database keeps them and the API shows them: the updated timestamp read
// back from the API finds its server with either filter.
func TestChangesFiltersAtWholeSeconds(t *testing.T) {
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
		{"changes-since=2026-03-04T05:06:07.5Z", false},
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
