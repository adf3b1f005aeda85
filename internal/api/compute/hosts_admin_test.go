package compute_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"novalite/internal/config"
)

// Key sets of Nova's API samples (doc/api_samples/os-hypervisors,
// os-services, os-aggregates, os-hosts, os-simple-tenant-usage).
var (
	hypervisorKeys      = "hypervisor_hostname id state status"
	hypervisorDetail    = "cpu_info current_workload disk_available_least free_disk_gb free_ram_mb host_ip hypervisor_hostname hypervisor_type hypervisor_version id local_gb local_gb_used memory_mb memory_mb_used running_vms service state status vcpus vcpus_used"
	hypervisorDetail288 = "host_ip hypervisor_hostname hypervisor_type hypervisor_version id service state status uptime"
	serviceKeys         = "binary disabled_reason host id state status updated_at zone"
	serviceKeys211      = serviceKeys + " forced_down"
	aggregateKeys       = "availability_zone created_at deleted deleted_at hosts id metadata name updated_at"
	tenantUsageKeys     = "server_usages start stop tenant_id total_hours total_local_gb_usage total_memory_mb_usage total_vcpus_usage"
	serverUsageKeys     = "ended_at flavor hours instance_id local_gb memory_mb name started_at state tenant_id uptime vcpus"
)

