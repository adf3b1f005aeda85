package compute_test

import "testing"

func TestVolumesProxy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const vol = "4d8c3b1e-2a7f-4c3e-9d1b-6f2e8a9c0b12"
	reader := b.newReader(t)
	for _, tt := range []struct {
		name, method, path, token, mv string
		wantStatus                    int
		wantMsg, wantList             string
	}{
		{"list", "GET", "/os-volumes", b.demo, "2.1", 200, "", "volumes"},
		{"detail", "GET", "/os-volumes/detail?limit=2", b.demo, "2.35", 200, "", "volumes"},
		{"bad offset", "GET", "/os-volumes?offset=x", b.demo, "2.1", 400, "", ""},
		{"show", "GET", "/os-volumes/" + vol, b.demo, "2.1", 404, "Volume " + vol + " could not be found.", ""},
		{"delete", "DELETE", "/os-volumes/" + vol, b.demo, "2.1", 404, "Volume " + vol + " could not be found.", ""},
		{"delete reader", "DELETE", "/os-volumes/" + vol, reader, "2.1", 403,
			"Policy doesn't allow os_compute_api:os-volumes:delete to be performed.", ""},
		{"gone at 2.36", "GET", "/os-volumes", b.demo, "2.36", 404, "The resource could not be found.", ""},
		{"snapshots", "GET", "/os-snapshots", reader, "2.1", 200, "", "snapshots"},
		{"snapshots detail", "GET", "/os-snapshots/detail", b.demo, "2.1", 200, "", "snapshots"},
		{"snapshot show", "GET", "/os-snapshots/s1", b.demo, "2.1", 404, "Snapshot s1 could not be found.", ""},
		{"snapshot delete", "DELETE", "/os-snapshots/s1", b.demo, "2.1", 404, "Snapshot s1 could not be found.", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do(tt.method, tt.path, tt.token, tt.mv, nil)
			status, msg := fault(t, r)
			expect(t, tt.name, tt.wantStatus, tt.wantMsg, status, msg)
			if tt.wantList != "" {
				if l, ok := r.JSON(t)[tt.wantList].([]any); !ok || len(l) != 0 {
					t.Errorf("list: %s", r.Body)
				}
			}
		})
	}
}
