package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"novalite"
)

// InstanceShow tells, with the row, whether the server has ports, and
// reads its volumes only when it has some: a server with neither, one
// with a port, one with a volume, one with both, on both engines.
func TestInstanceShowRefs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		insertServers(t, db, 4, func(int, *novalite.Server) {})
		id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
		now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
		err := db.Tx(ctx, func(tx *Tx) error {
			if err := tx.NetworkInsert(ctx, novalite.Network{ID: "net1", Name: "private", ProjectID: "p1"}); err != nil {
				return err
			}
			for _, i := range []int{1, 3} {
				if err := tx.PortInsert(ctx, novalite.Port{ID: fmt.Sprint("port", i), NetworkID: "net1", ProjectID: "p1",
					MACAddress: fmt.Sprintf("fa:16:3e:00:00:%02x", i), DeviceID: id(i), CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
			}
			for _, i := range []int{2, 3} {
				vol := fmt.Sprint("vol", i)
				if err := tx.VolumeInsert(ctx, novalite.Volume{ID: vol, ProjectID: "p1", Size: 1, Status: "in-use",
					CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
				if err := tx.BDMInsert(ctx, novalite.BlockDeviceMapping{ID: fmt.Sprint("bdm", i), InstanceUUID: id(i),
					VolumeID: vol, Device: "/dev/vdb", SourceType: "volume", CreatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.View(ctx, func(tx *Tx) error {
			for i, want := range []struct{ ports, volumes bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
				v, ports, err := tx.InstanceShow(ctx, id(i), "p1")
				if err != nil {
					return err
				}
				if ports != want.ports || (len(v.Volumes) == 1) != want.volumes || len(v.Volumes) > 1 {
					t.Errorf("server %d: ports %v, volumes %v; want ports %v, volumes %v", i, ports, v.Volumes, want.ports, want.volumes)
				}
				if want.volumes && v.Volumes[0].VolumeID != fmt.Sprint("vol", i) {
					t.Errorf("server %d: volumes %v", i, v.Volumes)
				}
				got, err := tx.InstanceGet(ctx, id(i), "p1", false)
				if err != nil {
					return err
				}
				if len(got.Volumes) != len(v.Volumes) {
					t.Errorf("server %d: InstanceGet has %d volumes, InstanceShow %d", i, len(got.Volumes), len(v.Volumes))
				}
			}
			if _, _, err := tx.InstanceShow(ctx, id(0), "p2"); !novalite.IsKind(err, novalite.NotFound) {
				t.Errorf("another project's server: %v, want NotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