func keysOf(v any) string {
	m, _ := v.(map[string]any)
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

func sortWords(s string) string {
	f := strings.Fields(s)
	sort.Strings(f)
	return strings.Join(f, " ")
}

func TestHypervisors(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.Hosts = 2 })
	list := b.do("GET", "/os-hypervisors", b.admin, "2.1", nil).JSON(t)["hypervisors"].([]any)
	if len(list) != 2 {
		t.Fatalf("list: %v", list)
	}
	first := list[0].(map[string]any)
	id := fmt.Sprint(first["id"])
	uuidList := b.do("GET", "/os-hypervisors", b.admin, "2.53", nil).JSON(t)["hypervisors"].([]any)
	hvUUID := uuidList[0].(map[string]any)["id"].(string)
	tests := []struct {
		name, mv, path string
		status         int
		key, keys      string // key of the body holding the object (first of a list); its keys
	}{
		{"list", "2.1", "/os-hypervisors", 200, "hypervisors", hypervisorKeys},
		{"detail", "2.1", "/os-hypervisors/detail", 200, "hypervisors", hypervisorDetail},
		{"detail 2.28", "2.28", "/os-hypervisors/detail", 200, "hypervisors", hypervisorDetail},
		{"detail 2.88", "2.88", "/os-hypervisors/detail", 200, "hypervisors", hypervisorDetail288},
		{"with servers 2.75", "2.75", "/os-hypervisors?with_servers=true", 200, "hypervisors", hypervisorKeys + " servers"},
		{"show", "2.1", "/os-hypervisors/" + id, 200, "hypervisor", hypervisorDetail},
		{"show uuid", "2.53", "/os-hypervisors/" + hvUUID, 200, "hypervisor", hypervisorDetail},
		{"show int at 2.53", "2.53", "/os-hypervisors/" + id, 400, "", ""},
		{"show missing", "2.1", "/os-hypervisors/9999", 404, "", ""},
		{"show not int", "2.1", "/os-hypervisors/abc", 404, "", ""},
		{"uptime", "2.1", "/os-hypervisors/" + id + "/uptime", 200, "hypervisor", hypervisorKeys + " uptime"},
		{"uptime gone", "2.88", "/os-hypervisors/" + hvUUID + "/uptime", 404, "", ""},
		{"statistics", "2.1", "/os-hypervisors/statistics", 200, "hypervisor_statistics", "count current_workload disk_available_least free_disk_gb free_ram_mb local_gb local_gb_used memory_mb memory_mb_used running_vms vcpus vcpus_used"},
		{"statistics gone", "2.88", "/os-hypervisors/statistics", 404, "", ""},
		{"search", "2.1", "/os-hypervisors/compute-1/search", 200, "hypervisors", hypervisorKeys},
		{"search none", "2.1", "/os-hypervisors/nothing/search", 404, "", ""},
		{"servers", "2.1", "/os-hypervisors/compute/servers", 200, "hypervisors", hypervisorKeys},
		{"search gone", "2.53", "/os-hypervisors/compute/search", 404, "", ""},
		{"pattern", "2.53", "/os-hypervisors?hypervisor_hostname_pattern=compute-2", 200, "hypervisors", hypervisorKeys},
		{"pattern with paging", "2.53", "/os-hypervisors?hypervisor_hostname_pattern=c&limit=1", 400, "", ""},
		{"bad marker", "2.33", "/os-hypervisors?marker=77", 400, "", ""},
		{"unknown param", "2.53", "/os-hypervisors?foo=1", 400, "", ""},
		// with_servers is checked against Nova's boolean schema: its words
		// pass in any of the spellings it lists; oslo's other words ("t",
		// "y", mixed case), which bool_from_string alone would take, and a
		// second value are 400s.
		{"with_servers=yes", "2.75", "/os-hypervisors?with_servers=yes", 200, "hypervisors", hypervisorKeys + " servers"},
		{"with_servers=On", "2.75", "/os-hypervisors?with_servers=On", 200, "hypervisors", hypervisorKeys + " servers"},
		{"with_servers=1", "2.75", "/os-hypervisors?with_servers=1", 200, "hypervisors", hypervisorKeys + " servers"},
		{"with_servers=NO", "2.75", "/os-hypervisors?with_servers=NO", 200, "hypervisors", hypervisorKeys},
		{"with_servers=t", "2.75", "/os-hypervisors?with_servers=t", 400, "", ""},
		{"with_servers=y", "2.75", "/os-hypervisors?with_servers=y", 400, "", ""},
		{"with_servers=tRUE", "2.75", "/os-hypervisors?with_servers=tRUE", 400, "", ""},
		{"with_servers twice", "2.75", "/os-hypervisors?with_servers=true&with_servers=true", 400, "", ""},
		{"show with_servers=yes", "2.75", "/os-hypervisors/" + hvUUID + "?with_servers=yes", 200, "hypervisor", hypervisorDetail + " servers"},
		{"show with_servers=t", "2.75", "/os-hypervisors/" + hvUUID + "?with_servers=t", 400, "", ""},
		{"show unknown param", "2.53", "/os-hypervisors/" + hvUUID + "?foo=1", 400, "", ""},
		{"with_servers=t before 2.53", "2.52", "/os-hypervisors?with_servers=t", 200, "hypervisors", hypervisorKeys},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := b.do("GET", tt.path, b.admin, tt.mv, nil)
			if resp.Status != tt.status {
				t.Fatalf("%d %s", resp.Status, resp.Body)
			}
			if tt.key == "" {
				return
			}
			v := resp.JSON(t)[tt.key]
			if l, ok := v.([]any); ok {
				if len(l) == 0 {
					t.Fatalf("empty %s", tt.key)
				}
				v = l[0]
			}
			if got := keysOf(v); got != sortWords(tt.keys) {
				t.Errorf("keys = %s\nwant   %s", got, sortWords(tt.keys))
			}
		})
	}
	const words = "[True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', " +
		"False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']"
	if _, msg := fault(t, b.do("GET", "/os-hypervisors?with_servers=t", b.admin, "2.53", nil)); msg !=
		"Invalid input for query parameters with_servers. Value: t. 't' is not one of "+words {
		t.Errorf("with_servers=t: %q", msg)
	}
	// 2.33 paging: one per page, with a next link.
	resp := b.do("GET", "/os-hypervisors?limit=1", b.admin, "2.33", nil).JSON(t)
	if len(resp["hypervisors"].([]any)) != 1 || resp["hypervisors_links"] == nil {
		t.Errorf("paged: %v", resp)
	}
	if st, _ := fault(t, b.do("GET", "/os-hypervisors", b.demo, "2.1", nil)); st != 403 {
		t.Errorf("member list: %d", st)
	}
}

