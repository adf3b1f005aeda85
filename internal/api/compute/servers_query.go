package compute

import (
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// How each list query parameter matches (nova/db/main/api.py: exact
// columns, everything else an unanchored regex) and the column it reads.
var (
	exactFilters = map[string]string{"project_id": "project_id", "tenant_id": "project_id", "user_id": "user_id",
		"image": "image_ref", "image_ref": "image_ref", "vm_state": "vm_state", "flavor": "instance_type_id",
		"uuid": "uuid", "host": "host", "task_state": "task_state"}
	regexFilters = map[string]string{"name": "display_name", "display_name": "display_name",
		"description": "display_description", "display_description": "display_description",
		"reservation_id": "reservation_id", "hostname": "hostname", "key_name": "key_name",
		"power_state": "power_state", "node": "node", "launched_at": "launched_at",
		"terminated_at": "terminated_at", "created_at": "created_at", "availability_zone": "availability_zone",
		"locked_by": "locked_by", "root_device_name": "root_device_name", "config_drive": "config_drive",
		"access_ip_v4": "access_ip_v4", "access_ip_v6": "access_ip_v6", "auto_disk_config": "auto_disk_config",
		"progress": "progress", "launch_index": "launch_index", "kernel_id": "kernel_id", "ramdisk_id": "ramdisk_id"}
	// Parameters that are regex-formatted in Nova's query schema.
	regexFormat = []string{"kernel_id", "ramdisk_id", "hostname", "key_name", "power_state", "node", "flavor",
		"reservation_id", "launched_at", "terminated_at", "availability_zone", "name", "display_name",
		"description", "display_description", "locked_by", "root_device_name", "config_drive", "access_ip_v4",
		"access_ip_v6", "auto_disk_config", "progress", "ip", "ip6", "created_at",
		"tags", "tags-any", "not-tags", "not-tags-any"}
	// Accepted by the schema, then refused: joined tables of Nova's model.
	joinedFilters = []string{"block_device_mapping", "services", "metadata", "system_metadata", "info_cache",
		"security_groups", "pci_devices"}
	baseQueryParams = []string{"user_id", "project_id", "tenant_id", "launch_index", "image_ref", "image",
		"kernel_id", "ramdisk_id", "hostname", "key_name", "power_state", "vm_state", "task_state", "host",
		"node", "flavor", "reservation_id", "launched_at", "terminated_at", "availability_zone", "name",
		"display_name", "description", "display_description", "locked_by", "uuid", "root_device_name",
		"config_drive", "access_ip_v4", "access_ip_v6", "auto_disk_config", "progress", "sort_key", "sort_dir",
		"all_tenants", "soft_deleted", "deleted", "status", "changes-since", "ip", "ip6", "created_at",
		"limit", "marker"}
)

// Sort keys (nova/api/openstack/compute/schemas/servers.py): valid ones,
// and those accepted but ignored below 2.75 (locked is valid from 2.73).
var (
	validSortKeys = []string{"access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone",
		"config_drive", "created_at", "display_description", "display_name", "host", "hostname", "image_ref",
		"instance_type_id", "kernel_id", "key_name", "launch_index", "launched_at", "locked_by", "node",
		"power_state", "progress", "project_id", "ramdisk_id", "root_device_name", "task_state",
		"terminated_at", "updated_at", "user_id", "uuid", "vm_state"}
	ignoredSortKeys = []string{"architecture", "cell_name", "cleaned", "default_ephemeral_device",
		"default_swap_device", "deleted", "deleted_at", "disable_terminate", "ephemeral_gb",
		"ephemeral_key_uuid", "id", "key_data", "launched_on", "locked", "memory_mb", "os_type",
		"reservation_id", "root_gb", "shutdown_terminate", "user_data", "vcpus", "vm_mode"}
)

// laterQueryParams are the list's parameters that came with a
// microversion, for every caller: tags (2.26), changes-before (2.66),
// locked (2.73).
var laterQueryParams = []struct {
	minor int
	names []string
}{
	{26, []string{"tags", "tags-any", "not-tags", "not-tags-any"}},
	{66, []string{"changes-before"}},
	{73, []string{"locked"}},
}

// withLater appends to p the parameters of laterQueryParams that mv has.
func withLater(p []string, mv microversion.Version) []string {
	for _, l := range laterQueryParams {
		if mv.AtLeast(2, l.minor) {
			p = append(p, l.names...)
		}
	}
	return p
}

// allowedQueryParams are the parameters of the list query schema at mv.
func allowedQueryParams(mv microversion.Version) []string {
	return withLater(append(append([]string{}, baseQueryParams...), joinedFilters...), mv)
}

// nonAdminFilters are the filters a caller without allow_all_filters
// may use (ServersController._get_server_search_options); others are
// dropped silently.
func nonAdminFilters(mv microversion.Version) []string {
	p := []string{"reservation_id", "name", "status", "image", "flavor", "ip", "changes-since", "all_tenants"}
	if mv.AtLeast(2, 5) {
		p = append(p, "ip6")
	}
	p = withLater(p, mv)
	if mv.AtLeast(2, 83) {
		p = append(p, "availability_zone", "config_drive", "key_name", "created_at", "launched_at",
			"terminated_at", "power_state", "task_state", "vm_state", "progress", "user_id")
	}
	if mv.AtLeast(2, 90) {
		p = append(p, "hostname")
	}
	return p
}

// validateListQuery applies the list query schema of mv.
func validateListQuery(q map[string][]string, mv microversion.Version) error {
	allowed := allowedQueryParams(mv)
	var unknown []string
	for k := range q {
		if !slices.Contains(allowed, k) && !strings.HasPrefix(k, "_") {
			unknown = append(unknown, k)
		}
	}
	if mv.AtLeast(2, 75) {
		if err := unexpectedParams(unknown); err != nil {
			return err
		}
	}
	for _, k := range regexFormat {
		for _, v := range q[k] {
			if _, err := regexp.Compile(v); v == "" || err != nil {
				return queryInvalid(k, v, "'"+v+"' is not a 'regex'")
			}
		}
	}
	for _, k := range []string{"changes-since", "changes-before"} {
		for _, v := range q[k] {
			if _, err := parseISOTime(v); err != nil {
				return queryInvalid(k, v, "'"+v+"' is not a 'date-time'")
			}
		}
	}
	keys := slices.Concat(validSortKeys, ignoredSortKeys)
	if mv.AtLeast(2, 75) {
		keys = append(slices.Clone(validSortKeys), "locked")
	}
	for _, v := range q["sort_key"] {
		if !slices.Contains(keys, v) {
			return queryInvalid("sort_key", v, "'"+v+"' is not one of "+pyList(keys))
		}
	}
	return nil
}

func queryInvalid(param, value, msg string) error {
	return novalite.Errorf(novalite.Invalid, "Invalid input for query parameters %s. Value: %s. %s", param, value, msg)
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, ", ")
}

