package bench

import (
	"context"
	"fmt"
	"time"

	"novalite"
	"novalite/internal/store"
)

// seedHost is the host of seeded servers: no agent runs it, so that no
// power sync or usage accounting of the running hosts sees 100,000 guests
// that do not exist.
const seedHost = "novalite-bench-seed"

// seedID is the UUID of the i-th seeded server.
func seedID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// seed brings the seeded ACTIVE servers of the project from have to want,
// inserting them straight into the store 1,000 per transaction beside the
// running serve (a bulk path for benchmarks only: through the API 100,000
// servers take minutes; they are rows as a create leaves them once
// ACTIVE, without ports).
func seed(ctx context.Context, dsn string, who identity, have, want int) error {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	base := time.Now().UTC().Add(-time.Hour)
	for have < want {
		batch := min(1000, want-have)
		// The transaction may run again on a conflict: it counts from have.
		err := db.Tx(ctx, func(tx *store.Tx) error {
			for i := have; i < have+batch; i++ {
				at := base.Add(time.Duration(i) * time.Microsecond)
				v := novalite.Server{ID: seedID(i), Name: fmt.Sprintf("vm-%d", i),
					ProjectID: who.projectID, UserID: who.userID, ImageRef: "seeded", VMState: novalite.VMActive,
					PowerState: novalite.PowerRunning, Host: seedHost, Node: seedHost,
					AvailabilityZone: "nova", CreatedAt: at, UpdatedAt: at, LaunchedAt: at,
					ReservationID: fmt.Sprintf("r-%08d", i),
					Flavor:        novalite.FlavorSnapshot{ID: "42", Name: "m1.nano", VCPUs: 1, MemoryMB: 128, RootGB: 1}}
				if err := tx.InstanceInsert(ctx, &v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		have += batch
	}
	return nil
}
