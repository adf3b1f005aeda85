package compute_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// TestServerIPs reads the addresses of a server's ports through ips and
// ips/{network}; a floating IP follows the fixed one.
func TestServerIPs(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	private := s.networkID(t, "private")
	id := s.create(t, s.demo, "vm-net", map[string]any{"networks": []any{map[string]any{"uuid": private}}})
	s.launch(t, id)
	port := s.serverPorts(t, id)[0].(map[string]any)
	var fixed []string
	var fixedView []any
	for _, ip := range port["fixed_ips"].([]any) {
		addr := ip.(map[string]any)["ip_address"].(string)
		version := 4
		if strings.Contains(addr, ":") {
			version = 6
		}
		fixed = append(fixed, addr)
		fixedView = append(fixedView, map[string]any{"addr": addr, "version": version})
	}

	resp := s.do("GET", "/servers/"+id+"/ips", s.reader, "2.1", nil)
	if resp.Status != 200 {
		t.Fatalf("ips: %d %s", resp.Status, resp.Body)
	}
	want := fmt.Sprint(map[string]any{"addresses": map[string]any{"private": fixedView}})
	if got := fmt.Sprint(resp.JSON(t)); got != want {
		t.Errorf("ips %s, want %s", got, want)
	}

	// A floating IP on the port is listed after the fixed one.
	pub := s.networkID(t, "public")
	fip := s.srv.Do(apptest.Request{Method: "POST", Path: "/network/v2.0/floatingips", Token: s.demo, Body: map[string]any{"floatingip": map[string]any{
		"floating_network_id": pub, "port_id": port["id"]}}})
	if fip.Status != 201 {
		t.Fatalf("floating ip: %d %s", fip.Status, fip.Body)
	}
	floating := fip.JSON(t)["floatingip"].(map[string]any)["floating_ip_address"].(string)
	resp = s.do("GET", "/servers/"+id+"/ips/private", s.demo, "2.1", nil)
	got, _ := resp.JSON(t)["private"].([]any)
	var addrs []string
	for _, a := range got {
		addrs = append(addrs, a.(map[string]any)["addr"].(string))
	}
	if !slices.Equal(addrs, append(fixed, floating)) {
		t.Errorf("ips/private %s, want fixed %s then floating %s", resp.Body, fixed, floating)
	}

	for _, c := range []struct {
		name, path, token, mv string
		status                int
		msg                   string
	}{
		{"unknown network", "/servers/" + id + "/ips/public", s.demo, "2.1", 404, "Instance is not a member of specified network"},
		{"no ports", "/servers/" + s.id + "/ips", s.demo, "2.1", 200, ""},
		{"other project", "/servers/" + id + "/ips", s.other, "2.1", 404, "Instance " + id + " could not be found."},
		{"other project, one network", "/servers/" + id + "/ips/private", s.other, "2.1", 404, "Instance " + id + " could not be found."},
		{"admin", "/servers/" + id + "/ips/private", s.admin, "2.1", 200, ""},
	} {
		status, msg := fault(t, s.do("GET", c.path, c.token, c.mv, nil))
		expect(t, c.name, c.status, c.msg, status, msg)
	}
	if got := s.do("GET", "/servers/"+s.id+"/ips", s.demo, "2.1", nil).JSON(t)["addresses"].(map[string]any); len(got) != 0 {
		t.Errorf("addresses of a server without ports: %v", got)
	}
}

func TestServerSecurityGroups(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	private := s.networkID(t, "private")
	id := s.create(t, s.demo, "vm-net", map[string]any{"networks": []any{map[string]any{"uuid": private}}})
	resp := s.do("GET", "/servers/"+id+"/os-security-groups", s.reader, "2.1", nil)
	if resp.Status != 200 {
		t.Fatalf("list: %d %s", resp.Status, resp.Body)
	}
	groups := resp.JSON(t)["security_groups"].([]any)
	if len(groups) != 1 {
		t.Fatalf("groups %s", resp.Body)
	}
	g := groups[0].(map[string]any)
	if got, want := sortedKeys(g), []string{"description", "id", "name", "rules", "tenant_id"}; !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	if g["name"] != "default" {
		t.Errorf("group %v", g)
	}
	// The default group lets its own members in: ingress rules naming it.
	rules := g["rules"].([]any)
	if len(rules) == 0 {
		t.Fatalf("default group without ingress rules: %v", g)
	}
	r := rules[0].(map[string]any)
	if grp := r["group"].(map[string]any); grp["name"] != "default" || grp["tenant_id"] != g["tenant_id"] || r["parent_group_id"] != g["id"] {
		t.Errorf("rule %v", r)
	}
	for _, c := range []struct {
		name, path, token string
		status            int
		msg               string
	}{
		{"no ports", "/servers/" + s.id + "/os-security-groups", s.demo, 200, ""},
		{"other project", "/servers/" + id + "/os-security-groups", s.other, 404, "Instance " + id + " could not be found."},
		{"admin", "/servers/" + id + "/os-security-groups", s.admin, 200, ""},
	} {
		status, msg := fault(t, s.do("GET", c.path, c.token, "2.1", nil))
		expect(t, c.name, c.status, c.msg, status, msg)
	}
	if got := s.do("GET", "/servers/"+s.id+"/os-security-groups", s.demo, "2.1", nil).JSON(t)["security_groups"].([]any); len(got) != 0 {
		t.Errorf("groups of a server without ports: %v", got)
	}
}