func TestServicesAndScheduling(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.Hosts = 2 })
	list := b.do("GET", "/os-services", b.admin, "2.53", nil).JSON(t)["services"].([]any)
	if len(list) != 4 {
		t.Fatalf("services: %v", list)
	}
	var compute1 map[string]any
	for _, s := range list {
		m := s.(map[string]any)
		if got := keysOf(m); got != sortWords(serviceKeys211) {
			t.Errorf("keys %s", got)
		}
		if m["binary"] == "nova-compute" && compute1 == nil {
			compute1 = m
		}
		if m["binary"] != "nova-compute" && m["zone"] != "internal" {
			t.Errorf("controller service zone: %v", m)
		}
	}
	host := compute1["host"].(string)
	filters := []struct {
		query string
		n     int
	}{{"", 4}, {"?binary=nova-compute", 2}, {"?host=" + host, 1}, {"?host=xxx&binary=nova-compute", 0}, {"?binary=xxx", 0}}
	for _, f := range filters {
		if got := len(b.do("GET", "/os-services"+f.query, b.admin, "2.1", nil).JSON(t)["services"].([]any)); got != f.n {
			t.Errorf("filter %q: %d services, want %d", f.query, got, f.n)
		}
	}
	// 2.53: disable by uuid, with a reason.
	resp := b.do("PUT", "/os-services/"+compute1["id"].(string), b.admin, "2.53",
		map[string]any{"status": "disabled", "disabled_reason": "maintenance"})
	svc := resp.JSON(t)["service"].(map[string]any)
	if resp.Status != 200 || svc["status"] != "disabled" || svc["disabled_reason"] != "maintenance" {
		t.Fatalf("disable: %d %s", resp.Status, resp.Body)
	}
	// The scheduler now skips that host: os-hosts leaves it out, the
	// hypervisor shows disabled.
	hosts := b.do("GET", "/os-hosts", b.admin, "2.1", nil).JSON(t)["hosts"].([]any)
	for _, h := range hosts {
		if h.(map[string]any)["host_name"] == host {
			t.Errorf("disabled host listed in os-hosts: %v", hosts)
		}
	}
	errs := []struct {
		name, method, path, mv string
		body                   any
		status                 int
		msg                    string
	}{
		{"unknown uuid", "PUT", "/os-services/" + "3b8a1929-3793-4e92-bcb4-dfa572ee6c1d", "2.53", map[string]any{"status": "enabled"}, 404, "Service 3b8a1929-3793-4e92-bcb4-dfa572ee6c1d could not be found."},
		{"not uuid", "PUT", "/os-services/enable", "2.53", map[string]any{"status": "enabled"}, 400, "Invalid uuid enable"},
		{"nothing to do", "PUT", "/os-services/" + compute1["id"].(string), "2.53", map[string]any{}, 400, "No updates were requested. Fields 'status' or 'forced_down' should be specified."},
		{"enable with reason", "PUT", "/os-services/" + compute1["id"].(string), "2.53", map[string]any{"status": "enabled", "disabled_reason": "x"}, 400, "Specifying 'disabled_reason' with status 'enabled' is invalid."},
		{"old enable", "PUT", "/os-services/enable", "2.1", map[string]any{"host": host, "binary": "nova-compute"}, 200, ""},
		{"old unknown host", "PUT", "/os-services/disable", "2.1", map[string]any{"host": "nohost", "binary": "nova-compute"}, 404, "Could not find binary nova-compute on host nohost."},
		{"old scheduler", "PUT", "/os-services/disable", "2.1", map[string]any{"host": "novalite-controller", "binary": "nova-scheduler"}, 400, "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated."},
		{"old force-down before 2.11", "PUT", "/os-services/force-down", "2.10", map[string]any{"host": host, "binary": "nova-compute"}, 404, "Unknown action"},
		{"old force-down", "PUT", "/os-services/force-down", "2.11", map[string]any{"host": host, "binary": "nova-compute", "forced_down": false}, 200, ""},
		{"log reason", "PUT", "/os-services/disable-log-reason", "2.1", map[string]any{"host": host, "binary": "nova-compute"}, 400, "Missing disabled reason field"},
		{"member", "GET", "/os-services", "2.1", nil, 403, "Policy doesn't allow os_compute_api:os-services:list to be performed."},
		{"delete bad id", "DELETE", "/os-services/abc", "2.1", nil, 400, "Invalid input received: id must be an integer"},
		{"delete missing", "DELETE", "/os-services/999", "2.1", nil, 404, "Service 999 not found."},
	}
	for _, e := range errs {
		token := b.admin
		if e.name == "member" {
			token = b.demo
		}
		st, msg := fault(t, b.do(e.method, e.path, token, e.mv, e.body))
		if st != e.status || msg != e.msg {
			t.Errorf("%s: %d %q, want %d %q", e.name, st, msg, e.status, e.msg)
		}
	}
}

