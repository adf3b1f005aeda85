package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"novalite/internal/app/apptest"
)

// victim is project demo with one of everything the five APIs keep per
// project, and the values a route's wildcards take to name them.
type victim struct {
	owned
	project, user, server, volume, snapshot, attachment, rule, fipID, requestID, serverPort string
	// shows are demo's own views of each resource, read before and after
	// the stranger's requests: none may change.
	shows []string
}

func (b *bundle) victim(t *testing.T) victim {
	t.Helper()
	v := victim{owned: b.demoResources(t)}
	v.project = b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/projects?name=demo", Token: b.admin}).JSON(t)["projects"].([]any)[0].(map[string]any)["id"].(string)
	v.user = b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/users?name=demo", Token: b.admin}).JSON(t)["users"].([]any)[0].(map[string]any)["id"].(string)
	v.server = b.create(t, map[string]any{"name": "secret-vm", "metadata": map[string]any{"k": "v"}, "tags": []any{"t1"}})
	b.wait(t, v.server, "ACTIVE", status("ACTIVE"))
	actions := b.do("GET", "/servers/"+v.server+"/os-instance-actions", b.demo, nil).JSON(t)["instanceActions"].([]any)
	v.requestID = actions[0].(map[string]any)["request_id"].(string)
	ifaces := b.do("GET", "/servers/"+v.server+"/os-interface", b.demo, nil).JSON(t)["interfaceAttachments"].([]any)
	v.serverPort = ifaces[0].(map[string]any)["port_id"].(string)
	v.rule = b.mustCreate(t, "POST", "/network/v2.0/security-group-rules", b.demo, map[string]any{"security_group_rule": map[string]any{
		"security_group_id": v.group, "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}},
		201, "security_group_rule", "id")
	fips := b.srv.Do(apptest.Request{Method: "GET", Path: "/network/v2.0/floatingips", Token: b.demo}).JSON(t)["floatingips"].([]any)
	v.fipID = fips[0].(map[string]any)["id"].(string)
	v.volume = b.mustCreate(t, "POST", "/volume/v3/volumes", b.demo, map[string]any{"volume": map[string]any{"size": 1, "name": "secret-vol"}},
		202, "volume", "id")
	b.waitVolume(t, v.volume, "available")
	v.snapshot = b.mustCreate(t, "POST", "/volume/v3/snapshots", b.demo, map[string]any{"snapshot": map[string]any{"volume_id": v.volume}},
		202, "snapshot", "id")
	att := b.srv.Do(apptest.Request{Method: "POST", Path: "/volume/v3/attachments", Token: b.demo, Body: map[string]any{"attachment": map[string]any{
		"volume_uuid": v.volume, "instance_uuid": v.server}}, Headers: map[string]string{"OpenStack-API-Version": "volume 3.71"}})
	if att.Status != http.StatusOK {
		t.Fatalf("attachment: %d %s", att.Status, att.Body)
	}
	v.attachment = att.JSON(t)["attachment"].(map[string]any)["id"].(string)
	v.shows = []string{
		"/compute/v2.1/servers/" + v.server, "/compute/v2.1/servers/" + v.server + "/metadata", "/compute/v2.1/servers/" + v.server + "/tags",
		"/compute/v2.1/os-keypairs/" + v.keypair, "/compute/v2.1/os-server-groups/" + v.serverGroup,
		"/compute/v2.1/flavors/" + v.flavor, "/compute/v2.1/os-quota-sets/" + v.project,
		"/image/v2/images/" + v.image, "/network/v2.0/networks/" + v.network, "/network/v2.0/subnets/" + v.subnet,
		"/network/v2.0/ports/" + v.port, "/network/v2.0/routers/" + v.router, "/network/v2.0/security-groups/" + v.group,
		"/network/v2.0/floatingips/" + v.fipID, "/volume/v3/volumes/" + v.volume, "/volume/v3/snapshots/" + v.snapshot,
		"/volume/v3/attachments/" + v.attachment, "/identity/v3/projects/" + v.project, "/identity/v3/users/" + v.user,
	}
	return v
}

func (b *bundle) waitVolume(t *testing.T, id, want string) {
	t.Helper()
	for range 2000 {
		r := b.srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/volumes/" + id, Token: b.demo})
		if r.Status == http.StatusOK && r.JSON(t)["volume"].(map[string]any)["status"] == want {
			return
		}
	}
	t.Fatalf("volume %s never became %s", id, want)
}

// views reads every resource of v as demo (identity ones as admin).
func (b *bundle) views(t *testing.T, v victim) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range v.shows {
		token := b.demo
		if strings.HasPrefix(p, "/identity") {
			token = b.admin
		}
		r := b.srv.Do(apptest.Request{Method: "GET", Path: p, Token: token, Headers: map[string]string{"OpenStack-API-Version": "compute 2.100, volume 3.71"}})
		if r.Status != http.StatusOK {
			t.Fatalf("demo's own %s: %d %s", p, r.Status, r.Body)
		}
		out[p] = string(r.Body)
	}
	return out
}

// fill replaces a route's wildcards with the victim's resource of the
// collection the wildcard follows (the segment before it), or reports
// false when the route names something the victim does not own.
func (v victim) fill(path string) (string, bool) {
	segs := strings.Split(path, "/")
	ids := map[string]string{
		"servers": v.server, "flavors": v.flavor, "images": v.image, "os-keypairs": v.keypair,
		"os-server-groups": v.serverGroup, "os-security-groups": v.group, "os-security-group-rules": v.rule,
		"os-quota-sets": v.project, "os-simple-tenant-usage": v.project, "os-networks": v.network, "os-tenant-networks": v.network,
		"os-floating-ips": v.fipID, "os-volumes": v.volume, "os-snapshots": v.snapshot,
		"networks": v.network, "subnets": v.subnet, "ports": v.port, "routers": v.router, "floatingips": v.fipID,
		"security-groups": v.group, "security-group-rules": v.rule, "quotas": v.project,
		"volumes": v.volume, "snapshots": v.snapshot, "attachments": v.attachment,
		"projects": v.project, "users": v.user,
		// Under a server or image: its metadata key, tag, network, migration, action, port, volume.
		"metadata": "k", "tags": "t1", "ips": "private", "migrations": "1", "os-instance-actions": v.requestID,
		"os-interface": v.serverPort, "os-volume_attachments": v.volume, "os-extra_specs": "k", "extra_specs": "k",
	}
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		id, ok := ids[segs[i-1]]
		if !ok {
			return "", false
		}
		segs[i] = id
	}
	return strings.Join(segs, "/"), true
}