func pyList(ss []string) string { return "[" + quoteList(ss) + "]" }

// parseISOTime reads ISO 8601 times as oslo's parse_isotime does (zone
// optional, UTC when absent).
func parseISOTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, novalite.Errorf(novalite.Invalid, "Invalid datetime %s", s)
}

// statusStates is the reverse of the status table: for an API status,
// the vm_states and task_states that show it; def marks a status that
// some vm_state shows by default (whatever its task).
func statusStates(status string) (vms []string, tasks []string, def bool) {
	for _, vm := range allVMStates {
		if novalite.Status(vm, novalite.TaskNone) == status {
			vms, def = append(vms, string(vm)), true
			continue
		}
		for _, t := range allTaskStates {
			if novalite.Status(vm, t) == status {
				if !slices.Contains(vms, string(vm)) {
					vms = append(vms, string(vm))
				}
				tasks = append(tasks, string(t))
			}
		}
	}
	return vms, tasks, def
}

var allVMStates = []novalite.VMState{novalite.VMActive, novalite.VMBuilding, novalite.VMPaused, novalite.VMSuspended,
	novalite.VMStopped, novalite.VMRescued, novalite.VMResized, novalite.VMSoftDeleted, novalite.VMDeleted,
	novalite.VMError, novalite.VMShelved, novalite.VMShelvedOffloaded}

var allTaskStates = []novalite.TaskState{novalite.TaskRebooting, novalite.TaskRebootPending, novalite.TaskRebootStarted,
	novalite.TaskRebootingHard, novalite.TaskRebootPendingHard, novalite.TaskRebootStartedHard,
	novalite.TaskUpdatingPassword, novalite.TaskRebuilding, novalite.TaskRebuildBDM, novalite.TaskRebuildSpawning,
	novalite.TaskMigrating, novalite.TaskResizePrep, novalite.TaskResizeMigrating, novalite.TaskResizeMigrated,
	novalite.TaskResizeFinish, novalite.TaskResizeReverting}

