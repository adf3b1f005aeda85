package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"novalite"
)

// InstanceTaskParams is an intent: set TaskState on a live server, but
// only if its states still allow the action (Nova's expected states).
type InstanceTaskParams struct {
	InternalID int64
	To         novalite.TaskState
	// FromVM, when non-empty, lists the vm_states that allow the intent.
	FromVM []novalite.VMState
	// FromTask, when non-nil, lists the task_states that allow it; ""
	// stands for no task.
	FromTask []novalite.TaskState
	// Unless is a task_state that makes the intent a no-op (a second
	// delete while deleting).
	Unless novalite.TaskState
	// StampDeleted sets deleted_at (soft delete); ClearDeleted clears it.
	StampDeleted, ClearDeleted bool
	ResetProgress              bool
	Now                        time.Time
}

// InstanceSetTask applies an intent and reports whether the row changed;
// when it did, the commit notifies whoever acts on the intent.
// false means the states did not allow it (or the row is gone): callers
// re-read the server to word Nova's 404 or 409.
func (tx *Tx) InstanceSetTask(ctx context.Context, p InstanceTaskParams) (bool, error) {
	var w where
	set := []string{"task_state = " + w.arg(emptyNull(string(p.To))), "updated_at = " + w.arg(micros(p.Now))}
	if p.StampDeleted {
		set = append(set, "deleted_at = "+w.arg(micros(p.Now)))
	}
	if p.ClearDeleted {
		set = append(set, "deleted_at = NULL")
	}
	if p.ResetProgress {
		set = append(set, "progress = 0")
	}
	w.add(`id = ?`, p.InternalID)
	w.add(`deleted = ?`, false)
	if len(p.FromVM) > 0 {
		ph := make([]string, len(p.FromVM))
		for i, s := range p.FromVM {
			ph[i] = w.arg(string(s))
		}
		w.conds = append(w.conds, "vm_state IN ("+strings.Join(ph, ", ")+")")
	}
	if p.FromTask != nil {
		ph := make([]string, len(p.FromTask))
		for i, s := range p.FromTask {
			ph[i] = w.arg(string(s))
		}
		w.conds = append(w.conds, "COALESCE(task_state, '') IN ("+strings.Join(ph, ", ")+")")
	}
	if p.Unless != "" {
		w.add(`COALESCE(task_state, '') <> ?`, string(p.Unless))
	}
	var host sql.NullString
	err := tx.queryRow(ctx, `UPDATE instances SET `+strings.Join(set, ", ")+w.sql()+` RETURNING host`, w.args...).Scan(&host)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, mapErr(err)
	}
	// The intent is work for the agent of the server's host — read after
	// the transaction's own writes, so an evacuation's new host — or for
	// the scheduler when it has none.
	tx.NotifyHostOnCommit(host.String)
	return true, nil
}

// InstanceDeleteLocal marks a server that never reached a host as deleted
// at once (Nova's local delete). It changes nothing and reports false if
// the server has meanwhile been placed on a host or is already gone.
func (tx *Tx) InstanceDeleteLocal(ctx context.Context, internalID int64, now time.Time) (bool, error) {
	n, err := tx.Exec(ctx, `UPDATE instances SET deleted = $1, vm_state = $2, task_state = NULL,
		deleted_at = $3, terminated_at = $3, updated_at = $3, progress = 0
		WHERE id = $4 AND deleted = $5 AND host IS NULL`,
		true, string(novalite.VMDeleted), micros(now), internalID, false)
	return n > 0, err
}

// InstanceLockParams sets or clears the lock of a server.
type InstanceLockParams struct {
	InternalID int64
	Locked     bool
	LockedBy   string  // "owner" or "admin"; ignored when unlocking
	Reason     *string // nil keeps the current reason when locking
	Now        time.Time
}

// InstanceSetLock locks or unlocks a live server; unlocking clears the
// reason.
func (tx *Tx) InstanceSetLock(ctx context.Context, p InstanceLockParams) error {
	var n int64
	var err error
	if p.Locked {
		n, err = tx.Exec(ctx, `UPDATE instances SET locked = $1, locked_by = $2,
			locked_reason = COALESCE($3, locked_reason), updated_at = $4 WHERE id = $5 AND deleted = $6`,
			true, p.LockedBy, nullString(p.Reason), micros(p.Now), p.InternalID, false)
	} else {
		n, err = tx.Exec(ctx, `UPDATE instances SET locked = $1, locked_by = NULL, locked_reason = NULL,
			updated_at = $2 WHERE id = $3 AND deleted = $4`, false, micros(p.Now), p.InternalID, false)
	}
	if err == nil && n == 0 {
		return &novalite.Error{Kind: novalite.NotFound, Err: sql.ErrNoRows}
	}
	return err
}