func TestAggregatesAndZones(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.Hosts = 2 })
	create := func(body map[string]any, want int) map[string]any {
		t.Helper()
		resp := b.do("POST", "/os-aggregates", b.admin, "2.41", map[string]any{"aggregate": body})
		if resp.Status != want {
			t.Fatalf("create %v: %d %s", body, resp.Status, resp.Body)
		}
		if want != 200 {
			return nil
		}
		return resp.JSON(t)["aggregate"].(map[string]any)
	}
	agg := create(map[string]any{"name": "agg1", "availability_zone": "az1"}, 200)
	if got := keysOf(agg); got != sortWords("availability_zone created_at deleted deleted_at id name updated_at uuid") {
		t.Errorf("create keys %s", got)
	}
	id := fmt.Sprint(agg["id"])
	create(map[string]any{"name": "agg1"}, 409)
	create(map[string]any{"name": ""}, 400)
	create(map[string]any{"name": strings.Repeat("a", 256)}, 400)
	other := create(map[string]any{"name": "agg2", "availability_zone": "az2"}, 200)

	action := func(aid, name string, arg map[string]any) (int, string, map[string]any) {
		resp := b.do("POST", "/os-aggregates/"+aid+"/action", b.admin, "2.1", map[string]any{name: arg})
		st, msg := fault(t, resp)
		if st == 200 {
			return st, "", resp.JSON(t)["aggregate"].(map[string]any)
		}
		return st, msg, nil
	}
	host := "novalite-compute-1"
	steps := []struct {
		name, agg, action string
		arg               map[string]any
		status            int
		msg               string
	}{
		{"add", id, "add_host", map[string]any{"host": host}, 200, ""},
		{"add again", id, "add_host", map[string]any{"host": host}, 409, "Aggregate " + id + " already has host " + host + "."},
		{"add unknown", id, "add_host", map[string]any{"host": "nohost"}, 404, "Compute host nohost could not be found."},
		{"add to other zone", fmt.Sprint(other["id"]), "add_host", map[string]any{"host": host}, 409,
			"Cannot add host to aggregate " + fmt.Sprint(other["id"]) + ". Reason: One or more hosts already in availability zone(s) ['az1']."},
		{"missing aggregate", "999", "add_host", map[string]any{"host": host}, 404, "Aggregate 999 could not be found."},
		// Ids below 1 are integers too: no aggregate has them, though two exist
		// (the lookup once took any id < 1 for "every aggregate").
		{"negative id", "-1", "add_host", map[string]any{"host": host}, 404, "Aggregate -1 could not be found."},
		{"id 0", "0", "add_host", map[string]any{"host": host}, 404, "Aggregate 0 could not be found."},
		{"metadata", id, "set_metadata", map[string]any{"metadata": map[string]any{"k": "v"}}, 200, ""},
		{"empty zone", id, "set_metadata", map[string]any{"metadata": map[string]any{"availability_zone": nil}}, 400,
			"Cannot update metadata of aggregate " + id + ". Reason: Aggregate agg1 does not support empty named availability zone."},
		{"remove unknown", id, "remove_host", map[string]any{"host": "novalite-compute-2"}, 404,
			"Cannot remove host novalite-compute-2 in aggregate " + id},
	}
	for _, s := range steps {
		st, msg, got := action(s.agg, s.action, s.arg)
		if st != s.status || msg != s.msg {
			t.Errorf("%s: %d %q, want %d %q", s.name, st, msg, s.status, s.msg)
		}
		if got != nil && keysOf(got) != sortWords(aggregateKeys) {
			t.Errorf("%s: keys %s", s.name, keysOf(got))
		}
	}
	// Host 1 is now in az1: the zone list shows it, and a server asking
	// for az1 can only go there.
	zones := b.do("GET", "/os-availability-zone", b.demo, "2.1", nil).JSON(t)["availabilityZoneInfo"].([]any)
	var names []string
	for _, z := range zones {
		names = append(names, z.(map[string]any)["zoneName"].(string))
	}
	if strings.Join(names, ",") != "az1,nova" {
		t.Errorf("zones = %v", names)
	}
	if st, _ := fault(t, b.do("DELETE", "/os-aggregates/"+id, b.admin, "2.1", nil)); st != 400 {
		t.Errorf("delete non-empty aggregate: %d", st)
	}
	for _, m := range []string{"GET", "DELETE"} { // Tempest's negative tests
		if st, msg := fault(t, b.do(m, "/os-aggregates/-1", b.admin, "2.1", nil)); st != 404 || msg != "Aggregate -1 could not be found." {
			t.Errorf("%s /os-aggregates/-1: %d %q", m, st, msg)
		}
	}
	if st, _, got := action(id, "remove_host", map[string]any{"host": host}); st != 200 || len(got["hosts"].([]any)) != 0 {
		t.Errorf("remove: %d %v", st, got)
	}
	resp := b.do("PUT", "/os-aggregates/"+id, b.admin, "2.1", map[string]any{"aggregate": map[string]any{"name": "agg1-new", "availability_zone": "az1-new"}})
	if got := resp.JSON(t)["aggregate"].(map[string]any); resp.Status != 200 || got["availability_zone"] != "az1-new" || got["name"] != "agg1-new" {
		t.Errorf("update: %d %s", resp.Status, resp.Body)
	}
	if st, _ := fault(t, b.do("DELETE", "/os-aggregates/"+id, b.admin, "2.1", nil)); st != 200 {
		t.Errorf("delete: %d", st)
	}
	if st, _ := fault(t, b.do("GET", "/os-aggregates/"+id, b.admin, "2.1", nil)); st != 404 {
		t.Errorf("show deleted: %d", st)
	}
	if st, _ := fault(t, b.do("GET", "/os-aggregates", b.demo, "2.1", nil)); st != 403 {
		t.Errorf("member list: %d", st)
	}
	if st, _ := fault(t, b.do("POST", "/os-aggregates/"+fmt.Sprint(other["id"])+"/images", b.admin, "2.81",
		map[string]any{"cache": []any{map[string]any{"id": b.image}}})); st != 202 {
		t.Errorf("cache images: %d", st)
	}
}

