package image

import (
	"context"
	"testing"

	"novalite"
)

// TestVisibleAndMutable is Glance's default visibility and
// modify_image rules as the service applies them. Another project's shared
// image depends on its members (a store look-up): TestImageMembers in the
// API's tests covers it.
func TestVisibleAndMutable(t *testing.T) {
	t.Parallel()
	admin := &novalite.Caller{UserID: "a", ProjectID: "admin", Roles: []novalite.Role{{Name: "admin"}, {Name: "member"}}}
	for _, c := range []struct {
		name            string
		caller          *novalite.Caller
		im              novalite.Image
		visible, change bool
	}{
		{"own private", owner, novalite.Image{Owner: "p1", Visibility: novalite.VisibilityPrivate}, true, true},
		{"own, reader", reader, novalite.Image{Owner: "p1", Visibility: novalite.VisibilityPrivate}, true, false},
		{"other's private", stranger, novalite.Image{Owner: "p1", Visibility: novalite.VisibilityPrivate}, false, false},
		{"other's public", stranger, novalite.Image{Owner: "p1", Visibility: novalite.VisibilityPublic}, true, false},
		{"other's community", stranger, novalite.Image{Owner: "p1", Visibility: novalite.VisibilityCommunity}, true, false},
		{"no owner", stranger, novalite.Image{Visibility: novalite.VisibilityPrivate}, false, false},
		{"admin", admin, novalite.Image{Owner: "p1", Visibility: novalite.VisibilityPrivate}, true, true},
	} {
		if got, _ := visible(context.Background(), nil, c.caller, c.im); got != c.visible {
			t.Errorf("%s: visible %v, want %v", c.name, got, c.visible)
		}
		if got := mutable(c.caller, c.im); got != c.change {
			t.Errorf("%s: mutable %v, want %v", c.name, got, c.change)
		}
	}
}
