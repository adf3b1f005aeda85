package compute

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// The next link's query is written as Nova's _get_next_link writes it:
// the request's parameters sorted by name, one value each, the marker
// in its sorted place when the request had one and else last (Nova's
// api samples: servers?limit=1&status=…&marker=…, and
// os-keypairs?limit=1&marker=…&user_id=… for a request with a marker).
func TestNextLinkQuery(t *testing.T) {
	a := &API{}
	for _, tc := range []struct{ query, want string }{
		{"limit=1", "limit=1&marker=m"},
		{"status=ACTIVE&limit=1", "limit=1&status=ACTIVE&marker=m"},
		{"user_id=u2&marker=old&limit=1", "limit=1&marker=m&user_id=u2"},
		{"start=2026-01-01T00:00:00&limit=1&detailed=1", "detailed=1&limit=1&start=2026-01-01T00%3A00%3A00&marker=m"},
		{"limit=1&name=b&name=a", "limit=1&name=b&marker=m"},
		{"limit=1&name=a+b", "limit=1&name=a+b&marker=m"},
	} {
		r := httptest.NewRequest("GET", "/servers?"+tc.query, nil)
		links := nextLinks(a, r, "/servers", page{Limit: 1}, []string{"m"}, func(s string) string { return s })
		if len(links) != 1 || links[0].Rel != "next" {
			t.Fatalf("%s: %v", tc.query, links)
		}
		if _, q, _ := strings.Cut(links[0].Href, "?"); q != tc.want {
			t.Errorf("%s: %s, want %s", tc.query, q, tc.want)
		}
	}
	if l := nextLinks(a, httptest.NewRequest("GET", "/servers?limit=2", nil), "/servers", page{Limit: 2}, []string{"m"},
		func(s string) string { return s }); l != nil {
		t.Errorf("a page that is not full: %v", l)
	}
}
