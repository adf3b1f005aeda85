package compute

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
)

// BenchmarkServerDetailPage renders and encodes a page of 1,000 detailed
// servers at 2.100 for a member, as GET /servers/detail?limit=1000 does
// once the rows are read.
func BenchmarkServerDetailPage(b *testing.B) {
	a := New(Services{}, "/compute", func(*http.Request) string { return "" })
	r := httptest.NewRequest("GET", "http://127.0.0.1:8774/compute/v2.1/servers/detail?limit=1000", nil)
	c := &novalite.Caller{UserID: "u1", ProjectID: "p1", Roles: []novalite.Role{{Name: "member"}, {Name: "reader"}}}
	ctx := httpx.WithCaller(r.Context(), c)
	r = r.WithContext(context.WithValue(ctx, keyReq, reqInfo{mv: microversion.Version{Major: 2, Minor: 100}}))
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	page := make([]*compute.ServerInfo, 1000)
	for i := range page {
		page[i] = &compute.ServerInfo{Server: novalite.Server{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			Name: fmt.Sprintf("vm-%d", i), ProjectID: "p1", UserID: "u1", ImageRef: "img", VMState: novalite.VMActive,
			PowerState: novalite.PowerRunning, Host: "h1", Node: "h1", AvailabilityZone: "nova",
			CreatedAt: now, UpdatedAt: now, LaunchedAt: now, Metadata: map[string]string{"role": "web"},
			Flavor: novalite.FlavorSnapshot{ID: "42", Name: "m1.nano", VCPUs: 1, MemoryMB: 128, RootGB: 1}},
			Addresses:      []compute.ServerAddress{{Network: "private", Version: 4, Addr: "10.0.0.5", Type: "fixed", MAC: "fa:16:3e:00:00:01"}},
			SecurityGroups: []string{"default"}}
	}
	for b.Loop() {
		w := httptest.NewRecorder()
		out := httpx.RawJSON(a.appendServerDetails(nil, r, page, newServerView(r, "")))
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"servers": out})
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
