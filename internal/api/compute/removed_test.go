package compute_test

import "testing"

// TestRemovedAPIs: what Nova removed answers 410 with its fault body.
func TestRemovedAPIs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vm", nil)
	for _, c := range []struct{ method, path string }{
		{"GET", "/os-agents"}, {"GET", "/os-fixed-ips/10.0.0.1"}, {"POST", "/os-fixed-ips/10.0.0.1/action"},
		{"GET", "/os-floating-ips-bulk"}, {"GET", "/os-cells"}, {"GET", "/os-security-group-default-rules"},
		{"GET", "/servers/" + id + "/consoles"}, {"GET", "/servers/" + id + "/os-virtual-interfaces"},
		{"POST", "/os-networks"}, {"DELETE", "/os-tenant-networks/1"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			status, msg := fault(t, b.do(c.method, c.path, b.admin, "2.1", map[string]any{}))
			if status != 410 || msg != "This resource is no longer available. No forwarding address is given." {
				t.Errorf("got %d %q", status, msg)
			}
		})
	}
}
