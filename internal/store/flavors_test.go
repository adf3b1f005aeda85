package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"novalite"
)

func TestFlavorsKeypairsQuotasGroups(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Unix(1700000000, 0).UTC()
		err := db.Tx(ctx, func(tx *Tx) error {
			for i, id := range []string{"1", "10", "2", "p"} {
				f := novalite.Flavor{ID: id, Name: "f" + id, MemoryMB: 100 * (i + 1), VCPUs: 1, RootGB: 1,
					RxtxFactor: 1, IsPublic: id != "p", CreatedAt: now}
				if err := tx.FlavorInsert(ctx, &f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx *Tx) error {
			dup := novalite.Flavor{ID: "1", Name: "other", CreatedAt: now}
			return tx.FlavorInsert(ctx, &dup)
		})
		if !novalite.IsKind(err, novalite.Conflict) {
			t.Errorf("duplicate flavorid: %v", err)
		}
		list := func(p FlavorListParams) []string {
			t.Helper()
			var out []string
			err := db.View(ctx, func(tx *Tx) error {
				fs, err := tx.FlavorList(ctx, p)
				for _, f := range fs {
					out = append(out, f.ID)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		pub := true
		if got := list(FlavorListParams{IsPublic: &pub, AccessProject: "proj", SortKey: "flavorid", Limit: 10}); !slices.Equal(got, []string{"1", "10", "2"}) {
			t.Errorf("public by flavorid: %v", got)
		}
		var p novalite.Flavor
		_ = db.Tx(ctx, func(tx *Tx) error {
			p, _ = tx.FlavorGet(ctx, "p", "")
			if err := tx.FlavorProjectAdd(ctx, p.InternalID, "proj"); err != nil {
				t.Error(err)
			}
			if err := tx.FlavorExtraSpecSet(ctx, p.InternalID, map[string]string{"k": "v"}); err != nil {
				t.Error(err)
			}
			return tx.FlavorExtraSpecSet(ctx, p.InternalID, map[string]string{"k": "w"})
		})
		got := list(FlavorListParams{IsPublic: &pub, AccessProject: "proj", SortKey: "memory_mb", SortDesc: true, Limit: 2})
		if !slices.Equal(got, []string{"p", "2"}) {
			t.Errorf("shared, by ram desc: %v", got)
		}
		marker := p
		if got := list(FlavorListParams{SortKey: "memory_mb", SortDesc: true, Marker: &marker, Limit: 10}); !slices.Equal(got, []string{"2", "10", "1"}) {
			t.Errorf("after marker: %v", got)
		}
		re := "^f1"
		if got := list(FlavorListParams{NameRegex: &re, SortKey: "name", Limit: 10}); !slices.Equal(got, []string{"1", "10"}) {
			t.Errorf("name regex: %v", got)
		}
		_ = db.View(ctx, func(tx *Tx) error {
			f, err := tx.FlavorGet(ctx, "p", "proj")
			if err != nil || f.ExtraSpecs["k"] != "w" {
				t.Errorf("shared flavor: %+v %v", f, err)
			}
			if _, err := tx.FlavorGet(ctx, "p", "other"); !novalite.IsKind(err, novalite.NotFound) {
				t.Errorf("unshared flavor: %v", err)
			}
			return nil
		})

		err = db.Tx(ctx, func(tx *Tx) error {
			k := novalite.Keypair{Name: "k", UserID: "u", Type: "ssh", PublicKey: "pk", Fingerprint: "fp", CreatedAt: now}
			return tx.KeypairInsert(ctx, &k)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx *Tx) error {
			k := novalite.Keypair{Name: "k", UserID: "u", Type: "ssh", PublicKey: "pk", Fingerprint: "fp", CreatedAt: now}
			return tx.KeypairInsert(ctx, &k)
		})
		if !novalite.IsKind(err, novalite.Conflict) {
			t.Errorf("duplicate keypair: %v", err)
		}
		_ = db.Tx(ctx, func(tx *Tx) error {
			if err := tx.QuotaSet(ctx, QuotaLimit{ProjectID: "proj", Resource: "instances", Limit: 5}); err != nil {
				t.Error(err)
			}
			if err := tx.QuotaSet(ctx, QuotaLimit{ProjectID: "proj", Resource: "instances", Limit: 6}); err != nil {
				t.Error(err)
			}
			q, err := tx.QuotaGet(ctx, "proj", "")
			if err != nil || q["instances"] != 6 {
				t.Errorf("quota: %v %v", q, err)
			}
			if err := tx.LimitSet(ctx, QuotaClasses, "default", "cores", 7); err != nil {
				t.Error(err)
			}
			if err := tx.LimitSet(ctx, QuotaClasses, "default", "cores", 8); err != nil {
				t.Error(err)
			}
			qc, err := tx.LimitsGet(ctx, QuotaClasses, "default")
			if err != nil || len(qc) != 1 || qc["cores"] != 8 {
				t.Errorf("quota class: %v %v", qc, err)
			}
			if qc, err := tx.LimitsGet(ctx, QuotaClasses, "other"); err != nil || len(qc) != 0 {
				t.Errorf("other quota class: %v %v", qc, err)
			}
			g := novalite.ServerGroup{ID: "g", Name: "g", ProjectID: "proj", UserID: "u", Policy: "affinity",
				Rules: map[string]int{"max_server_per_host": 2}, CreatedAt: now}
			if err := tx.ServerGroupInsert(ctx, &g); err != nil {
				t.Error(err)
			}
			got, err := tx.ServerGroupGet(ctx, "g", "proj")
			if err != nil || got.Rules["max_server_per_host"] != 2 || len(got.Members) != 0 {
				t.Errorf("group: %+v %v", got, err)
			}
			return nil
		})
	})
}
