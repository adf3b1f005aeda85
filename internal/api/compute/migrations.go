package compute

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/api/schema"
	"novalite/internal/policy"
)

// Migrations: the admin os-migrations list and a server's in-progress
// live migrations (/servers/{id}/migrations, 2.23+).

// flavorNumber is the integer flavor id os-migrations shows (Nova's
// internal id; novalite shows the flavorid when it is a number).
func flavorNumber(id string) int {
	n, _ := strconv.Atoi(id)
	return n
}

// migrationView is a migration in os-migrations (withInstance) or in a
// server's own list, whose progress counters novalite has none of.
type migrationView struct {
	CreatedAt            string           `json:"created_at"`
	DestCompute          *string          `json:"dest_compute"`
	DestHost             *string          `json:"dest_host"`
	DestNode             *string          `json:"dest_node"`
	DiskProcessedBytes   Optional[int]    `json:"disk_processed_bytes,omitzero"` // a server's list: 0
	DiskRemainingBytes   Optional[int]    `json:"disk_remaining_bytes,omitzero"`
	DiskTotalBytes       Optional[int]    `json:"disk_total_bytes,omitzero"`
	ID                   int64            `json:"id"`
	Links                []link           `json:"links,omitempty"`        // os-migrations, 2.23: a live migration in progress
	InstanceUUID         Optional[string] `json:"instance_uuid,omitzero"` // os-migrations
	MemoryProcessedBytes Optional[int]    `json:"memory_processed_bytes,omitzero"`
	MemoryRemainingBytes Optional[int]    `json:"memory_remaining_bytes,omitzero"`
	MemoryTotalBytes     Optional[int]    `json:"memory_total_bytes,omitzero"`
	MigrationType        Optional[string] `json:"migration_type,omitzero"`       // os-migrations, 2.23
	NewInstanceTypeID    Optional[int]    `json:"new_instance_type_id,omitzero"` // os-migrations
	OldInstanceTypeID    Optional[int]    `json:"old_instance_type_id,omitzero"` // os-migrations
	ProjectID            Optional[string] `json:"project_id,omitzero"`           // 2.80
	ServerUUID           Optional[string] `json:"server_uuid,omitzero"`          // a server's list
	SourceCompute        *string          `json:"source_compute"`
	SourceNode           *string          `json:"source_node"`
	Status               string           `json:"status"`
	UpdatedAt            string           `json:"updated_at"`
	UserID               Optional[string] `json:"user_id,omitzero"` // 2.80
	UUID                 Optional[string] `json:"uuid,omitzero"`    // 2.59
}

func migrationViewOf(r *http.Request, m novalite.Migration, withInstance bool) migrationView {
	mv := requestMV(r)
	v := migrationView{CreatedAt: m.CreatedAt.UTC().Format(strTime), DestCompute: nilIfEmpty(m.DestCompute),
		DestHost: nilIfEmpty(m.DestCompute), DestNode: nilIfEmpty(m.DestNode), ID: m.ID,
		ProjectID: optIf(mv.AtLeast(2, 80), m.ProjectID), SourceCompute: nilIfEmpty(m.SourceCompute),
		SourceNode: nilIfEmpty(m.SourceNode), Status: m.Status, UpdatedAt: m.UpdatedAt.UTC().Format(strTime),
		UserID: optIf(mv.AtLeast(2, 80), m.UserID), UUID: optIf(mv.AtLeast(2, 59), m.UUID)}
	if withInstance {
		v.InstanceUUID = some(m.InstanceUUID)
		v.OldInstanceTypeID, v.NewInstanceTypeID = some(flavorNumber(m.OldFlavor.ID)), some(flavorNumber(m.NewFlavor.ID))
		v.MigrationType = optIf(mv.AtLeast(2, 23), m.Type)
	} else {
		v.ServerUUID = some(m.InstanceUUID)
		v.DiskProcessedBytes, v.DiskRemainingBytes, v.DiskTotalBytes = some(0), some(0), some(0)
		v.MemoryProcessedBytes, v.MemoryRemainingBytes, v.MemoryTotalBytes = some(0), some(0), some(0)
	}
	return v
}

// hideHosts nulls the host fields, as Nova does for a caller its
// index:host rule does not allow (the keys stay, the values go).
func (v *migrationView) hideHosts() {
	v.DestCompute, v.DestHost, v.DestNode, v.SourceCompute, v.SourceNode = nil, nil, nil, nil, nil
}

