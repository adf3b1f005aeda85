package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"novalite"
)

// instanceCols are read by scanInstance in this order.
const instanceCols = `id, uuid, name, description, hostname, project_id, user_id, image_ref, image_properties,
	flavor, old_flavor, vm_state, task_state, power_state, progress, host, node, availability_zone, pinned_az,
	created_at, updated_at, launched_at, terminated_at, deleted_at, deleted, locked, locked_by, locked_reason,
	key_name, key_data, config_drive, auto_disk_config, access_ip_v4, access_ip_v6, reservation_id,
	launch_index, root_device_name, user_data, trusted_certs, scheduler_hints, server_group,
	requested_networks, admin_password_hash, encrypted_password`

// scanInstance reads one row of instanceCols.
func scanInstance(s interface{ Scan(...any) error }) (novalite.Server, error) {
	return newInstanceScanner(false).scan(s)
}

// instanceScanner holds the destinations of a row of instanceCols, reused
// row after row: each pointer handed to Scan through its ...any would
// otherwise be an allocation of its own, twenty a row.
type instanceScanner struct {
	v                                                                                           novalite.Server
	desc, oldFlavor, task, host, node, pinned, lockedBy, lockedReason, keyName, userData, certs sql.NullString
	imageProps, flavor, hints                                                                   string
	created, updated                                                                            int64
	launched, terminated, deletedAt                                                             sql.NullInt64
	power                                                                                       int
	// metadata and tags: JSON texts, read with the row (instanceExtraCols);
	// volumes and ports: whether the server has any (instanceRefCols).
	metadata, tags string
	volumes, ports bool
	extras         bool
	dest           []any
}

// newInstanceScanner scans rows of instanceCols, followed by
// instanceExtraCols and instanceRefCols when extras is true.
func newInstanceScanner(extras bool) *instanceScanner {
	s := &instanceScanner{}
	v := &s.v
	s.dest = []any{&v.InternalID, &v.ID, &v.Name, &s.desc, &v.Hostname, &v.ProjectID, &v.UserID, &v.ImageRef,
		&s.imageProps, &s.flavor, &s.oldFlavor, &v.VMState, &s.task, &s.power, &v.Progress, &s.host, &s.node,
		&v.AvailabilityZone, &s.pinned, &s.created, &s.updated, &s.launched, &s.terminated, &s.deletedAt, &v.Deleted,
		&v.Locked, &s.lockedBy, &s.lockedReason, &s.keyName, &v.KeyData, &v.ConfigDrive, &v.AutoDiskConfig,
		&v.AccessIPv4, &v.AccessIPv6, &v.ReservationID, &v.LaunchIndex, &v.RootDeviceName, &s.userData,
		&s.certs, &s.hints, &v.ServerGroup, &v.RequestedNetworks, &v.AdminPasswordHash, &v.EncryptedPassword}
	if extras {
		s.extras = true
		s.dest = append(s.dest, &s.metadata, &s.tags, &s.volumes, &s.ports)
	}
	return s
}

// scan reads the next row of r into a Server of its own.
func (s *instanceScanner) scan(r interface{ Scan(...any) error }) (novalite.Server, error) {
	s.v = novalite.Server{}
	if err := r.Scan(s.dest...); err != nil {
		return novalite.Server{}, err
	}
	v := s.v
	v.Description = nullable(s.desc)
	v.TaskState = novalite.TaskState(s.task.String)
	v.PowerState = novalite.PowerState(s.power)
	v.Host, v.Node, v.PinnedAZ, v.LockedBy = s.host.String, s.node.String, s.pinned.String, s.lockedBy.String
	v.LockedReason, v.KeyName, v.UserData = nullable(s.lockedReason), nullable(s.keyName), nullable(s.userData)
	v.CreatedAt, v.UpdatedAt = fromMicros(s.created), fromMicros(s.updated)
	v.LaunchedAt, v.TerminatedAt, v.DeletedAt = fromNullMicros(s.launched), fromNullMicros(s.terminated), fromNullMicros(s.deletedAt)
	stringMapMemo.decode(s.imageProps, &v.ImageProperties)
	flavorMemo.decode(s.flavor, &v.Flavor)
	if s.oldFlavor.Valid {
		v.OldFlavor = &novalite.FlavorSnapshot{}
		_ = json.Unmarshal([]byte(s.oldFlavor.String), v.OldFlavor)
	}
	if s.certs.Valid {
		_ = json.Unmarshal([]byte(s.certs.String), &v.TrustedCerts)
	}
	hintsMemo.decode(s.hints, &v.SchedulerHints)
	if s.extras {
		v.Metadata, v.Tags = map[string]string{}, []string{}
		if s.metadata != "{}" {
			if err := json.Unmarshal([]byte(s.metadata), &v.Metadata); err != nil {
				return v, fmt.Errorf("store: metadata of %s: %w", v.ID, err)
			}
		}
		if s.tags != "[]" {
			if err := json.Unmarshal([]byte(s.tags), &v.Tags); err != nil {
				return v, fmt.Errorf("store: tags of %s: %w", v.ID, err)
			}
		}
	}
	return v, nil
}