func TestHostsAndUsage(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *config.Config) { c.Hosts = 2 })
	hosts := b.do("GET", "/os-hosts", b.admin, "2.1", nil).JSON(t)["hosts"].([]any)
	if len(hosts) != 4 || keysOf(hosts[0]) != "host_name service zone" {
		t.Fatalf("hosts: %v", hosts)
	}
	id := b.create(t, b.demo, "u1", nil)
	b.launch(t, id)
	if err := b.execSQL(`UPDATE instances SET host = 'novalite-compute-1', node = 'novalite-compute-1', launched_at = $1 WHERE uuid = $2`,
		time.Now().Add(-2*time.Hour).UnixMicro(), id); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name, method, path, mv string
		body                   any
		status                 int
	}{
		{"show", "GET", "/os-hosts/novalite-compute-1", "2.1", nil, 200},
		{"show missing", "GET", "/os-hosts/nohost", "2.1", nil, 404},
		{"gone", "GET", "/os-hosts", "2.43", nil, 404},
		{"update", "PUT", "/os-hosts/novalite-compute-1", "2.1", map[string]any{"status": "enable", "maintenance_mode": "disable"}, 200},
		{"update bad", "PUT", "/os-hosts/novalite-compute-1", "2.1", map[string]any{"status": "invalid"}, 400},
		{"update empty", "PUT", "/os-hosts/novalite-compute-1", "2.1", map[string]any{}, 400},
		{"update missing", "PUT", "/os-hosts/nohost", "2.1", map[string]any{"status": "enable"}, 404},
		{"reboot", "GET", "/os-hosts/novalite-compute-1/reboot", "2.1", nil, 200},
		{"startup missing", "GET", "/os-hosts/nohost/startup", "2.1", nil, 404},
	}
	for _, c := range checks {
		if st, msg := fault(t, b.do(c.method, c.path, b.admin, c.mv, c.body)); st != c.status {
			t.Errorf("%s: %d %q", c.name, st, msg)
		}
	}
	show := b.do("GET", "/os-hosts/novalite-compute-1", b.admin, "2.1", nil).JSON(t)["host"].([]any)
	if len(show) != 4 || keysOf(show[0].(map[string]any)["resource"]) != "cpu disk_gb host memory_mb project" {
		t.Errorf("host show: %v", show)
	}

	start := time.Now().UTC().Add(-24 * time.Hour).Format("2006-01-02T15:04:05.000000")
	end := time.Now().UTC().Add(24 * time.Hour).Format("2006-01-02T15:04:05")
	project := b.project(t, b.demo)
	resp := b.do("GET", "/os-simple-tenant-usage/"+project+"?start="+start+"&end="+end, b.demo, "2.1", nil)
	usage := resp.JSON(t)["tenant_usage"].(map[string]any)
	if resp.Status != 200 || keysOf(usage) != tenantUsageKeys {
		t.Fatalf("show usage: %d %s", resp.Status, resp.Body)
	}
	su := usage["server_usages"].([]any)[0].(map[string]any)
	if keysOf(su) != serverUsageKeys {
		t.Errorf("server usage keys %s", keysOf(su))
	}
	if h := su["hours"].(float64); h < 1.99 || h > 2.01 {
		t.Errorf("hours = %v, want ~2", h)
	}
	all := b.do("GET", "/os-simple-tenant-usage?detailed=1&start="+start+"&end="+end, b.admin, "2.40", nil).JSON(t)
	if l := all["tenant_usages"].([]any); len(l) != 1 || keysOf(l[0]) != tenantUsageKeys {
		t.Errorf("list usage: %v", all)
	}
	bad := []struct {
		name, path, token string
		status            int
	}{
		{"start after end", "/os-simple-tenant-usage/" + project + "?start=" + end + "&end=" + start, b.admin, 400},
		{"bad date", "/os-simple-tenant-usage?start=yesterday", b.admin, 400},
		{"member list", "/os-simple-tenant-usage", b.demo, 403},
		{"bad marker", "/os-simple-tenant-usage?marker=nope", b.admin, 400},
		{"empty project", "/os-simple-tenant-usage/", b.admin, 404},
	}
	for _, c := range bad {
		if st, msg := fault(t, b.do("GET", c.path, c.token, "2.40", nil)); st != c.status {
			t.Errorf("%s: %d %q", c.name, st, msg)
		}
	}
	if resp := b.do("GET", "/os-simple-tenant-usage?limit=1&start="+start, b.admin, "2.40", nil).JSON(t); resp["tenant_usages_links"] == nil {
		t.Errorf("no next link on a full page: %v", resp)
	}
}

