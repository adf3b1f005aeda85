package compute_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// exactCase is one request whose answer TestExactViews pins byte for
// byte (after json.Indent, which keeps key order and number text).
type exactCase struct {
	name, method, path, token, mv string
	body                          any
}

// Run-specific values in exact files; the golden ones' placeholders plus
// the keypair material a generated key changes.
var (
	rePrivate     = regexp.MustCompile(`"private_key": "[^"]*"`)
	rePublic      = regexp.MustCompile(`"public_key": "ssh-[^"]*"`)
	reFingerprint = regexp.MustCompile(`"([0-9a-f]{2}:){15}[0-9a-f]{2}"`)
	reUptimeSecs  = regexp.MustCompile(`"uptime": \d+`) // a usage's: seconds until now
	reMAC         = regexp.MustCompile(`"fa:16:3e(:[0-9a-f]{2}){3}"`)
	reUptime      = regexp.MustCompile(`" \d\d:\d\d:\d\d up [^"]*"`)
)

// exactNormalize indents body without decoding it (so without sorting
// its keys or reformatting its numbers) and replaces run-specific values.
func exactNormalize(t *testing.T, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	out := buf.Bytes()
	out = reUUID.ReplaceAll(out, []byte("<uuid>"))
	out = reTime.ReplaceAll(out, []byte("<time>"))
	out = reBase.ReplaceAll(out, []byte("http://<host>"))
	out = reID32.ReplaceAll(out, []byte(`"<id>"`))
	out = rePrivate.ReplaceAll(out, []byte(`"private_key": "<private>"`))
	out = rePublic.ReplaceAll(out, []byte(`"public_key": "<public>"`))
	out = reFingerprint.ReplaceAll(out, []byte(`"<fingerprint>"`))
	out = reUptime.ReplaceAll(out, []byte(`"<uptime>"`))
	out = reMAC.ReplaceAll(out, []byte(`"<mac>"`))
	out = reUptimeSecs.ReplaceAll(out, []byte(`"uptime": <seconds>`))
	out = reHex.ReplaceAll(out, []byte(`"<hostId>"`))
	out = rePass.ReplaceAll(out, []byte(`"adminPass": "<password>"`))
	out = reResv.ReplaceAll(out, []byte(`"r-<id>"`))
	return append(out, '\n')
}

// checkExact runs cases in order (later ones may depend on earlier
// ones) and compares each body with testdata/exact/<name>.json; -update
// rewrites the files. Unlike TestGoldenResponses these files keep the
// order of keys as sent: a view moved from a map to a struct must list
// its fields in the order json.Marshal sorted the map's keys.
func checkExact(t *testing.T, b *testBundle, cases []exactCase) {
	t.Helper()
	for _, c := range cases {
		resp := b.do(c.method, c.path, c.token, c.mv, c.body)
		if resp.Status >= 300 {
			t.Errorf("%s: %s %s: %d %s", c.name, c.method, c.path, resp.Status, resp.Body)
			continue
		}
		compareExact(t, c.name, resp.Body)
	}
}

// compareExact compares body, normalized, with testdata/exact/<name>.json.
func compareExact(t *testing.T, name string, body []byte) {
	t.Helper()
	compareFile(t, filepath.Join("testdata", "exact", name+".json"), exactNormalize(t, body))
}