// instanceExtraCols are a server's metadata (a JSON object) and tags (a
// JSON array, sorted), read with its row: a show's one query instead of
// three.
func (tx *Tx) instanceExtraCols() string {
	if tx.engine == Postgres {
		return `(SELECT COALESCE(json_object_agg(m.key, m.value), '{}') FROM instance_metadata m
			WHERE m.instance_id = instances.id)::text,
		(SELECT COALESCE(json_agg(t.tag ORDER BY t.tag), '[]') FROM instance_tags t
			WHERE t.instance_id = instances.id)::text`
	}
	return `(SELECT json_group_object(m.key, m.value) FROM instance_metadata m WHERE m.instance_id = instances.id),
		(SELECT json_group_array(t.tag ORDER BY t.tag) FROM instance_tags t WHERE t.instance_id = instances.id)`
}

// instanceRefCols tell whether a server has volumes and ports (one
// index seek each, with its row), so that a show skips the query of
// each it has none of: most servers have no volumes attached.
const instanceRefCols = `EXISTS (SELECT 1 FROM block_device_mappings b WHERE b.instance_uuid = instances.uuid),
	EXISTS (SELECT 1 FROM ports p WHERE p.device_id = instances.uuid)`

// selectInstances is the SELECT of cols, which sc scans: on SQLite, one
// JSON array a row (jsonRow).
func (tx *Tx) selectInstances(cols string) string {
	if tx.engine == SQLite {
		return `SELECT json_array(` + cols + `)`
	}
	return `SELECT ` + cols
}

// scanInstances reads the rows of a selectInstances query with sc.
func (tx *Tx) scanInstances(rows *sql.Rows, err error, sc *instanceScanner) ([]*novalite.Server, error) {
	return tx.scanInstancesEach(rows, err, sc, nil)
}

// scanInstancesEach is scanInstances calling each (unless nil) after
// every row is scanned, while sc still holds that row's extras.
func (tx *Tx) scanInstancesEach(rows *sql.Rows, err error, sc *instanceScanner, each func(*novalite.Server)) ([]*novalite.Server, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*novalite.Server
	for rows.Next() {
		var v novalite.Server
		var err error
		if tx.engine == SQLite {
			var row string
			if err = rows.Scan(&row); err == nil {
				v, err = sc.scan(jsonRow(row))
			}
		} else {
			v, err = sc.scan(rows)
		}
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &v)
		if each != nil {
			each(&v)
		}
	}
	return out, mapErr(rows.Err())
}

func nullable(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

func nullString(p *string) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *p, Valid: true}
}