func TestServerPassword(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	path := "/servers/" + s.id + "/os-server-password"
	password := func(token string) any {
		t.Helper()
		resp := s.do("GET", path, token, "2.1", nil)
		if resp.Status != 200 {
			t.Fatalf("get: %d %s", resp.Status, resp.Body)
		}
		return resp.JSON(t)["password"]
	}
	if got := password(s.reader); got != "" {
		t.Errorf("password of a new server %q, want \"\"", got)
	}
	if err := s.execSQL(`UPDATE instances SET encrypted_password = 'c2VjcmV0' WHERE uuid = $1`, s.id); err != nil {
		t.Fatal(err)
	}
	if got := password(s.demo); got != "c2VjcmV0" {
		t.Errorf("password %q", got)
	}
	s.lockAs(t, s.demo, s.id) // clearing is not lock-checked
	for _, c := range []struct {
		name, method, token string
		status              int
		msg                 string
	}{
		{"clear by reader", "DELETE", s.reader, 403, denied("os_compute_api:os-server-password:clear")},
		{"read by other project", "GET", s.other, 404, "Instance " + s.id + " could not be found."},
		{"clear by other project", "DELETE", s.other, 404, "Instance " + s.id + " could not be found."},
		{"clear", "DELETE", s.demo, 204, ""},
	} {
		status, msg := fault(t, s.do(c.method, path, c.token, "2.1", nil))
		expect(t, c.name, c.status, c.msg, status, msg)
	}
	if got := password(s.admin); got != "" {
		t.Errorf("password after clear %q", got)
	}
}

func TestServerDiagnostics(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	path := "/servers/" + s.id + "/diagnostics"
	resp := s.do("GET", path, s.admin, "2.48", nil)
	if resp.Status != 200 {
		t.Fatalf("diagnostics: %d %s", resp.Status, resp.Body)
	}
	d := resp.JSON(t)
	want := []string{"config_drive", "cpu_details", "disk_details", "driver", "hypervisor", "hypervisor_os", "memory_details",
		"nic_details", "num_cpus", "num_disks", "num_nics", "state", "uptime"}
	if got := sortedKeys(d); !slices.Equal(got, want) {
		t.Errorf("2.48 keys %v, want %v", got, want)
	}
	if d["state"] != "running" || d["driver"] != "libvirt" || d["num_cpus"] != 1.0 || len(d["cpu_details"].([]any)) != 1 ||
		d["memory_details"].(map[string]any)["maximum"] != 512.0 || d["num_nics"] != 0.0 {
		t.Errorf("diagnostics %v", d)
	}
	if old := s.do("GET", path, s.admin, "2.47", nil).JSON(t); old["memory"] != 524288.0 {
		t.Errorf("2.47 diagnostics %v", old)
	}
	unplaced := s.create(t, s.demo, "unplaced", nil)
	for _, c := range []struct {
		name, path, token string
		prep              func()
		status            int
		msg               string
	}{
		{"member", path, s.demo, nil, 403, denied("os_compute_api:os-server-diagnostics")},
		{"other project", path, s.other, nil, 404, "Instance " + s.id + " could not be found."},
		{"no host", "/servers/" + unplaced + "/diagnostics", s.admin, nil, 409, "Instance " + unplaced + " is not ready"},
		{"shut down", path, s.admin, func() { _ = s.execSQL(`UPDATE instances SET power_state = 4 WHERE uuid = $1`, s.id) },
			409, "Cannot 'get_diagnostics' instance " + s.id + " while it is in power state shutdown"},
	} {
		if c.prep != nil {
			c.prep()
		}
		status, msg := fault(t, s.do("GET", c.path, c.token, "2.48", nil))
		expect(t, c.name, c.status, c.msg, status, msg)
	}
}

// TestSubresourceQueries checks 2.102's "no unknown query parameter" on
// the sub-resource GETs that have it (tags do not, as in Nova).
func TestSubresourceQueries(t *testing.T) {
	t.Parallel()
	s := setupSubres(t)
	base := "/servers/" + s.id
	for _, p := range []string{"/metadata", "/metadata/a", "/ips", "/os-security-groups", "/os-server-password", "/diagnostics"} {
		for _, c := range []struct {
			mv, query string
			status    int
			msg       string
		}{
			{"2.101", "?foo=1", 200, ""},
			{"2.102", "", 200, ""},
			{"2.102", "?foo=1", 400, "Additional properties are not allowed ('foo' was unexpected)"},
			{"2.102", "?foo=1&bar=2", 400, "Additional properties are not allowed ('bar', 'foo' were unexpected)"},
		} {
			status, msg := fault(t, s.do("GET", base+p+c.query, s.admin, c.mv, nil))
			expect(t, p+c.query+" at "+c.mv, c.status, c.msg, status, msg)
		}
	}
}