// TestExactFlavors pins the flavor views where they change shape:
// swap "" before 2.75, description from 2.55, extra_specs from 2.61,
// rxtx_factor and disabled until 2.101, the next link of a full page.
func TestExactFlavors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	create := map[string]any{"flavor": map[string]any{"name": "exact", "id": "x1", "ram": 512, "vcpus": 2,
		"disk": 0, "rxtx_factor": 1.5, "os-flavor-access:is_public": false}}
	specs := map[string]any{"extra_specs": map[string]any{"hw:cpu_policy": "dedicated"}}
	checkExact(t, b, []exactCase{
		{"flavor-create-2.1", "POST", "/flavors", b.admin, "2.1", create},
		{"flavor-extra-specs-create", "POST", "/flavors/x1/os-extra_specs", b.admin, "2.1", specs},
		{"flavor-update-2.55", "PUT", "/flavors/x1", b.admin, "2.55",
			map[string]any{"flavor": map[string]any{"description": "d"}}},
		{"flavor-show-x1-2.1", "GET", "/flavors/x1", b.admin, "2.1", nil},
		{"flavor-show-x1-2.55", "GET", "/flavors/x1", b.admin, "2.55", nil},
		{"flavor-show-x1-2.61", "GET", "/flavors/x1", b.admin, "2.61", nil},
		{"flavor-show-x1-2.75", "GET", "/flavors/x1", b.admin, "2.75", nil},
		{"flavor-show-x1-2.102", "GET", "/flavors/x1", b.admin, "2.102", nil},
		{"flavor-show-1-2.61-member", "GET", "/flavors/1", b.demo, "2.61", nil},
		{"flavors-2.1", "GET", "/flavors?limit=2", b.demo, "2.1", nil},
		{"flavors-2.55", "GET", "/flavors", b.demo, "2.55", nil},
		{"flavors-detail-2.1", "GET", "/flavors/detail?limit=1&minRam=1", b.demo, "2.1", nil},
		{"flavors-detail-2.75", "GET", "/flavors/detail?is_public=none", b.admin, "2.75", nil},
		{"flavors-detail-2.102", "GET", "/flavors/detail", b.admin, "2.102", nil},
	})
}

// TestExactKeypairs pins the keypair views: type from 2.2, the list's
// paging links from 2.35, the show's database fields, a generated key.
func TestExactKeypairs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	kp := func(name string) map[string]any {
		return map[string]any{"keypair": map[string]any{"name": name, "public_key": sampleKey}}
	}
	checkExact(t, b, []exactCase{
		{"keypair-import-2.1", "POST", "/os-keypairs", b.demo, "2.1", kp("k1")},
		{"keypair-import-2.2", "POST", "/os-keypairs", b.demo, "2.2", kp("k2")},
		{"keypair-generate-2.10", "POST", "/os-keypairs", b.demo, "2.10",
			map[string]any{"keypair": map[string]any{"name": "k3", "type": "ssh"}}},
		{"keypairs-2.1", "GET", "/os-keypairs", b.demo, "2.1", nil},
		{"keypairs-2.35", "GET", "/os-keypairs?limit=2", b.demo, "2.35", nil},
		{"keypair-show-2.1", "GET", "/os-keypairs/k1", b.demo, "2.1", nil},
		{"keypair-show-2.2", "GET", "/os-keypairs/k1", b.demo, "2.2", nil},
	})
}

// TestExactServerGroups pins the group views: policies and metadata
// until 2.63, policy and rules from 2.64, project and user from 2.13.
func TestExactServerGroups(t *testing.T) {
	t.Parallel()
	b := setup(t)
	checkExact(t, b, []exactCase{
		{"server-group-create-2.1", "POST", "/os-server-groups", b.demo, "2.1",
			map[string]any{"server_group": map[string]any{"name": "g1", "policies": []any{"affinity"}}}},
		{"server-group-create-2.64", "POST", "/os-server-groups", b.demo, "2.64",
			map[string]any{"server_group": map[string]any{"name": "g2", "policy": "anti-affinity",
				"rules": map[string]any{"max_server_per_host": 2}}}},
		{"server-groups-2.1", "GET", "/os-server-groups", b.demo, "2.1", nil},
		{"server-groups-2.13", "GET", "/os-server-groups", b.demo, "2.13", nil},
		{"server-groups-2.64", "GET", "/os-server-groups", b.demo, "2.64", nil},
	})
}