// serverActions are bodies for the server action route that pass the
// schema, so that what answers is the ownership check.
var serverActions = []string{
	`{"os-stop": null}`, `{"reboot": {"type": "HARD"}}`, `{"lock": null}`, `{"pause": null}`, `{"createImage": {"name": "x"}}`,
	`{"addSecurityGroup": {"name": "default"}}`, `{"changePassword": {"adminPass": "x"}}`, `{"os-getConsoleOutput": {}}`,
	`{"forceDelete": null}`, `{"rebuild": {"imageRef": "` + zeroID + `"}}`,
}

const zeroID = "00000000-0000-0000-0000-000000000000"

// validBodies are bodies that pass each route's schema, so that what
// answers the stranger is the ownership check and not the validation.
func (v victim) validBodies() map[string]string {
	return map[string]string{
		"PUT /compute/v2.1/servers/{id}":                                `{"server": {"name": "x"}}`,
		"POST /compute/v2.1/servers/{id}/metadata":                      `{"metadata": {"a": "b"}}`,
		"PUT /compute/v2.1/servers/{id}/metadata":                       `{"metadata": {"a": "b"}}`,
		"PUT /compute/v2.1/servers/{id}/metadata/{key}":                 `{"meta": {"k": "x"}}`,
		"PUT /compute/v2.1/servers/{id}/tags":                           `{"tags": ["x"]}`,
		"PUT /compute/v2.1/servers/{id}/tags/{tag}":                     ``,
		"POST /compute/v2.1/servers/{id}/os-volume_attachments":         `{"volumeAttachment": {"volumeId": "` + v.volume + `"}}`,
		"PUT /compute/v2.1/servers/{id}/os-volume_attachments/{volume}": `{"volumeAttachment": {"volumeId": "` + v.volume + `"}}`,
		"POST /compute/v2.1/servers/{id}/os-interface":                  `{"interfaceAttachment": {"net_id": "` + v.network + `"}}`,
		"POST /compute/v2.1/servers/{id}/remote-consoles":               `{"remote_console": {"protocol": "vnc", "type": "novnc"}}`,
		"POST /compute/v2.1/servers/{id}/migrations/{mid}/action":       `{"force_complete": null}`,
		"POST /compute/v2.1/flavors/{id}/action":                        `{"addTenantAccess": {"tenant": "x"}}`,
		"PUT /compute/v2.1/os-quota-sets/{project}":                     `{"quota_set": {"instances": 50}}`,
		"POST /identity/v3/users/{id}/password":                         `{"user": {"password": "new", "original_password": "x"}}`,
		"PUT /network/v2.0/networks/{id}":                               `{"network": {"name": "x"}}`,
		"PUT /network/v2.0/subnets/{id}":                                `{"subnet": {"name": "x"}}`,
		"PUT /network/v2.0/ports/{id}":                                  `{"port": {"name": "x"}}`,
		"PUT /network/v2.0/routers/{id}":                                `{"router": {"name": "x"}}`,
		"PUT /network/v2.0/security-groups/{id}":                        `{"security_group": {"name": "x"}}`,
		"PUT /network/v2.0/floatingips/{id}":                            `{"floatingip": {"port_id": null}}`,
		"PUT /network/v2.0/quotas/{project}":                            `{"quota": {"network": 5}}`,
		"PUT /network/v2.0/routers/{id}/add_router_interface":           `{"subnet_id": "` + v.subnet + `"}`,
		"PUT /network/v2.0/routers/{id}/remove_router_interface":        `{"subnet_id": "` + v.subnet + `"}`,
		"PUT /volume/v3/volumes/{id}":                                   `{"volume": {"name": "x"}}`,
		"POST /volume/v3/volumes/{id}/metadata":                         `{"metadata": {"a": "b"}}`,
		"PUT /volume/v3/volumes/{id}/metadata":                          `{"metadata": {"a": "b"}}`,
		"PUT /volume/v3/volumes/{id}/metadata/{key}":                    `{"meta": {"k": "x"}}`,
		"POST /volume/v3/volumes/{id}/action":                           `{"os-extend": {"new_size": 2}}`,
		"PUT /volume/v3/snapshots/{id}":                                 `{"snapshot": {"name": "x"}}`,
		"POST /volume/v3/attachments/{id}/action":                       `{"os-complete": {}}`,
	}
}