// listQuery turns GET /servers[/detail] query parameters into a store
// query, with Nova's rules on who may use what.
func (a *API) listQuery(r *http.Request, detail bool, pg page) (compute.ListServersParams, bool, error) {
	c, mv := httpx.Caller(r.Context()), requestMV(r)
	var p compute.ListServersParams
	q := r.URL.Query()
	if err := validateListQuery(q, mv); err != nil {
		return p, false, err
	}
	opts := map[string]string{} // last value wins, as Nova's search_opts
	for k, vs := range q {
		opts[k] = vs[len(vs)-1]
	}
	for _, k := range []string{"sort_key", "sort_dir", "limit", "marker"} {
		delete(opts, k)
	}
	if !policy.Allowed(c, "os_compute_api:servers:allow_all_filters", policy.Target{}) {
		allowed := nonAdminFilters(mv)
		for k := range opts {
			if !slices.Contains(allowed, k) {
				delete(opts, k)
			}
		}
	}
	for k := range opts {
		if slices.Contains(joinedFilters, k) || strings.HasPrefix(k, "_") {
			return p, false, novalite.Errorf(novalite.Invalid, "Invalid filter field: %s.", k)
		}
	}
	var vmStates, taskStates []string
	if statuses, ok := q["status"]; ok {
		def := false
		for _, s := range statuses {
			vs, ts, d := statusStates(strings.ToUpper(strings.TrimSpace(s)))
			vmStates, taskStates, def = append(vmStates, vs...), append(taskStates, ts...), def || d
		}
		if len(vmStates) == 0 {
			if mv.AtLeast(2, 38) {
				return p, false, novalite.Errorf(novalite.Invalid, "Invalid status value")
			}
			return p, true, nil // an empty list
		}
		if def {
			taskStates = nil
		}
		delete(opts, "status")
	}
	if err := a.stateFilters(&p, opts, vmStates, taskStates, c); err != nil {
		return p, false, err
	}
	if err := timeFilters(&p, opts); err != nil {
		return p, false, err
	}
	if err := a.scopeFilters(&p, opts, c, detail); err != nil {
		return p, false, err
	}
	if err := otherFilters(&p, opts, mv); err != nil {
		return p, false, err
	}
	sorts, err := sortParams(q, c, mv)
	if err != nil {
		return p, false, err
	}
	p.Sort, p.Marker, p.Limit = sorts, pg.Marker, pg.Limit
	return p, false, nil
}

// stateFilters applies status (already mapped), vm_state, task_state,
// deleted and soft_deleted.
func (a *API) stateFilters(p *compute.ListServersParams, opts map[string]string, vms, tasks []string, c *novalite.Caller) error {
	if vms == nil {
		if v, ok := opts["vm_state"]; ok {
			vms = []string{v}
		}
	}
	if tasks == nil {
		if v, ok := opts["task_state"]; ok {
			tasks = []string{v}
		}
	}
	delete(opts, "vm_state")
	delete(opts, "task_state")
	_, since := opts["changes-since"]
	_, before := opts["changes-before"]
	var deleted *bool
	if v, ok := opts["deleted"]; ok {
		b, _ := novalite.BoolFromString(v)
		deleted = &b
	} else if !since && !before {
		deleted = new(bool)
	}
	if len(vms) == 1 && vms[0] == string(novalite.VMDeleted) {
		if !c.IsAdmin() {
			return novalite.Errorf(novalite.Forbidden, "Only administrators may list deleted instances")
		}
		t := true
		deleted = &t
	}
	p.Deleted = deleted
	if v, ok := opts["soft_deleted"]; ok {
		// Nova tests the raw string: any non-empty value is true.
		p.SoftDeleted = v != ""
		if deleted != nil && *deleted && v == "" {
			p.Exact = append(p.Exact, novalite.ServerMatch{Column: "vm_state", Values: []string{string(novalite.VMDeleted)}})
		}
	}
	delete(opts, "deleted")
	delete(opts, "soft_deleted")
	if vms != nil {
		p.Exact = append(p.Exact, novalite.ServerMatch{Column: "vm_state", Values: vms})
	}
	if tasks != nil {
		p.Exact = append(p.Exact, novalite.ServerMatch{Column: "task_state", Values: tasks})
	}
	return nil
}

func timeFilters(p *compute.ListServersParams, opts map[string]string) error {
	if v, ok := opts["changes-since"]; ok {
		p.ChangesSince, _ = parseISOTime(v)
	}
	if v, ok := opts["changes-before"]; ok {
		p.ChangesBefore, _ = parseISOTime(v)
		if !p.ChangesSince.IsZero() && p.ChangesBefore.Before(p.ChangesSince) {
			return novalite.Errorf(novalite.Invalid, "The value of changes-since must be less than or equal to changes-before.")
		}
	}
	delete(opts, "changes-since")
	delete(opts, "changes-before")
	return nil
}

