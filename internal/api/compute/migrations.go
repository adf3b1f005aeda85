package compute

import (
	"net/http"
	"strconv"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
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

func migrationView(r *http.Request, m novalite.Migration, withInstance bool) map[string]any {
	mv := MV(r)
	v := map[string]any{"id": m.ID, "status": m.Status, "created_at": m.CreatedAt.UTC().Format(strTime),
		"updated_at": m.UpdatedAt.UTC().Format(strTime), "source_compute": emptyNil(m.SourceCompute),
		"source_node": emptyNil(m.SourceNode), "dest_compute": emptyNil(m.DestCompute),
		"dest_node": emptyNil(m.DestNode), "dest_host": emptyNil(m.DestCompute)}
	if withInstance {
		v["instance_uuid"] = m.InstanceUUID
		v["old_instance_type_id"] = flavorNumber(m.OldFlavor.ID)
		v["new_instance_type_id"] = flavorNumber(m.NewFlavor.ID)
		if mv.AtLeast(2, 23) {
			v["migration_type"] = m.Type
		}
	} else {
		v["server_uuid"] = m.InstanceUUID
		for _, k := range []string{"disk_processed_bytes", "disk_remaining_bytes", "disk_total_bytes",
			"memory_processed_bytes", "memory_remaining_bytes", "memory_total_bytes"} {
			v[k] = 0
		}
	}
	if mv.AtLeast(2, 59) {
		v["uuid"] = m.UUID
	}
	if mv.AtLeast(2, 80) {
		v["user_id"], v["project_id"] = m.UserID, m.ProjectID
	}
	return v
}

// inProgress are the statuses of a live migration still running.
var inProgress = []string{"queued", "preparing", "running", "post-migrating"}

// listServerMigrations is GET /servers/{id}/migrations.
func (a *API) listServerMigrations(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:servers:migrations:index")
	if err != nil {
		return err
	}
	list, err := a.svc.Compute.ServerMigrations(r.Context(), httpx.Caller(r.Context()), s.ID, "live-migration", inProgress)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, m := range list {
		out[i] = migrationView(r, m, false)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"migrations": out})
	return nil
}

// showServerMigration is GET /servers/{id}/migrations/{mid}.
func (a *API) showServerMigration(w http.ResponseWriter, r *http.Request) error {
	s, err := a.findServer(r, "os_compute_api:servers:migrations:show")
	if err != nil {
		return err
	}
	list, err := a.svc.Compute.ServerMigrations(r.Context(), httpx.Caller(r.Context()), s.ID, "", nil)
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
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"migration": migrationView(r, m, false)})
		return nil
	}
	return novalite.Errorf(novalite.NotFound, "Migration %s could not be found.", r.PathValue("mid"))
}

// listMigrations is the admin GET /os-migrations.
func (a *API) listMigrations(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-migrations:index", policy.Target{ProjectID: c.ProjectID}); err != nil {
		return err
	}
	q := r.URL.Query()
	f := novalite.MigrationFilter{InstanceUUID: q.Get("instance_uuid"), Host: q.Get("host"),
		SourceCompute: q.Get("source_compute")}
	if st := q.Get("status"); st != "" {
		f.Statuses = []string{st}
	}
	mv := MV(r)
	if mv.AtLeast(2, 23) {
		f.Type = q.Get("migration_type")
	}
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
		if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
			f.Limit = n
		}
	}
	if mv.AtLeast(2, 80) {
		f.ProjectID, f.UserID = q.Get("project_id"), q.Get("user_id")
	}
	list, err := a.svc.Compute.Migrations(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, m := range list {
		out[i] = migrationView(r, m, true)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"migrations": out})
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
	do func(c *novalite.Caller, serverID, requestID string, mid int64) error) error {
	s, err := a.findServer(r, rule)
	if err != nil {
		return err
	}
	mid, err := migrationID(r)
	if err != nil {
		return err
	}
	c, req := callerAndRequest(r)
	if err := do(c, s.ID, req, mid); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// forceCompleteMigration is POST /servers/{id}/migrations/{mid}/action
// {"force_complete": null} (2.22+).
func (a *API) forceCompleteMigration(w http.ResponseWriter, r *http.Request) error {
	mv := MV(r)
	if _, err := decodeBody(r, schemaFor("force-complete", mv, func(microversion.Version) obj {
		return obj{"type": "object", "properties": obj{"force_complete": obj{"type": "null"}},
			"required": []any{"force_complete"}, "additionalProperties": false}
	})); err != nil {
		return err
	}
	return a.onMigration(w, r, "os_compute_api:servers:migrations:force_complete",
		func(c *novalite.Caller, id, req string, mid int64) error {
			return a.svc.Compute.ForceCompleteLiveMigration(r.Context(), c, id, req, mid)
		})
}

// abortMigration is DELETE /servers/{id}/migrations/{mid} (2.24+).
func (a *API) abortMigration(w http.ResponseWriter, r *http.Request) error {
	return a.onMigration(w, r, "os_compute_api:servers:migrations:delete",
		func(c *novalite.Caller, id, req string, mid int64) error {
			return a.svc.Compute.AbortLiveMigration(r.Context(), c, id, req, mid)
		})
}
