package store_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/store/storetest"
)

// insertServers inserts 5000 active servers of project p1, created a
// millisecond apart, in transactions of 1000, each changed by vary first.
func insertServers(b *testing.B, db *store.DB, vary func(v *novalite.Server)) {
	b.Helper()
	ctx := context.Background()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for k := range 5 {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			for i := k * 1000; i < (k+1)*1000; i++ {
				v := novalite.Server{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("vm-%d", i),
					ProjectID: "p1", UserID: "u1", ImageRef: "img", VMState: novalite.VMActive, AvailabilityZone: "nova",
					CreatedAt: base.Add(time.Duration(i) * time.Millisecond), UpdatedAt: base, Flavor: storetest.Flavor}
				vary(&v)
				if err := tx.InstanceInsert(ctx, &v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// firstPage asks for the first page of 1,000 of p1's live servers in
// Nova's default order (created_at desc).
func firstPage() novalite.ServerListParams {
	no := false
	return novalite.ServerListParams{ProjectID: "p1", Deleted: &no, Limit: 1000,
		Sort: []novalite.ServerSort{{Column: "created_at", Desc: true}}}
}

// BenchmarkInstanceList reads the first page of 1,000 of a project's
// 5,000 servers in Nova's default order (created_at desc), with the
// extras of the page, as GET /servers/detail?limit=1000 does.
func BenchmarkInstanceList(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	insertServers(b, db, func(*novalite.Server) {})
	p := firstPage()
	for b.Loop() {
		listPage(ctx, b, db, p)
	}
}

// BenchmarkInstanceLoadExtras reads the metadata, tags and volumes of a
// page of 1,000 servers (three queries keyed by the page's ids), the part
// of a list that the ids' JSON array drives.
func BenchmarkInstanceLoadExtras(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	insertServers(b, db, func(*novalite.Server) {})
	p := firstPage()
	var page []*novalite.Server
	err := db.View(ctx, func(tx *store.Tx) (err error) {
		page, err = tx.InstanceList(ctx, p)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	cpu0 := storetest.ProcessCPU()
	for b.Loop() {
		if err := db.View(ctx, func(tx *store.Tx) error { return tx.InstanceLoadExtras(ctx, page) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((storetest.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkInstanceListColumns reads the same page as
// BenchmarkInstanceList from servers made as clients make them (a key
// pair's public key, 2 KB of cloud-init user data, a networks request),
// reading every column ("all") and as the detailed list view at 2.100
// reads them ("view": no key data, password hashes or networks request).
func BenchmarkInstanceListColumns(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	key := "ssh-rsa " + strings.Repeat("A", 716) + " user@host"
	userData := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("#cloud-config\npackages: [nginx]\n", 48)))
	insertServers(b, db, func(v *novalite.Server) {
		v.KeyName, v.KeyData, v.UserData = &key, key, &userData
		v.RequestedNetworks = `[{"uuid": "3f1c0c0e-4d0b-4b3a-9a55-2c1f0e2b7d10"}]`
		v.AdminPasswordHash = "$2a$10$" + strings.Repeat("x", 53)
	})
	for _, bc := range []struct {
		name string
		cols *novalite.ServerColumns
	}{{"all", nil}, {"view", &novalite.ServerColumns{TrustedCerts: true, ImageProperties: true, SchedulerHints: true}}} {
		p := firstPage()
		p.Columns = bc.cols
		b.Run(bc.name, func(b *testing.B) {
			// CPU time, not wall time: on a shared machine it is the
			// steady measure.
			cpu0 := storetest.ProcessCPU()
			defer func() {
				b.ReportMetric(float64((storetest.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			}()
			for b.Loop() {
				listPage(ctx, b, db, p)
			}
		})
	}
}

// listPage reads a page of 1,000 servers with their extras, as a list
// request does.
func listPage(ctx context.Context, b *testing.B, db *store.DB, p novalite.ServerListParams) {
	err := db.View(ctx, func(tx *store.Tx) error {
		page, err := tx.InstanceList(ctx, p)
		if err != nil {
			return err
		}
		if len(page) != 1000 {
			return fmt.Errorf("%d servers, want 1000", len(page))
		}
		return tx.InstanceLoadExtras(ctx, page)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInstanceListIDs reads the ids of the first page of 100 of a
// project's 5,000 servers in Nova's default order, as a list whose views
// come from the view cache does (the mixed row of `novalite bench`).
func BenchmarkInstanceListIDs(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	insertServers(b, db, func(*novalite.Server) {})
	p := firstPage()
	p.Limit = 100
	cpu0 := storetest.ProcessCPU()
	for b.Loop() {
		err := db.View(ctx, func(tx *store.Tx) error {
			ids, err := tx.InstanceListIDs(ctx, p)
			if err == nil && len(ids) != 100 {
				err = fmt.Errorf("%d ids, want 100", len(ids))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((storetest.ProcessCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// BenchmarkInstancesShow reads 10 of 5,000 servers as a show reads each:
// one read transaction each (InstanceShow), or all ten in one
// (InstancesShow), as a show's miss of a server that just changed reads
// those changed with it (compute/view_changed.go). Reported per server.
func BenchmarkInstancesShow(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b)
	insertServers(b, db, func(v *novalite.Server) { v.Metadata = map[string]string{"k": "v"} })
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i*499)
	}
	b.Run("one by one", func(b *testing.B) {
		for b.Loop() {
			for _, id := range ids {
				err := db.View(ctx, func(tx *store.Tx) error {
					_, _, err := tx.InstanceShow(ctx, id, "p1")
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/server")
	})
	b.Run("together", func(b *testing.B) {
		for b.Loop() {
			err := db.View(ctx, func(tx *store.Tx) error {
				list, _, err := tx.InstancesShow(ctx, ids)
				if err == nil && len(list) != len(ids) {
					err = fmt.Errorf("%d servers read, want %d", len(list), len(ids))
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/server")
	})
}