// scopeFilters confines the list to the caller's project unless an admin
// asks for all_tenants.
func (a *API) scopeFilters(p *compute.ListServersParams, opts map[string]string, c *novalite.Caller, detail bool) error {
	all := false
	if v, ok := opts["all_tenants"]; ok {
		all = true
		if v != "" {
			b, err := strictBool(v)
			if err != nil {
				return err
			}
			all = b
		}
	}
	delete(opts, "all_tenants")
	if all {
		rule := "os_compute_api:servers:index:get_all_tenants"
		if detail {
			rule = "os_compute_api:servers:detail:get_all_tenants"
		}
		if err := policy.Authorize(c, rule, policy.Target{}); err != nil {
			return err
		}
		if v, ok := opts["tenant_id"]; ok {
			if _, has := opts["project_id"]; !has {
				opts["project_id"] = v
			}
		}
	} else {
		opts["project_id"] = c.ProjectID
	}
	delete(opts, "tenant_id")
	p.ProjectID = opts["project_id"]
	delete(opts, "project_id")
	return nil
}

func otherFilters(p *compute.ListServersParams, opts map[string]string, mv microversion.Version) error {
	if v, ok := opts["locked"]; ok {
		b, err := strictBool(v)
		if err != nil {
			return err
		}
		p.Locked = &b
		delete(opts, "locked")
	}
	if mv.AtLeast(2, 26) {
		split := func(k string) []string {
			v, ok := opts[k]
			delete(opts, k)
			if !ok {
				return nil
			}
			return strings.Split(v, ",")
		}
		p.Tags, p.TagsAny, p.NotTags, p.NotTagsAny = split("tags"), split("tags-any"), split("not-tags"), split("not-tags-any")
	}
	p.IP, p.IP6 = opts["ip"], opts["ip6"]
	delete(opts, "ip")
	delete(opts, "ip6")
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if col, ok := exactFilters[k]; ok {
			p.Exact = append(p.Exact, novalite.ServerMatch{Column: col, Values: []string{opts[k]}})
		} else if col, ok := regexFilters[k]; ok {
			p.Regex = append(p.Regex, novalite.ServerMatch{Column: col, Values: []string{opts[k]}})
		}
	}
	return nil
}

// sortParams reads sort_key/sort_dir as Nova does: ignored keys dropped
// with their direction, host/node for admins only, desc by default.
func sortParams(q map[string][]string, c *novalite.Caller, mv microversion.Version) ([]novalite.ServerSort, error) {
	keys := slices.Clone(q["sort_key"])
	dirs := slices.Clone(q["sort_dir"])
	for i := range keys {
		keys[i] = strings.TrimSpace(keys[i])
	}
	for i := range dirs {
		dirs[i] = strings.TrimSpace(dirs[i])
	}
	if len(keys) == 0 {
		keys = []string{"created_at"}
	}
	if len(dirs) == 0 {
		dirs = []string{"desc"}
	}
	ignored := ignoredSortKeys
	if mv.AtLeast(2, 73) {
		ignored = slices.DeleteFunc(slices.Clone(ignored), func(s string) bool { return s == "locked" })
	}
	for i := 0; i < len(keys); {
		k := keys[i]
		switch {
		case slices.Contains(ignored, k):
			if len(dirs) > i {
				dirs = slices.Delete(dirs, i, i+1)
			}
			keys = slices.Delete(keys, i, i+1)
			continue
		case (k == "host" || k == "node") && !c.IsAdmin():
			return nil, novalite.Errorf(novalite.Forbidden, "Only administrators can sort servers by %s", k)
		}
		i++
	}
	for _, d := range dirs {
		if d != "asc" && d != "desc" {
			return nil, novalite.Errorf(novalite.Invalid, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")
		}
	}
	if len(dirs) > len(keys) {
		return nil, novalite.Errorf(novalite.Invalid, "Invalid input received: Sort direction size exceeds sort key size")
	}
	out := make([]novalite.ServerSort, len(keys))
	for i, k := range keys {
		d := dirs[0]
		if i < len(dirs) {
			d = dirs[i]
		}
		out[i] = novalite.ServerSort{Column: k, Desc: d == "desc"}
	}
	return out, nil
}
