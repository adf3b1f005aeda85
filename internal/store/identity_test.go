package store

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"novalite"
)

// The identity tables on both engines: round trips with extras, the
// Keystone name and tag filters (engine-specific SQL), uniqueness,
// assignments and the cascade of a domain delete.
func TestIdentityStore(t *testing.T) {
	forEachEngine(t, testIdentityStore)
}

func testIdentityStore(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	tx := func(f func(tx *Tx) error) {
		t.Helper()
		if err := db.Tx(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	tx(func(tx *Tx) error {
		for _, d := range []novalite.Domain{{ID: "default", Name: "Default", Enabled: true}, {ID: "d2", Name: "Other"}} {
			if err := tx.DomainInsert(ctx, d); err != nil {
				return err
			}
		}
		for _, p := range []novalite.Project{
			{ID: "p1", Name: "Alpha-Beta", DomainID: "default", Enabled: true, Tags: []string{"a", "b"},
				Extra: map[string]any{"color": "blue", "n": 1.0}},
			{ID: "p2", Name: "alpha", DomainID: "default", Enabled: false, Tags: []string{"b"}},
			{ID: "p3", Name: "gamma%", DomainID: "d2", Enabled: true},
		} {
			if err := tx.ProjectInsert(ctx, p); err != nil {
				return err
			}
		}
		for _, u := range []novalite.User{
			{ID: "u1", Name: "Alpha-Beta", DomainID: "default", Enabled: true, CreatedAt: now, Extra: map[string]any{"email2": "x@y"}},
			{ID: "u2", Name: "other", DomainID: "d2", Enabled: true, CreatedAt: now},
		} {
			if err := tx.UserInsert(ctx, u); err != nil {
				return err
			}
		}
		for _, r := range []novalite.Role{
			{ID: "r1", Name: "Alpha-Beta", Extra: map[string]any{"k": "v"}},
			{ID: "r2", Name: "reader"},
			{ID: "r3", Name: "domainrole", DomainID: "d2"},
		} {
			if err := tx.RoleInsert(ctx, r); err != nil {
				return err
			}
		}
		return tx.ImpliedRoleInsert(ctx, "r1", "r2")
	})

	// Round trips, extras included.
	err := db.View(ctx, func(tx *Tx) error {
		p, err := tx.ProjectGet(ctx, "p1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(novalite.Project{ID: "p1", Name: "Alpha-Beta", DomainID: "default", Enabled: true,
			Tags: []string{"a", "b"}, Extra: map[string]any{"color": "blue", "n": 1.0}}, p); diff != "" {
			t.Errorf("project (-want +got):\n%s", diff)
		}
		u, err := tx.UserGet(ctx, "u1")
		if err != nil {
			return err
		}
		if !u.CreatedAt.Equal(now) || u.Extra["email2"] != "x@y" {
			t.Errorf("user %+v", u)
		}
		r, err := tx.RoleGet(ctx, "r3")
		if err != nil {
			return err
		}
		if r.DomainID != "d2" || len(r.Extra) != 0 {
			t.Errorf("role %+v", r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	projectNames := func(f novalite.ProjectFilter) []string {
		t.Helper()
		var ps []novalite.Project
		if err := db.View(ctx, func(tx *Tx) (err error) { ps, err = tx.ProjectList(ctx, f); return }); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		sort.Strings(out)
		return out
	}
	m := func(op, v string) []novalite.TextMatch { return []novalite.TextMatch{{Op: op, Value: v}} }
	yes := true
	for _, tc := range []struct {
		name string
		f    novalite.ProjectFilter
		want []string
	}{
		{"all", novalite.ProjectFilter{}, []string{"p1", "p2", "p3"}},
		{"exact", novalite.ProjectFilter{Names: m("", "alpha")}, []string{"p2"}},
		{"contains", novalite.ProjectFilter{Names: m("contains", "lpha")}, []string{"p1", "p2"}},
		{"contains is case-sensitive", novalite.ProjectFilter{Names: m("contains", "Alpha")}, []string{"p1"}},
		{"icontains", novalite.ProjectFilter{Names: m("icontains", "ALPHA")}, []string{"p1", "p2"}},
		{"startswith", novalite.ProjectFilter{Names: m("startswith", "alp")}, []string{"p2"}},
		{"istartswith", novalite.ProjectFilter{Names: m("istartswith", "ALP")}, []string{"p1", "p2"}},
		{"endswith", novalite.ProjectFilter{Names: m("endswith", "Beta")}, []string{"p1"}},
		{"iendswith", novalite.ProjectFilter{Names: m("iendswith", "ALPHA")}, []string{"p2"}},
		{"endswith longer than name", novalite.ProjectFilter{Names: m("endswith", "xxalpha")}, nil},
		{"% is literal", novalite.ProjectFilter{Names: m("contains", "%")}, []string{"p3"}},
		{"_ is literal", novalite.ProjectFilter{Names: m("contains", "_")}, nil},
		{"unknown op matches nothing", novalite.ProjectFilter{Names: m("regex", ".")}, nil},
		{"enabled", novalite.ProjectFilter{Enabled: &yes}, []string{"p1", "p3"}},
		{"tags all", novalite.ProjectFilter{Tags: []string{"a", "b"}}, []string{"p1"}},
		{"tags any", novalite.ProjectFilter{TagsAny: []string{"b", "z"}}, []string{"p1", "p2"}},
		{"not tags", novalite.ProjectFilter{NotTags: []string{"a", "b"}}, []string{"p2", "p3"}},
		{"not tags any", novalite.ProjectFilter{NotTagsAny: []string{"b"}}, []string{"p3"}},
		{"ids", novalite.ProjectFilter{IDs: []string{"p3", "p1"}}, []string{"p1", "p3"}},
		{"no ids", novalite.ProjectFilter{IDs: []string{}}, nil},
	} {
		if got := projectNames(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("projects %s: %v, want %v", tc.name, got, tc.want)
		}
	}

	err = db.View(ctx, func(tx *Tx) error {
		us, err := tx.UserList(ctx, novalite.UserFilter{Names: m("istartswith", "alpha")})
		if err != nil || len(us) != 1 || us[0].ID != "u1" {
			t.Errorf("users istartswith: %v %v", us, err)
		}
		rs, err := tx.RoleList(ctx, novalite.RoleFilter{})
		if err != nil || len(rs) != 2 {
			t.Errorf("global roles: %v %v", rs, err)
		}
		rs, err = tx.RoleList(ctx, novalite.RoleFilter{DomainID: "d2"})
		if err != nil || len(rs) != 1 || rs[0].ID != "r3" {
			t.Errorf("roles of d2: %v %v", rs, err)
		}
		rs, err = tx.RoleList(ctx, novalite.RoleFilter{Names: m("contains", "ead")})
		if err != nil || len(rs) != 1 || rs[0].ID != "r2" {
			t.Errorf("roles contains: %v %v", rs, err)
		}
		ds, err := tx.DomainList(ctx, novalite.DomainFilter{Names: m("iendswith", "ULT")})
		if err != nil || len(ds) != 1 || ds[0].ID != "default" {
			t.Errorf("domains iendswith: %v %v", ds, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Uniqueness: Conflict; missing rows: NotFound.
	for name, f := range map[string]func(tx *Tx) error{
		"project name in domain": func(tx *Tx) error {
			return tx.ProjectInsert(ctx, novalite.Project{ID: "p9", Name: "alpha", DomainID: "default"})
		},
		"user name in domain": func(tx *Tx) error {
			return tx.UserInsert(ctx, novalite.User{ID: "u9", Name: "other", DomainID: "d2", CreatedAt: now})
		},
		"role name": func(tx *Tx) error { return tx.RoleInsert(ctx, novalite.Role{ID: "r9", Name: "reader"}) },
		"domain name": func(tx *Tx) error {
			return tx.DomainInsert(ctx, novalite.Domain{ID: "d9", Name: "Other"})
		},
	} {
		if err := db.Tx(ctx, f); !novalite.IsKind(err, novalite.Conflict) {
			t.Errorf("duplicate %s: %v, want Conflict", name, err)
		}
	}
	// The same project name in another domain is fine.
	tx(func(tx *Tx) error {
		return tx.ProjectInsert(ctx, novalite.Project{ID: "p4", Name: "alpha", DomainID: "d2"})
	})
	if err := db.Tx(ctx, func(tx *Tx) error { return tx.ImpliedRoleDelete(ctx, "r2", "r1") }); !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("deleting a missing implication: %v", err)
	}

	// Updates keep extras and tags as given.
	tx(func(tx *Tx) error {
		p, err := tx.ProjectGet(ctx, "p2")
		if err != nil {
			return err
		}
		p.Tags, p.Extra = nil, map[string]any{"x": "y"}
		return tx.ProjectUpdate(ctx, p)
	})
	if got := projectNames(novalite.ProjectFilter{TagsAny: []string{"b"}}); !slices.Equal(got, []string{"p1"}) {
		t.Errorf("after clearing p2's tags: %v", got)
	}

	// Assignments and the domain cascade.
	tx(func(tx *Tx) error {
		for _, a := range []novalite.RoleAssignment{
			{UserID: "u1", TargetType: "project", TargetID: "p1", RoleID: "r1"},
			{UserID: "u1", TargetType: "project", TargetID: "p3", RoleID: "r2"},
			{UserID: "u2", TargetType: "project", TargetID: "p1", RoleID: "r2"},
			{UserID: "u1", TargetType: "domain", TargetID: "d2", RoleID: "r3"},
			{UserID: "u1", TargetType: "project", TargetID: "p1", RoleID: "r1"}, // again: no error
		} {
			if err := tx.RoleAssignmentInsert(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	count := func(f novalite.RoleAssignmentFilter) int {
		t.Helper()
		var as []novalite.RoleAssignment
		if err := db.View(ctx, func(tx *Tx) (err error) { as, err = tx.RoleAssignmentList(ctx, f); return }); err != nil {
			t.Fatal(err)
		}
		return len(as)
	}
	for _, tc := range []struct {
		f    novalite.RoleAssignmentFilter
		want int
	}{
		{novalite.RoleAssignmentFilter{}, 4},
		{novalite.RoleAssignmentFilter{UserID: "u1"}, 3},
		{novalite.RoleAssignmentFilter{TargetType: "project", TargetID: "p1"}, 2},
		{novalite.RoleAssignmentFilter{RoleID: "r2"}, 2},
		{novalite.RoleAssignmentFilter{TargetIDs: []string{"p1", "p3"}}, 3},
		{novalite.RoleAssignmentFilter{TargetIDs: []string{}}, 0},
	} {
		if got := count(tc.f); got != tc.want {
			t.Errorf("assignments %+v: %d, want %d", tc.f, got, tc.want)
		}
	}
	tx(func(tx *Tx) error { return tx.DomainDelete(ctx, "d2") })
	if got := count(novalite.RoleAssignmentFilter{}); got != 1 {
		t.Errorf("assignments after deleting domain d2: %d, want 1", got)
	}
	err = db.View(ctx, func(tx *Tx) error {
		for _, get := range []func() error{
			func() error { _, err := tx.ProjectGet(ctx, "p3"); return err },
			func() error { _, err := tx.UserGet(ctx, "u2"); return err },
			func() error { _, err := tx.RoleGet(ctx, "r3"); return err },
			func() error { _, err := tx.DomainGet(ctx, "d2"); return err },
		} {
			if err := get(); !novalite.IsKind(err, novalite.NotFound) {
				t.Errorf("after domain delete: %v, want NotFound", err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