// InstanceUpdateParams are the fields PUT /servers/{id} may change; nil
// leaves a field alone.
type InstanceUpdateParams struct {
	InternalID     int64
	Name           *string
	Description    novalite.Nullable[string]
	Hostname       *string
	AccessIPv4     *string
	AccessIPv6     *string
	AutoDiskConfig *bool
	PinnedAZ       novalite.Nullable[string]
	// Rebuild's changes.
	ImageRef        *string
	ImageProperties map[string]string
	KeyName         novalite.Nullable[string]
	KeyData         *string
	UserData        novalite.Nullable[string]
	TrustedCerts    *[]string
	Now             time.Time
}

// InstanceUpdate writes the given fields of a live server.
func (tx *Tx) InstanceUpdate(ctx context.Context, p InstanceUpdateParams) error {
	var w where
	set := []string{"updated_at = " + w.arg(micros(p.Now))}
	add := func(col string, v any) { set = append(set, col+" = "+w.arg(v)) }
	// change writes a nullable column the params name: NULL when cleared.
	change := func(col string, n novalite.Nullable[string]) {
		if n.Set {
			add(col, nullString(n.Ptr()))
		}
	}
	if p.Name != nil {
		add("name", *p.Name)
	}
	change("description", p.Description)
	if p.Hostname != nil {
		add("hostname", *p.Hostname)
	}
	if p.AccessIPv4 != nil {
		add("access_ip_v4", *p.AccessIPv4)
	}
	if p.AccessIPv6 != nil {
		add("access_ip_v6", *p.AccessIPv6)
	}
	if p.AutoDiskConfig != nil {
		add("auto_disk_config", *p.AutoDiskConfig)
	}
	change("pinned_az", p.PinnedAZ)
	if p.ImageRef != nil {
		add("image_ref", *p.ImageRef)
	}
	if p.ImageProperties != nil {
		add("image_properties", jsonText(p.ImageProperties))
	}
	change("key_name", p.KeyName)
	if p.KeyData != nil {
		add("key_data", *p.KeyData)
	}
	change("user_data", p.UserData)
	if p.TrustedCerts != nil {
		certs := sql.NullString{}
		if *p.TrustedCerts != nil {
			certs = sql.NullString{String: jsonText(*p.TrustedCerts), Valid: true}
		}
		add("trusted_certs", certs)
	}
	w.add(`id = ?`, p.InternalID)
	w.add(`deleted = ?`, false)
	n, err := tx.Exec(ctx, `UPDATE instances SET `+strings.Join(set, ", ")+w.sql(), w.args...)
	if err == nil && n == 0 {
		return &novalite.Error{Kind: novalite.NotFound, Err: sql.ErrNoRows}
	}
	return err
}

// InstanceActionInsert records that an action started on a server and
// returns the action's row id (events hang off it).
func (tx *Tx) InstanceActionInsert(ctx context.Context, a novalite.InstanceAction) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO instance_actions (instance_uuid, request_id, action, project_id,
		user_id, start_time, finish_time, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6) RETURNING id`,
		a.InstanceUUID, a.RequestID, a.Action, a.ProjectID, a.UserID, micros(a.Start), nullMicros(a.Finish),
	).Scan(&id)
	return id, mapErr(err)
}

// InstanceActionEventInsert records an event of an action.
func (tx *Tx) InstanceActionEventInsert(ctx context.Context, e novalite.InstanceActionEvent) error {
	_, err := tx.Exec(ctx, `INSERT INTO instance_action_events (action_id, event, start_time, finish_time,
		result, host) VALUES ($1, $2, $3, $4, $5, $6)`, e.ActionID, e.Event, micros(e.Start),
		nullMicros(e.Finish), emptyNull(e.Result), emptyNull(e.Host))
	return err
}

// InstanceSetPasswordHash replaces the hash of a server's admin password.
func (tx *Tx) InstanceSetPasswordHash(ctx context.Context, internalID int64, hash string) error {
	_, err := tx.Exec(ctx, `UPDATE instances SET admin_password_hash = $1 WHERE id = $2`, hash, internalID)
	return err
}

// InstanceResetState forces a live server's vm_state and clears its task
// (os-resetState).
func (tx *Tx) InstanceResetState(ctx context.Context, internalID int64, vm novalite.VMState, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE instances SET vm_state = $1, task_state = NULL, updated_at = $2
		WHERE id = $3 AND deleted = $4`, string(vm), micros(now), internalID, false)
	return err
}
