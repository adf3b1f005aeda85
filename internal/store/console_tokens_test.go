package store

import (
	"context"
	"testing"
	"time"

	"novalite"
)

// TestConsoleTokensGoWithTheServer: the outcome that deletes a server
// drops its console tokens at once, and only its own.
func TestConsoleTokensGoWithTheServer(t *testing.T) {
	forEachEngine(t, testConsoleTokensGoWithTheServer)
}

func testConsoleTokensGoWithTheServer(t *testing.T, db *DB) {
	ctx := context.Background()
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	var servers []novalite.Server
	for _, id := range []string{"8f0e4b6a-0000-4000-8000-0000000000a1", "8f0e4b6a-0000-4000-8000-0000000000a2"} {
		s := novalite.Server{ID: id, Name: "vm", ProjectID: "p1", UserID: "u1", VMState: novalite.VMActive,
			TaskState: novalite.TaskDeleting, Flavor: novalite.FlavorSnapshot{ID: "1", ExtraSpecs: map[string]string{}},
			CreatedAt: now, UpdatedAt: now}
		if err := db.Tx(ctx, func(tx *Tx) error {
			if err := tx.InstanceInsert(ctx, &s); err != nil {
				return err
			}
			return tx.ConsoleTokenInsert(ctx, ConsoleToken{TokenHash: "hash-" + id, ConsoleType: "novnc",
				InstanceUUID: id, ProjectID: "p1", CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)})
		}); err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
	}
	if err := db.Tx(ctx, func(tx *Tx) error {
		_, err := tx.InstanceOutcome(ctx, InstanceOutcomeParams{InternalID: servers[0].InternalID,
			From: novalite.TaskDeleting, VM: novalite.VMDeleted, Delete: true, Now: now})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	get := func(i int) error {
		return db.View(ctx, func(tx *Tx) error {
			_, err := tx.ConsoleTokenGet(ctx, "hash-"+servers[i].ID, now)
			return err
		})
	}
	if err := get(0); !novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("token of the deleted server: %v, want not found", err)
	}
	if err := get(1); err != nil {
		t.Errorf("token of the other server: %v, want it kept", err)
	}
}