// inProgress are the statuses of a live migration still running.
var inProgress = []string{"queued", "preparing", "running", "post-migrating"}

// listServerMigrations is GET /servers/{id}/migrations.
func (a *API) listServerMigrations(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:servers:migrations:index")
	if err != nil {
		return err
	}
	list, err := a.svc.Compute.ServerMigrations(r.Context(), httpx.Caller(r.Context()), s.ID,
		novalite.MigrationFilter{Type: "live-migration", Statuses: inProgress})
	if err != nil {
		return err
	}
	withHosts := policy.Allowed(httpx.Caller(r.Context()), "os_compute_api:servers:migrations:index:host",
		policy.Target{ProjectID: s.ProjectID})
	out := struct {
		Migrations []migrationView `json:"migrations"`
	}{make([]migrationView, len(list))}
	for i, m := range list {
		out.Migrations[i] = migrationViewOf(r, m, false)
		if !withHosts {
			out.Migrations[i].hideHosts()
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// showServerMigration is GET /servers/{id}/migrations/{mid}.
func (a *API) showServerMigration(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:servers:migrations:show")
	if err != nil {
		return err
	}
	list, err := a.svc.Compute.ServerMigrations(r.Context(), httpx.Caller(r.Context()), s.ID, novalite.MigrationFilter{})
	if err != nil {
		return err
	}
	for _, m := range list {
		if strconv.FormatInt(m.ID, 10) != r.PathValue("mid") {
			continue
		}
		if m.Type != "live-migration" {
			return novalite.Errorf(novalite.NotFound, "Migration %d for server %s is not live-migration.", m.ID, s.ID)
		}
		httpx.WriteJSON(w, http.StatusOK, struct {
			Migration migrationView `json:"migration"`
		}{migrationViewOf(r, m, false)})
		return nil
	}
	return novalite.Errorf(novalite.NotFound, "Migration %s could not be found.", r.PathValue("mid"))
}

// migrationsQuerySchema is Nova's os-migrations query schema from 2.59
// (before it, additional properties are allowed and nothing is checked
// that a query string can break): the filters, paging and changes-since,
// changes-before from 2.66, user_id and project_id from 2.80.
func migrationsQuerySchema(minor int) *schema.Schema {
	multi := `{"type": "array", "items": {"type": "string"}}`
	single := `{"type": "array", "maxItems": 1, "items": {"type": "string"}}`
	props := `"hidden": ` + multi + `, "host": ` + multi + `, "instance_uuid": ` + multi +
		`, "source_compute": ` + multi + `, "status": ` + multi + `, "migration_type": ` + multi +
		`, "limit": {"type": "array", "maxItems": 1, "items": {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 0, "minLength": 1}}` +
		`, "marker": ` + single + `, "changes-since": ` + single
	if minor >= 66 {
		props += `, "changes-before": ` + single
	}
	if minor >= 80 {
		props += `, "user_id": ` + single + `, "project_id": ` + single
	}
	return schema.New(fmt.Sprintf("migrations_query_v2%d", minor),
		`{"type": "object", "properties": {`+props+`}, "additionalProperties": false}`)
}

var migrationsQuery = map[int]*schema.Schema{59: migrationsQuerySchema(59), 66: migrationsQuerySchema(66), 80: migrationsQuerySchema(80)}

// listMigrations is GET /os-migrations: an admin's, or a manager's for their
// own project.
func (a *API) listMigrations(w http.ResponseWriter, r *http.Request) error {
	// The query schema comes first, as Nova's decorator runs before the
	// policy check.
	mv := requestMV(r)
	if mv.AtLeast(2, 59) {
		sch := migrationsQuery[59]
		switch {
		case mv.AtLeast(2, 80):
			sch = migrationsQuery[80]
		case mv.AtLeast(2, 66):
			sch = migrationsQuery[66]
		}
		if err := sch.ValidateQuery(queryDoc(r)); err != nil {
			return err
		}
	}
	c := httpx.Caller(r.Context())
	own := policy.Target{ProjectID: c.ProjectID}
	if err := policy.Authorize(c, "os_compute_api:os-migrations:index", own); err != nil {
		return err
	}
	q := r.URL.Query()
	// A manager lists their own project's migrations only, by naming it
	// (project_id, 2.80+), and sees no hosts.
	if p := q.Get("project_id"); p == "" || p != c.ProjectID {
		if err := policy.Authorize(c, "os_compute_api:os-migrations:index:all_projects", own); err != nil {
			return err
		}
	}
	withHosts := policy.Allowed(c, "os_compute_api:os-migrations:index:host", own)
	// Nova hands every query parameter to the database filter, whose
	// migration_type, project_id and user_id apply at any version (below 2.59
	// the schema takes any parameter); changes-since and changes-before are
	// dropped below 2.59 and 2.66.
	f := novalite.MigrationFilter{InstanceUUID: q.Get("instance_uuid"), Host: q.Get("host"),
		SourceCompute: q.Get("source_compute"), Type: q.Get("migration_type"),
		ProjectID: q.Get("project_id"), UserID: q.Get("user_id")}
	if st := q.Get("status"); st != "" {
		f.Statuses = []string{st}
	}
	var pg page
	if mv.AtLeast(2, 59) {
		for k, dst := range map[string]*time.Time{"changes-since": &f.ChangesSince, "changes-before": &f.ChangesBefore} {
			if s := q.Get(k); s != "" {
				t, err := parseISOTime(s)
				if err != nil {
					return novalite.Errorf(novalite.Invalid, "Invalid input for query parameters %s. Value: %s. '%s' is not a 'date-time'", k, s, s)
				}
				*dst = t
			}
		}
		if !f.ChangesSince.IsZero() && !f.ChangesBefore.IsZero() && f.ChangesBefore.Before(f.ChangesSince) {
			return novalite.Errorf(novalite.Invalid, "The value of changes-since must be less than or equal to changes-before.")
		}
		// From 2.59 a page is at most max_limit long whether or not the
		// request names a limit, and a full page links to the next.
		var err error
		if pg, err = readPage(r); err != nil {
			return err
		}
		f.Limit, f.Marker = pg.Limit, pg.Marker
	}
	var list []novalite.Migration
	if !mv.AtLeast(2, 59) || pg.Limit > 0 { // Nova answers limit=0 with none, the marker unread
		var err error
		if list, err = a.svc.Compute.Migrations(r.Context(), f); err != nil {
			return err
		}
	}
	out := struct {
		Migrations []migrationView `json:"migrations"`
		Links      []link          `json:"migrations_links,omitempty"`
	}{Migrations: make([]migrationView, len(list))}
	for i, m := range list {
		v := migrationViewOf(r, m, true)
		if !withHosts {
			v.hideHosts()
		}
		if mv.AtLeast(2, 23) && m.Type == "live-migration" && slices.Contains(inProgress, m.Status) {
			v.Links = a.links(r, "servers/"+m.InstanceUUID+"/migrations", strconv.FormatInt(m.ID, 10))
		}
		out.Migrations[i] = v
	}
	if mv.AtLeast(2, 59) {
		out.Links = nextLinks(a, r, "/os-migrations", pg, list, func(m novalite.Migration) string { return m.UUID })
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func migrationID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil {
		return 0, novalite.Errorf(novalite.NotFound, "Migration %s could not be found.", r.PathValue("mid"))
	}
	return id, nil
}

// onMigration finds the server (authorizing rule) and the migration id of
// the path, calls do, and answers 202.
func (a *API) onMigration(w http.ResponseWriter, r *http.Request, rule string,
	do func(c *novalite.Caller, serverID string, mid int64) error) error {
	s, err := a.findServer(r, rule)
	if err != nil {
		return err
	}
	mid, err := migrationID(r)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := do(c, s.ID, mid); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// forceCompleteMigration is POST /servers/{id}/migrations/{mid}/action
// {"force_complete": null} (2.22+).
func (a *API) forceCompleteMigration(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	if _, _, err := readValidated(r, schemaFor("force-complete", mv, func(microversion.Version) obj {
		return obj{"type": "object", "properties": obj{"force_complete": obj{"type": "null"}},
			"required": []any{"force_complete"}, "additionalProperties": false}
	})); err != nil {
		return err
	}
	return a.onMigration(w, r, "os_compute_api:servers:migrations:force_complete",
		func(c *novalite.Caller, id string, mid int64) error {
			return a.svc.Compute.ForceCompleteLiveMigration(r.Context(), c, id, mid)
		})
}

// abortMigration is DELETE /servers/{id}/migrations/{mid} (2.24+).
func (a *API) abortMigration(w http.ResponseWriter, r *http.Request) error {
	return a.onMigration(w, r, "os_compute_api:servers:migrations:delete",
		func(c *novalite.Caller, id string, mid int64) error {
			return a.svc.Compute.AbortLiveMigration(r.Context(), c, id, mid)
		})
}
