package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

func export(t *testing.T, db *store.DB) store.State {
	t.Helper()
	ctx := context.Background()
	var st store.State
	if err := db.View(ctx, func(tx *store.Tx) (err error) {
		st, err = tx.StateExport(ctx, db.KnownSchemaVersion())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

func importState(db *store.DB, st store.State) error {
	ctx := context.Background()
	return db.Tx(ctx, func(tx *store.Tx) error { return tx.StateImport(ctx, st, db.KnownSchemaVersion()) })
}

// A dump imported back gives the same dump, whatever changed between;
// foreign keys hold (the tables go in parent-first order) and new rows
// can be added after.
func TestStateRoundTrip(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) { stateRoundTrip(t, storetest.OpenEngine(t, engine)) })
	}
}

func stateRoundTrip(t *testing.T, db *store.DB) {
	ctx := context.Background()
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 6000, time.UTC)
	a := storetest.Server(t, db, novalite.Server{VMState: novalite.VMActive, Host: "h1", Node: "h1", CreatedAt: t0,
		UpdatedAt: t0, LaunchedAt: t0, Metadata: map[string]string{"k": "v"}, Tags: []string{"t1"}})
	before := export(t, db)
	if len(before.Tables["instances"]) != 1 || len(before.Tables["instance_metadata"]) != 1 {
		t.Fatalf("dump lacks the server: %d instances, %d metadata", len(before.Tables["instances"]), len(before.Tables["instance_metadata"]))
	}
	if _, ok := before.Tables["fernet_keys"]; ok {
		t.Error("dump holds the Fernet keys")
	}
	raw, err := json.Marshal(before)
	if err != nil {
		t.Fatal(err)
	}

	// Change things: the server goes, another comes.
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM instances WHERE id = $1`, a.InternalID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	storetest.Server(t, db, novalite.Server{VMState: novalite.VMBuilding, CreatedAt: t0, UpdatedAt: t0})

	var back store.State
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if err := importState(db, back); err != nil {
		t.Fatal(err)
	}
	after := export(t, db)
	if !reflect.DeepEqual(normalise(t, before), normalise(t, after)) {
		t.Errorf("import then export differs:\nbefore %s\nafter  %s", raw, mustJSON(t, after))
	}
	if got := storetest.Get(t, db, a.ID); got.Metadata["k"] != "v" || len(got.Tags) != 1 {
		t.Errorf("imported server %+v", got)
	}
	storetest.Server(t, db, novalite.Server{VMState: novalite.VMBuilding, CreatedAt: t0, UpdatedAt: t0})
}

// Dumps of another engine or schema, or with unknown tables, are refused
// and change nothing.
func TestStateImportRefused(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) { stateImportRefused(t, storetest.OpenEngine(t, engine)) })
	}
}

func stateImportRefused(t *testing.T, db *store.DB) {
	storetest.Server(t, db, novalite.Server{VMState: novalite.VMActive})
	good := export(t, db)
	other := "sqlite"
	if good.Engine == "sqlite" {
		other = "postgres"
	}
	for name, st := range map[string]store.State{
		"engine":  {Engine: other, Schema: good.Schema, Tables: good.Tables},
		"schema":  {Engine: good.Engine, Schema: good.Schema + 1, Tables: good.Tables},
		"table":   {Engine: good.Engine, Schema: good.Schema, Tables: map[string][]json.RawMessage{"users2": nil}},
		"bad row": {Engine: good.Engine, Schema: good.Schema, Tables: map[string][]json.RawMessage{"instance_tags": {json.RawMessage(`{"instance_id": 999999, "tag": "x"}`)}}},
	} {
		if err := importState(db, st); !novalite.IsKind(err, novalite.Invalid) {
			t.Errorf("%s: import = %v, want Invalid", name, err)
		}
	}
	if len(export(t, db).Tables["instances"]) != 1 {
		t.Error("a refused import changed the cloud")
	}
}

// normalise decodes every row, so that key order does not matter.
func normalise(t *testing.T, st store.State) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for k, rows := range st.Tables {
		for _, r := range rows {
			var m map[string]any
			if err := json.Unmarshal(r, &m); err != nil {
				t.Fatal(err)
			}
			out[k] = append(out[k], m)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