func emptyNull(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// InstanceInsert adds a server row with its metadata and tags, and sets
// v.InternalID.
func (tx *Tx) InstanceInsert(ctx context.Context, v *novalite.Server) error {
	var old, certs sql.NullString
	if v.OldFlavor != nil {
		old = sql.NullString{String: jsonText(v.OldFlavor), Valid: true}
	}
	if v.TrustedCerts != nil {
		certs = sql.NullString{String: jsonText(v.TrustedCerts), Valid: true}
	}
	props, hints := v.ImageProperties, v.SchedulerHints.Map()
	if props == nil {
		props = map[string]string{}
	}
	err := tx.queryRow(ctx, `INSERT INTO instances (uuid, name, description, hostname, project_id, user_id,
		image_ref, image_properties, flavor_id, vcpus, memory_mb, root_gb, flavor, old_flavor, vm_state,
		task_state, power_state, progress, host, node, availability_zone, pinned_az, created_at, updated_at,
		launched_at, terminated_at, deleted_at, deleted, locked, locked_by, locked_reason, key_name, key_data,
		config_drive, auto_disk_config, access_ip_v4, access_ip_v6, reservation_id, launch_index,
		root_device_name, user_data, trusted_certs, scheduler_hints, server_group, requested_networks,
		admin_password_hash, encrypted_password)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40,
		$41, $42, $43, $44, $45, $46, $47) RETURNING id`,
		v.ID, v.Name, nullString(v.Description), v.Hostname, v.ProjectID, v.UserID, v.ImageRef,
		jsonText(props), v.Flavor.ID, v.Flavor.VCPUs, v.Flavor.MemoryMB, v.Flavor.RootGB,
		jsonText(v.Flavor), old, string(v.VMState), emptyNull(string(v.TaskState)), int(v.PowerState),
		v.Progress, emptyNull(v.Host), emptyNull(v.Node), v.AvailabilityZone, emptyNull(v.PinnedAZ),
		micros(v.CreatedAt), micros(v.UpdatedAt), nullMicros(v.LaunchedAt), nullMicros(v.TerminatedAt),
		nullMicros(v.DeletedAt), v.Deleted, v.Locked, emptyNull(v.LockedBy), nullString(v.LockedReason),
		nullString(v.KeyName), v.KeyData, v.ConfigDrive, v.AutoDiskConfig, v.AccessIPv4, v.AccessIPv6,
		v.ReservationID, v.LaunchIndex, v.RootDeviceName, nullString(v.UserData), certs, jsonText(hints),
		v.ServerGroup, v.RequestedNetworks, v.AdminPasswordHash, v.EncryptedPassword,
	).Scan(&v.InternalID)
	if err != nil {
		return mapErr(err)
	}
	for k, val := range v.Metadata {
		if _, err := tx.Exec(ctx, `INSERT INTO instance_metadata (instance_id, key, value) VALUES ($1, $2, $3)`,
			v.InternalID, k, val); err != nil {
			return err
		}
	}
	for _, t := range v.Tags {
		if _, err := tx.Exec(ctx, `INSERT INTO instance_tags (instance_id, tag) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, v.InternalID, t); err != nil {
			return err
		}
	}
	return nil
}

// InstanceGet returns the server with uuid, with its metadata and tags
// (read with the row), latest fault and volumes. projectID, when
// non-empty, restricts the lookup to that project (isolation shows in
// SQL: another project's server is NotFound).
// Hard-deleted rows are found only when withDeleted is true.
func (tx *Tx) InstanceGet(ctx context.Context, uuid, projectID string, withDeleted bool) (novalite.Server, error) {
	v, _, err := tx.instanceGet(ctx, uuid, projectID, withDeleted)
	return v, err
}

// InstanceShow is InstanceGet of a live server that also tells whether
// it has ports (read with its row): a show without any skips their
// queries.
func (tx *Tx) InstanceShow(ctx context.Context, uuid, projectID string) (v novalite.Server, ports bool, err error) {
	return tx.instanceGet(ctx, uuid, projectID, false)
}

func (tx *Tx) instanceGet(ctx context.Context, uuid, projectID string, withDeleted bool) (novalite.Server, bool, error) {
	w := instanceLookup(uuid, projectID, withDeleted)
	list, ports, err := tx.instancesShown(ctx, `instances`+w.sql(), w.args)
	if err != nil {
		return novalite.Server{}, false, err
	}
	if len(list) == 0 {
		return novalite.Server{}, false, mapErr(sql.ErrNoRows)
	}
	return *list[0], ports, nil
}

// instancesShown reads the servers of `FROM from` (its joins and WHERE
// clause, with args) as a show reads one: every column, metadata and
// tags with the rows, faults, and volumes for the servers that have any.
// ports: whether any of them has ports (a show without skips their
// queries).
func (tx *Tx) instancesShown(ctx context.Context, from string, args []any) (list []*novalite.Server, ports bool, err error) {
	cols := instanceCols + `, ` + tx.instanceExtraCols() + `, ` + instanceRefCols
	rows, err := tx.query(ctx, tx.selectInstances(cols)+` FROM `+from, args...)
	sc := newInstanceScanner(true)
	var withVolumes []*novalite.Server
	list, err = tx.scanInstancesEach(rows, err, sc, func(v *novalite.Server) {
		if sc.volumes {
			withVolumes = append(withVolumes, v)
		}
		ports = ports || sc.ports
	})
	if err != nil {
		return nil, false, err
	}
	if err := tx.instanceLoadFaults(ctx, list); err != nil {
		return nil, false, err
	}
	if len(withVolumes) > 0 {
		if err := tx.bdmLoad(ctx, withVolumes); err != nil {
			return nil, false, err
		}
	}
	return list, ports, nil
}

// InstanceRow is InstanceGet of a live server without its metadata, tags
// and fault: one query, for a write that needs none of them (a delete).
func (tx *Tx) InstanceRow(ctx context.Context, uuid, projectID string) (novalite.Server, error) {
	w := instanceLookup(uuid, projectID, false)
	rows, err := tx.query(ctx, tx.selectInstances(instanceCols)+` FROM instances`+w.sql(), w.args...)
	list, err := tx.scanInstances(rows, err, newInstanceScanner(false))
	if err != nil {
		return novalite.Server{}, err
	}
	if len(list) == 0 {
		return novalite.Server{}, mapErr(sql.ErrNoRows)
	}
	return *list[0], nil
}

// instanceLookup is the condition that finds server uuid: of projectID
// unless "", and live (soft-deleted counts as live) unless withDeleted.
func instanceLookup(uuid, projectID string, withDeleted bool) where {
	var w where
	w.add(`uuid = ?`, uuid)
	if projectID != "" {
		w.add(`project_id = ?`, projectID)
	}
	if !withDeleted {
		w.add(`deleted = ?`, false)
	}
	return w
}

// InstanceLoadExtras fills metadata, tags and the latest fault of servers
// with one query per kind, whatever their number (no N+1 in lists). Only
// servers in error or deleted get their fault read: Nova's views show it
// for no other status, and most pages and shows then skip that query.
func (tx *Tx) InstanceLoadExtras(ctx context.Context, servers []*novalite.Server) error {
	if len(servers) == 0 {
		return nil
	}
	byID := make(map[int64]*novalite.Server, len(servers))
	var w where
	ids := make([]int64, 0, len(servers))
	for _, s := range servers {
		byID[s.InternalID] = s
		s.Metadata, s.Tags, s.Fault = map[string]string{}, []string{}, nil
		ids = append(ids, s.InternalID)
	}
	from, cond := tx.fromJSON("instance_metadata m", "m.instance_id", &w, ids, true)
	rows, err := tx.query(ctx, `SELECT m.instance_id, m.key, m.value FROM `+from+` WHERE `+cond, w.args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var k, val string
		if err := rows.Scan(&id, &k, &val); err != nil {
			rows.Close()
			return mapErr(err)
		}
		byID[id].Metadata[k] = val
	}
	rows.Close()
	var tw where
	from, cond = tx.fromJSON("instance_tags t", "t.instance_id", &tw, ids, true)
	rows, err = tx.query(ctx, `SELECT t.instance_id, t.tag FROM `+from+` WHERE `+cond+` ORDER BY t.tag`, tw.args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			rows.Close()
			return mapErr(err)
		}
		byID[id].Tags = append(byID[id].Tags, tag)
	}
	rows.Close()
	return tx.instanceLoadFaultsVolumes(ctx, servers)
}

// instanceLoadFaultsVolumes fills the latest fault (of servers in error
// or deleted) and the volumes of servers.
func (tx *Tx) instanceLoadFaultsVolumes(ctx context.Context, servers []*novalite.Server) error {
	if err := tx.instanceLoadFaults(ctx, servers); err != nil {
		return err
	}
	return tx.bdmLoad(ctx, servers)
}

// instanceLoadFaults fills the latest fault of the servers in error or
// deleted.
func (tx *Tx) instanceLoadFaults(ctx context.Context, servers []*novalite.Server) error {
	var faulty []int64
	for _, s := range servers {
		if s.Deleted || s.VMState == novalite.VMError || s.VMState == novalite.VMDeleted {
			faulty = append(faulty, s.InternalID)
		}
	}
	if len(faulty) == 0 {
		return nil
	}
	byID := make(map[int64]*novalite.Server, len(faulty))
	for _, s := range servers {
		byID[s.InternalID] = s
	}
	var fw where
	from, cond := tx.fromJSON("instance_faults f", "f.instance_id", &fw, faulty, true)
	rows, err := tx.query(ctx, `SELECT f.instance_id, f.code, f.message, f.details, f.created_at FROM `+from+
		` WHERE `+cond+` ORDER BY f.id`, fw.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, created int64
		f := &novalite.Fault{}
		if err := rows.Scan(&id, &f.Code, &f.Message, &f.Details, &created); err != nil {
			return mapErr(err)
		}
		f.Created = fromMicros(created)
		byID[id].Fault = f // ordered by id: the latest wins
	}
	return mapErr(rows.Err())
}

// InstanceFaultLatest is the latest fault recorded for a server, nil if
// none, whatever its state (InstanceLoadExtras reads it only for servers
// in error or deleted).
func (tx *Tx) InstanceFaultLatest(ctx context.Context, internalID int64) (*novalite.Fault, error) {
	f := &novalite.Fault{}
	var created int64
	err := tx.queryRow(ctx, `SELECT code, message, details, created_at FROM instance_faults
		WHERE instance_id = $1 ORDER BY id DESC LIMIT 1`, internalID).Scan(&f.Code, &f.Message, &f.Details, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	f.Created = fromMicros(created)
	return f, nil
}

// InstanceFaultInsert records a fault for a server.
func (tx *Tx) InstanceFaultInsert(ctx context.Context, internalID int64, f novalite.Fault) error {
	_, err := tx.Exec(ctx, `INSERT INTO instance_faults (instance_id, code, message, details, created_at)
		VALUES ($1, $2, $3, $4, $5)`, internalID, f.Code, f.Message, f.Details, micros(f.Created))
	return err
}