// TestHostUsedNow: GET /os-hosts/{host}'s (used_now) row is the compute
// node's vcpus_used, memory_mb_used and local_gb_used (Nova's hosts.py
// _get_used_now_resources), which the scheduler's claims keep: after a
// boot through the real scheduler it is what the servers use, as the
// (used_max) row and os-hypervisors say.
func TestHostUsedNow(t *testing.T) {
	t.Parallel()
	b := setup(t, withAgents)
	var host string
	for _, name := range []string{"a", "b"} {
		id := b.create(t, b.demo, name, map[string]any{"flavorRef": "2"})
		b.waitStatus(t, id, "ACTIVE")
		if host == "" {
			host, _ = b.show(t, b.admin, id, "2.1")["OS-EXT-SRV-ATTR:host"].(string)
		}
	}
	rows := map[string]map[string]any{}
	for _, r := range b.do("GET", "/os-hosts/"+host, b.admin, "2.1", nil).JSON(t)["host"].([]any) {
		res := r.(map[string]any)["resource"].(map[string]any)
		rows[res["project"].(string)] = res
	}
	var hv map[string]any
	for _, h := range b.do("GET", "/os-hypervisors/detail", b.admin, "2.1", nil).JSON(t)["hypervisors"].([]any) {
		if m := h.(map[string]any); m["hypervisor_hostname"] == host {
			hv = m
		}
	}
	now, max := rows["(used_now)"], rows["(used_max)"]
	if now == nil || max == nil || hv == nil {
		t.Fatalf("host %q: rows %v, hypervisor %v", host, rows, hv)
	}
	for _, k := range []struct{ host, hv string }{{"cpu", "vcpus_used"}, {"memory_mb", "memory_mb_used"}, {"disk_gb", "local_gb_used"}} {
		if now[k.host] != max[k.host] || now[k.host] != hv[k.hv] || now[k.host] == 0.0 {
			t.Errorf("%s: used_now %v, used_max %v, hypervisor %s %v", k.host, now[k.host], max[k.host], k.hv, hv[k.hv])
		}
	}
}