// strangerMayRead are routes a member of any project reads with success:
// what they show is not any project's (extensions, volume types, the
// domain of the caller's own project, a flavor's extra specs, and the
// default quotas, which Nova's policy gives to anyone for any project).
var strangerMayRead = regexp.MustCompile(`^GET (/compute/v2.1/extensions/|/network/v2.0/extensions/|/volume/v3/types/|` +
	`/identity/v3/domains/|/compute/v2.1/flavors/[^/]+/os-extra_specs|/compute/v2.1/os-quota-sets/[^/]+/defaults$)`)

// TestIsolationMatrix: a member of another project sends every route of
// the five APIs that names one of project demo's resources (every
// wildcard filled with demo's id of that kind), and every list route
// with demo's project in its filters. Nothing answers with success, no
// answer carries demo's data, and none of demo's resources changes.
func TestIsolationMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := b.victim(t)
	before := b.views(t, v)
	stranger, _ := b.srv.NewMember("stranger")
	headers := func(method, path string) map[string]string {
		h := map[string]string{"X-Auth-Token": stranger, "Accept": "application/json",
			"OpenStack-API-Version": "compute 2.100, volume 3.71", "Content-Type": "application/json"}
		if method == "PATCH" && strings.HasPrefix(path, "/image") {
			h["Content-Type"] = "application/openstack-images-v2.1-json-patch"
		}
		return h
	}
	// What only demo's views hold: its project id, and the names of what it owns.
	secrets := []string{v.project, "secret-vm", "secret-vol"}
	var sent, unmapped int
	var rows []string
	valid := v.validBodies()
	for _, r := range routes(t) {
		method, path, _ := strings.Cut(r, " ")
		if path == "/identity/v3/auth/tokens" {
			continue // tokens: the ownership cases are TestTokenOwnership's
		}
		var targets []string
		bodies := []string{`{}`}
		if method == "PATCH" && strings.HasPrefix(path, "/image") {
			bodies = []string{`[{"op": "replace", "path": "/name", "value": "x"}]`}
		}
		switch {
		case wildcard.MatchString(path):
			p, ok := v.fill(path)
			if !ok {
				unmapped++
				rows = append(rows, r+" (names nothing of demo's)")
				continue
			}
			targets = []string{p}
			if path == "/compute/v2.1/servers/{id}/action" {
				bodies = serverActions
			}
			if body, ok := valid[r]; ok {
				bodies = []string{body}
			}
		case method == "GET":
			targets = []string{path, path + "?all_tenants=1&project_id=" + v.project + "&tenant_id=" + v.project}
		default:
			continue // creates and the like make the stranger's own resources
		}
		for _, target := range targets {
			for _, body := range bodies {
				var raw []byte
				h := headers(method, target)
				if method != "GET" && method != "HEAD" && method != "DELETE" {
					raw = []byte(body)
				}
				if strings.HasSuffix(path, "/file") {
					raw, h["Content-Type"] = []byte("bytes"), "application/octet-stream"
				}
				resp := b.srv.Raw(apptest.Request{Method: method, Path: target, Headers: h, Body: raw})
				sent++
				rows = append(rows, method+" "+target+" "+body+" → "+http.StatusText(resp.Status))
				ok2xx := resp.Status < 300 && (!wildcard.MatchString(path) || strangerMayRead.MatchString(method+" "+target))
				if resp.Status < 300 && !ok2xx {
					t.Errorf("%s %s %s: %d %.300s (another project's resource)", method, target, body, resp.Status, resp.Body)
				}
				for _, s := range secrets {
					// An answer may repeat what the request said (an id in the
					// path, a filter in a link), not more.
					if strings.Contains(string(resp.Body), s) && !strings.Contains(target, s) {
						t.Errorf("%s %s: the answer carries demo's %q: %.300s", method, target, s, resp.Body)
					}
				}
			}
		}
	}
	after := b.views(t, v)
	for _, p := range v.shows {
		if !sameJSON(before[p], after[p]) {
			t.Errorf("demo's %s changed:\nbefore %s\nafter  %s", p, before[p], after[p])
		}
	}
	sort.Strings(rows)
	if testing.Verbose() {
		for _, r := range rows {
			t.Log(r)
		}
	}
	t.Logf("%d requests as another project's member; %d routes name what demo has none of", sent, unmapped)
	if sent < 300 {
		t.Errorf("only %d requests sent", sent)
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// TestAdminRoutesMatrix: every route of the five APIs that names a
// cloud-wide resource (aggregates, hosts, hypervisors, services, quota
// classes, domains, roles, volume types) sent by a project member that is
// not an admin. Only what upstream lets any user read answers success,
// and no cloud-wide resource changes.
func TestAdminRoutesMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	aggResp := b.do("POST", "/os-aggregates", b.admin, map[string]any{"aggregate": map[string]any{"name": "agg"}})
	if aggResp.Status != http.StatusOK {
		t.Fatalf("aggregate: %d %s", aggResp.Status, aggResp.Body)
	}
	agg := fmt.Sprint(aggResp.JSON(t)["aggregate"].(map[string]any)["id"])
	hyp := b.do("GET", "/os-hypervisors", b.admin, nil).JSON(t)["hypervisors"].([]any)[0].(map[string]any)
	svc := b.do("GET", "/os-services?binary=nova-compute", b.admin, nil).JSON(t)["services"].([]any)[0].(map[string]any)
	roles := b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/roles", Token: b.admin}).JSON(t)["roles"].([]any)
	roleID := map[string]string{}
	for _, r := range roles {
		roleID[r.(map[string]any)["name"].(string)] = r.(map[string]any)["id"].(string)
	}
	vtype := b.srv.Do(apptest.Request{Method: "GET", Path: "/volume/v3/types", Token: b.admin}).JSON(t)["volume_types"].([]any)[0].(map[string]any)["id"].(string)
	ids := map[string]string{
		"os-aggregates": agg, "os-hosts": hyp["hypervisor_hostname"].(string), "os-hypervisors": hyp["id"].(string),
		"os-services": svc["id"].(string), "os-instance_usage_audit_log": "2026-01-01", "os-quota-class-sets": "default",
		"domains": "default", "roles": roleID["member"], "implies": roleID["reader"], "types": vtype, "extra_specs": "k",
		"extensions": "os-keypairs",
	}
	shows := []string{"/compute/v2.1/os-aggregates/" + agg, "/compute/v2.1/os-quota-class-sets/default",
		"/identity/v3/domains/default", "/identity/v3/roles/" + roleID["member"],
		"/identity/v3/roles/" + roleID["member"] + "/implies", "/volume/v3/types/" + vtype}
	views := func() map[string]string {
		out := map[string]string{}
		for _, p := range shows {
			r := b.srv.Do(apptest.Request{Method: "GET", Path: p, Token: b.admin, Headers: map[string]string{"OpenStack-API-Version": "compute 2.100, volume 3.71"}})
			if r.Status != http.StatusOK {
				t.Fatalf("admin's %s: %d %s", p, r.Status, r.Body)
			}
			out[p] = string(r.Body)
		}
		return out
	}
	before := views()
	anyoneMayRead := regexp.MustCompile(`^GET (/compute/v2.1/extensions/|/network/v2.0/extensions/|/volume/v3/types/|/identity/v3/domains/default$)`)
	sent := 0
	for _, r := range routes(t) {
		method, path, _ := strings.Cut(r, " ")
		if !wildcard.MatchString(path) {
			continue
		}
		segs := strings.Split(path, "/")
		global := false
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				id, ok := ids[segs[i-1]]
				if !ok {
					global = false
					break
				}
				segs[i], global = id, true
			}
		}
		if !global {
			continue
		}
		target := strings.Join(segs, "/")
		var body []byte
		if method == "POST" || method == "PUT" || method == "PATCH" {
			body = []byte(`{}`)
		}
		resp := b.srv.Raw(apptest.Request{Method: method, Path: target, Headers: map[string]string{"X-Auth-Token": b.demo, "Accept": "application/json",
			"Content-Type": "application/json", "OpenStack-API-Version": "compute 2.100, volume 3.71"}, Body: body})
		sent++
		if testing.Verbose() {
			t.Logf("%s %s → %d", method, target, resp.Status)
		}
		if resp.Status < 300 && !anyoneMayRead.MatchString(method+" "+target) {
			t.Errorf("%s %s as a project member: %d %.300s", method, target, resp.Status, resp.Body)
		}
	}
	after := views()
	for _, p := range shows {
		if !sameJSON(before[p], after[p]) {
			t.Errorf("%s changed:\nbefore %s\nafter  %s", p, before[p], after[p])
		}
	}
	if sent < 35 {
		t.Errorf("only %d requests sent", sent)
	}
	t.Logf("%d requests to cloud-wide resources as a project member", sent)
}