// TestExactHostViews pins the admin views of hosts: hypervisors (ids and
// cpu_info by version, uptime and the service, servers), their
// statistics, services (forced_down from 2.11, uuids from 2.53) and the
// updates of both service APIs, aggregates (uuid from 2.41).
func TestExactHostViews(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "on-host", nil)
	b.launch(t, id)
	if err := b.execSQL(`UPDATE instances SET host = 'novalite-compute-1', node = 'novalite-compute-1' WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	var hv, svc string
	for _, h := range b.do("GET", "/os-hypervisors", b.admin, "2.53", nil).JSON(t)["hypervisors"].([]any) {
		hv = h.(map[string]any)["id"].(string)
	}
	for _, s := range b.do("GET", "/os-services?binary=nova-compute", b.admin, "2.53", nil).JSON(t)["services"].([]any) {
		svc = s.(map[string]any)["id"].(string)
	}
	agg := map[string]any{"aggregate": map[string]any{"name": "a1"}}
	checkExact(t, b, []exactCase{
		{"hypervisors-2.1", "GET", "/os-hypervisors", b.admin, "2.1", nil},
		{"hypervisors-detail-2.1", "GET", "/os-hypervisors/detail", b.admin, "2.1", nil},
		{"hypervisors-detail-2.28", "GET", "/os-hypervisors/detail", b.admin, "2.28", nil},
		{"hypervisors-2.33", "GET", "/os-hypervisors?limit=1", b.admin, "2.33", nil},
		{"hypervisors-2.53", "GET", "/os-hypervisors?with_servers=true", b.admin, "2.53", nil},
		{"hypervisors-2.75", "GET", "/os-hypervisors?with_servers=true", b.admin, "2.75", nil},
		{"hypervisors-detail-2.88", "GET", "/os-hypervisors/detail?limit=1", b.admin, "2.88", nil},
		{"hypervisor-show-2.53", "GET", "/os-hypervisors/" + hv + "?with_servers=1", b.admin, "2.53", nil},
		{"hypervisor-show-2.88", "GET", "/os-hypervisors/" + hv, b.admin, "2.88", nil},
		{"hypervisor-uptime-2.1", "GET", "/os-hypervisors/1/uptime", b.admin, "2.1", nil},
		{"hypervisors-search-2.1", "GET", "/os-hypervisors/novalite/search", b.admin, "2.1", nil},
		{"hypervisors-servers-2.1", "GET", "/os-hypervisors/novalite/servers", b.admin, "2.1", nil},
		{"hypervisor-statistics-2.1", "GET", "/os-hypervisors/statistics", b.admin, "2.1", nil},
		{"services-2.1", "GET", "/os-services", b.admin, "2.1", nil},
		{"services-2.11", "GET", "/os-services", b.admin, "2.11", nil},
		{"service-disable-2.1", "PUT", "/os-services/disable-log-reason", b.admin, "2.1",
			map[string]any{"host": "novalite-compute-1", "binary": "nova-compute", "disabled_reason": "why"}},
		{"service-force-down-2.11", "PUT", "/os-services/force-down", b.admin, "2.11",
			map[string]any{"host": "novalite-compute-1", "binary": "nova-compute", "forced_down": false}},
		{"service-enable-2.1", "PUT", "/os-services/enable", b.admin, "2.1",
			map[string]any{"host": "novalite-compute-1", "binary": "nova-compute"}},
		{"service-update-2.53", "PUT", "/os-services/" + svc, b.admin, "2.53",
			map[string]any{"status": "disabled", "disabled_reason": "maintenance"}},
		{"services-2.53", "GET", "/os-services?binary=nova-compute", b.admin, "2.53", nil},
		{"aggregate-create-2.1", "POST", "/os-aggregates", b.admin, "2.1", agg},
		{"aggregate-add-host-2.1", "POST", "/os-aggregates/1/action", b.admin, "2.1",
			map[string]any{"add_host": map[string]any{"host": "novalite-compute-1"}}},
		{"aggregate-metadata-2.41", "POST", "/os-aggregates/1/action", b.admin, "2.41",
			map[string]any{"set_metadata": map[string]any{"metadata": map[string]any{"k": "v", "a": "b"}}}},
		{"aggregate-update-2.1", "PUT", "/os-aggregates/1", b.admin, "2.1",
			map[string]any{"aggregate": map[string]any{"name": "a2"}}},
		{"aggregate-show-2.41", "GET", "/os-aggregates/1", b.admin, "2.41", nil},
		{"aggregates-2.1", "GET", "/os-aggregates", b.admin, "2.1", nil},
		{"aggregate-create-2.41", "POST", "/os-aggregates", b.admin, "2.41",
			map[string]any{"aggregate": map[string]any{"name": "a3", "availability_zone": "z3"}}},
		{"aggregates-2.41", "GET", "/os-aggregates", b.admin, "2.41", nil},
	})
}

// TestExactServerRecords pins a server's instance actions (updated_at
// and links from 2.58, events to members from 2.51, host and hostId
// from 2.62, details from 2.84) and migrations (os-migrations' and the
// server's own, by version).
func TestExactServerRecords(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "records", nil)
	b.launch(t, id)
	acts := b.do("GET", "/servers/"+id+"/os-instance-actions", b.demo, "2.1", nil).JSON(t)["instanceActions"].([]any)
	req := acts[0].(map[string]any)["request_id"].(string)
	for _, q := range []string{
		`INSERT INTO instance_action_events (action_id, event, start_time, finish_time, result, traceback, host, details)
			SELECT id, 'compute__do_build_and_run_instance', start_time, start_time, 'Success', NULL, 'novalite-compute-1', NULL
			FROM instance_actions WHERE instance_uuid = $1`,
		`INSERT INTO instance_action_events (action_id, event, start_time, finish_time, result, traceback, host, details)
			SELECT id, 'conductor_schedule_and_build_instances', start_time, NULL, NULL, 'Traceback', '', 'No valid host'
			FROM instance_actions WHERE instance_uuid = $1`,
	} {
		if err := b.execSQL(q, id); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UnixMicro()
	for i, typ := range []string{"resize", "live-migration"} {
		if err := b.execSQL(`INSERT INTO migrations (uuid, instance_uuid, migration_type, status, source_compute,
			source_node, dest_compute, dest_node, old_flavor, new_flavor, project_id, user_id, created_at, updated_at)
			SELECT $1, $2, $3, $4, 'novalite-compute-1', 'novalite-compute-1', $5, $5, '{"id":"1"}', '{"id":"2"}',
			project_id, user_id, $6, $6 FROM instances WHERE uuid = $2`,
			fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i), id, typ,
			map[bool]string{true: "finished", false: "running"}[i == 0],
			map[bool]any{true: nil, false: "novalite-compute-2"}[i == 0], now); err != nil {
			t.Fatal(err)
		}
	}
	base := "/servers/" + id + "/os-instance-actions"
	checkExact(t, b, []exactCase{
		{"instance-actions-2.1", "GET", base, b.demo, "2.1", nil},
		{"instance-actions-2.58", "GET", base + "?limit=1", b.demo, "2.58", nil},
		{"instance-actions-2.58-limit0", "GET", base + "?limit=0", b.demo, "2.58", nil},
		{"instance-action-2.1", "GET", base + "/" + req, b.demo, "2.1", nil},
		{"instance-action-admin-2.1", "GET", base + "/" + req, b.admin, "2.1", nil},
		{"instance-action-2.51", "GET", base + "/" + req, b.demo, "2.51", nil},
		{"instance-action-2.62", "GET", base + "/" + req, b.demo, "2.62", nil},
		{"instance-action-admin-2.62", "GET", base + "/" + req, b.admin, "2.62", nil},
		{"instance-action-admin-2.84", "GET", base + "/" + req, b.admin, "2.84", nil},
		{"migrations-2.1", "GET", "/os-migrations", b.admin, "2.1", nil},
		{"migrations-2.23", "GET", "/os-migrations", b.admin, "2.23", nil},
		{"migrations-2.59", "GET", "/os-migrations", b.admin, "2.59", nil},
		{"migrations-2.80", "GET", "/os-migrations", b.admin, "2.80", nil},
		{"server-migrations-2.23", "GET", "/servers/" + id + "/migrations", b.admin, "2.23", nil},
		{"server-migration-2.59", "GET", "/servers/" + id + "/migrations/2", b.admin, "2.59", nil},
		{"server-migration-2.80", "GET", "/servers/" + id + "/migrations/2", b.admin, "2.80", nil},
	})
}

// TestExactServerDevices pins a server's volume attachments (tag from
// 2.70, delete_on_termination from 2.79, attachment_id and bdm_uuid for
// id from 2.89; the attach's echo) and interfaces (tag from 2.70).
func TestExactServerDevices(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id, booted, private := b.withVolume(t, "devices")
	spare := b.vol(t, b.demo, map[string]any{"size": 1})
	vols, ifs := "/servers/"+id+"/os-volume_attachments", "/servers/"+id+"/os-interface"
	port := b.serverPorts(t, id)[0].(map[string]any)["id"].(string)
	checkExact(t, b, []exactCase{
		{"volume-attachments-2.1", "GET", vols, b.demo, "2.1", nil},
		{"volume-attachments-2.70", "GET", vols, b.demo, "2.70", nil},
		{"volume-attachments-2.79", "GET", vols, b.demo, "2.79", nil},
		{"volume-attachment-2.89", "GET", vols + "/" + booted, b.demo, "2.89", nil},
		{"volume-attach-2.79", "POST", vols, b.demo, "2.79",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": spare, "delete_on_termination": "False"}}},
		{"interfaces-2.1", "GET", ifs, b.demo, "2.1", nil},
		{"interface-2.70", "GET", ifs + "/" + port, b.demo, "2.70", nil},
		{"interface-attach-2.1", "POST", ifs, b.demo, "2.1",
			map[string]any{"interfaceAttachment": map[string]any{"net_id": private}}},
	})
}

// TestExactQuotas pins the limits and the quota and quota class sets,
// whose keys depend on the version (2.36 and 2.57 drop resources, 2.39
// maxImageMeta, 2.50 the class sets' server group ones).
func TestExactQuotas(t *testing.T) {
	t.Parallel()
	b := setup(t)
	project := b.project(t, b.demo)
	qs := "/os-quota-sets/" + project
	checkExact(t, b, []exactCase{
		{"limits-2.1", "GET", "/limits", b.demo, "2.1", nil},
		{"limits-2.36", "GET", "/limits", b.demo, "2.36", nil},
		{"limits-2.39", "GET", "/limits", b.demo, "2.39", nil},
		{"limits-2.57", "GET", "/limits", b.demo, "2.57", nil},
		{"quota-set-2.1", "GET", qs, b.demo, "2.1", nil},
		{"quota-set-2.36", "GET", qs, b.demo, "2.36", nil},
		{"quota-set-2.57", "GET", qs, b.demo, "2.57", nil},
		{"quota-set-detail-2.1", "GET", qs + "/detail", b.demo, "2.1", nil},
		{"quota-set-detail-2.57", "GET", qs + "/detail", b.demo, "2.57", nil},
		{"quota-defaults-2.36", "GET", qs + "/defaults", b.demo, "2.36", nil},
		{"quota-set-update-2.1", "PUT", qs, b.admin, "2.1", map[string]any{"quota_set": map[string]any{"cores": 30}}},
		{"quota-set-update-2.57", "PUT", qs, b.admin, "2.57", map[string]any{"quota_set": map[string]any{"ram": 4096}}},
		{"quota-class-2.1", "GET", "/os-quota-class-sets/default", b.admin, "2.1", nil},
		{"quota-class-2.50", "GET", "/os-quota-class-sets/default", b.admin, "2.50", nil},
		{"quota-class-2.57", "GET", "/os-quota-class-sets/default", b.admin, "2.57", nil},
		{"quota-class-update-2.1", "PUT", "/os-quota-class-sets/default", b.admin, "2.1",
			map[string]any{"quota_class_set": map[string]any{"cores": 40}}},
		{"quota-class-update-2.57", "PUT", "/os-quota-class-sets/default", b.admin, "2.57",
			map[string]any{"quota_class_set": map[string]any{"instances": 20}}},
	})
}

// TestExactServerExtras pins the smaller views around servers and
// flavors: zones, addresses and security groups, metadata and tags,
// flavor access and extra specs, and usage over a fixed past period
// (floats as Nova writes them).
func TestExactServerExtras(t *testing.T) {
	t.Parallel()
	b := setup(t)
	private := b.networkID(t, "private")
	id := b.create(t, b.demo, "extras", map[string]any{"networks": []any{map[string]any{"uuid": private}},
		"metadata": map[string]any{"role": "web", "tier": "1"}})
	b.launch(t, id)
	launched := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	if err := b.execSQL(`UPDATE instances SET host = 'novalite-compute-1', node = 'novalite-compute-1',
		launched_at = $2, created_at = $2 WHERE uuid = $1`, id, launched); err != nil {
		t.Fatal(err)
	}
	project := b.project(t, b.demo)
	s := "/servers/" + id
	period := "start=2026-01-01T00:00:00&end=2026-01-01T10:30:00"
	private2 := map[string]any{"flavor": map[string]any{"name": "priv", "id": "p1", "ram": 64, "vcpus": 1, "disk": 1,
		"os-flavor-access:is_public": false}}
	checkExact(t, b, []exactCase{
		{"zones-2.1", "GET", "/os-availability-zone", b.demo, "2.1", nil},
		{"zones-detail-2.1", "GET", "/os-availability-zone/detail", b.admin, "2.1", nil},
		{"server-ips-2.1", "GET", s + "/ips", b.demo, "2.1", nil},
		{"server-ips-network-2.1", "GET", s + "/ips/private", b.demo, "2.1", nil},
		{"server-security-groups-2.1", "GET", s + "/os-security-groups", b.demo, "2.1", nil},
		{"server-metadata-2.1", "GET", s + "/metadata", b.demo, "2.1", nil},
		{"server-metadata-item-2.1", "GET", s + "/metadata/role", b.demo, "2.1", nil},
		{"server-metadata-update-2.1", "POST", s + "/metadata", b.demo, "2.1",
			map[string]any{"metadata": map[string]any{"a": "b"}}},
		{"server-metadata-replace-2.1", "PUT", s + "/metadata", b.demo, "2.1",
			map[string]any{"metadata": map[string]any{"x": "y"}}},
		{"server-metadata-item-set-2.1", "PUT", s + "/metadata/k", b.demo, "2.1",
			map[string]any{"meta": map[string]any{"k": "v"}}},
		{"server-tags-replace-2.26", "PUT", s + "/tags", b.demo, "2.26", map[string]any{"tags": []any{"b", "a"}}},
		{"server-tags-2.26", "GET", s + "/tags", b.demo, "2.26", nil},
		{"flavor-private-create", "POST", "/flavors", b.admin, "2.1", private2},
		{"flavor-access-add-2.1", "POST", "/flavors/p1/action", b.admin, "2.1",
			map[string]any{"addTenantAccess": map[string]any{"tenant": project}}},
		{"flavor-access-2.1", "GET", "/flavors/p1/os-flavor-access", b.admin, "2.1", nil},
		{"flavor-extra-specs-create-2.1", "POST", "/flavors/p1/os-extra_specs", b.admin, "2.1",
			map[string]any{"extra_specs": map[string]any{"hw:cpu_policy": "shared", "a": "1"}}},
		{"flavor-extra-specs-2.1", "GET", "/flavors/p1/os-extra_specs", b.admin, "2.1", nil},
		{"flavor-extra-spec-2.1", "GET", "/flavors/p1/os-extra_specs/a", b.admin, "2.1", nil},
		{"flavor-extra-spec-update-2.1", "PUT", "/flavors/p1/os-extra_specs/a", b.admin, "2.1",
			map[string]any{"a": "2"}},
		{"usages-2.1", "GET", "/os-simple-tenant-usage?" + period, b.admin, "2.1", nil},
		{"usages-detailed-2.40", "GET", "/os-simple-tenant-usage?detailed=1&limit=1&" + period, b.admin, "2.40", nil},
		{"usage-2.1", "GET", "/os-simple-tenant-usage/" + project + "?" + period, b.demo, "2.1", nil},
		{"usage-empty-2.40", "GET", "/os-simple-tenant-usage/nobody?" + period, b.admin, "2.40", nil},
	})
}

// TestExactProxies pins the views of the APIs that went at 2.36 and 2.43:
// os-hosts, the security group and image proxies. (The group list is
// left out: it comes in id order, which differs between runs; its groups
// are the view shown here.)
func TestExactProxies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "proxied", nil)
	b.launch(t, id)
	if err := b.execSQL(`UPDATE instances SET host = 'novalite-compute-1', node = 'novalite-compute-1' WHERE uuid = $1`, id); err != nil {
		t.Fatal(err)
	}
	h := "/os-hosts/novalite-compute-1"
	sg := b.do("POST", "/os-security-groups", b.demo, "2.1",
		map[string]any{"security_group": map[string]any{"name": "web", "description": "w"}})
	sgID, _ := sg.JSON(t)["security_group"].(map[string]any)["id"].(string)
	checkExact(t, b, []exactCase{
		{"hosts-2.1", "GET", "/os-hosts", b.admin, "2.1", nil},
		{"host-2.1", "GET", h, b.admin, "2.1", nil},
		{"host-update-2.1", "PUT", h, b.admin, "2.1", map[string]any{"status": "disable", "maintenance_mode": "enable"}},
		{"host-update-status-2.1", "PUT", h, b.admin, "2.1", map[string]any{"status": "Enable"}},
		{"host-reboot-2.1", "GET", h + "/reboot", b.admin, "2.1", nil},
		{"security-group-rule-cidr-2.1", "POST", "/os-security-group-rules", b.demo, "2.1",
			map[string]any{"security_group_rule": map[string]any{"parent_group_id": sgID, "ip_protocol": "tcp",
				"from_port": 22, "to_port": 22, "cidr": "10.0.0.0/8"}}},
		{"security-group-rule-group-2.1", "POST", "/os-security-group-rules", b.demo, "2.1",
			map[string]any{"security_group_rule": map[string]any{"parent_group_id": sgID, "ip_protocol": "icmp",
				"from_port": -1, "to_port": -1, "group_id": sgID}}},
		{"security-group-2.1", "GET", "/os-security-groups/" + sgID, b.demo, "2.1", nil},
		{"security-group-update-2.1", "PUT", "/os-security-groups/" + sgID, b.demo, "2.1",
			map[string]any{"security_group": map[string]any{"name": "web2", "description": "w2"}}},
		{"images-2.1", "GET", "/images", b.demo, "2.1", nil},
		{"images-detail-2.1", "GET", "/images/detail?limit=1", b.demo, "2.1", nil},
		{"image-2.1", "GET", "/images/" + b.image, b.demo, "2.1", nil},
	})
}

// TestExactFloatingIPs pins the floating IP proxy's views (≤2.35): one
// unassociated, one on a server, the pools.
func TestExactFloatingIPs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "fip", map[string]any{"networks": []any{map[string]any{"uuid": b.networkID(t, "private")}}})
	b.launch(t, id)
	create := map[string]any{"pool": "public"}
	r := b.do("POST", "/os-floating-ips", b.demo, "2.1", create)
	fip, _ := r.JSON(t)["floating_ip"].(map[string]any)
	if fip == nil {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := b.do("POST", "/servers/"+id+"/action", b.demo, "2.1",
		map[string]any{"addFloatingIp": map[string]any{"address": fip["ip"]}}); r.Status != 202 {
		t.Fatalf("associate: %d %s", r.Status, r.Body)
	}
	checkExact(t, b, []exactCase{
		{"floating-ip-create-2.1", "POST", "/os-floating-ips", b.demo, "2.1", create},
		{"floating-ip-2.1", "GET", "/os-floating-ips/" + fip["id"].(string), b.demo, "2.1", nil},
		{"floating-ip-pools-2.1", "GET", "/os-floating-ip-pools", b.demo, "2.1", nil},
	})
}

// TestExactUsageAuditLog pins the audit of a fixed past period.
func TestExactUsageAuditLog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	checkExact(t, b, []exactCase{
		{"usage-audit-log-2.1", "GET", "/os-instance_usage_audit_log/2026-01-02%2012:00:00", b.admin, "2.1", nil},
	})
}

// TestExactImageMetadata pins the image metadata proxy's bodies (≤2.38).
func TestExactImageMetadata(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := "/images/" + b.image + "/metadata"
	checkExact(t, b, []exactCase{
		{"image-metadata-2.1", "GET", m, b.admin, "2.1", nil},
		{"image-metadata-item-2.1", "GET", m + "/hw_rng_model", b.admin, "2.1", nil},
		{"image-metadata-update-2.1", "POST", m, b.admin, "2.1", map[string]any{"metadata": map[string]any{"a": "b"}}},
		{"image-metadata-item-set-2.1", "PUT", m + "/k", b.admin, "2.1", map[string]any{"meta": map[string]any{"k": "v"}}},
		{"image-metadata-replace-2.1", "PUT", m, b.admin, "2.1", map[string]any{"metadata": map[string]any{"x": "y"}}},
	})
}
