package volume

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/policy"
	"novalite/internal/store"
)

// Attachments, in Cinder's two ways: the attachments API of 3.27+
// (create reserves, update with a connector starts attaching, complete
// makes the volume in-use, delete detaches) that Nova uses, and the
// older actions (os-reserve, os-attach, os-begin_detaching, os-detach).
// The simulated backend needs no connection: connection_info names the
// volume's file.

// ConnectionInfo is what an attaching host is told about the volume.
func (s *Service) ConnectionInfo(v novalite.Volume, a novalite.VolumeAttachment) map[string]any {
	return map[string]any{"driver_volume_type": "local", "data": map[string]any{
		"device_path": s.files.path(v.ID), "volume_id": v.ID, "access_mode": a.Mode,
		"attachment_id": a.ID, "encrypted": false, "qos_specs": nil, "discard": true}}
}

// Path is where a volume's data are, for drivers that attach them.
func (s *Service) Path(volumeID string) string { return s.files.path(volumeID) }

// attachable is whether v can take one more attachment.
func attachable(v novalite.Volume) error {
	if v.Status == novalite.VolumeAvailable || (v.Multiattach && v.Status == novalite.VolumeInUse) {
		return nil
	}
	want := "available"
	if v.Multiattach {
		want = "available or in-use"
	}
	return invalidVolume("Volume %s status must be %s, but current status is: %s.", v.ID, want, v.Status)
}

// settle is a volume's status after its attachments changed: in-use
// while any is attached, else what the remaining ones are doing.
func settle(as []novalite.VolumeAttachment) string {
	st := novalite.VolumeAvailable
	for _, a := range as {
		switch a.Status {
		case novalite.AttachAttached, novalite.AttachDetaching:
			return novalite.VolumeInUse
		case novalite.AttachAttaching:
			st = novalite.VolumeAttaching
		case novalite.AttachReserved:
			if st == novalite.VolumeAvailable {
				st = novalite.VolumeReserved
			}
		}
	}
	return st
}

// restatus recomputes a volume's status from its attachments.
func (s *Service) restatus(ctx context.Context, tx *store.Tx, volumeID string) error {
	as, err := tx.VolumeAttachmentList(ctx, "", volumeID, "")
	if err != nil {
		return err
	}
	_, err = tx.VolumeSetStatus(ctx, volumeID, store.VolumeStatusChange{To: settle(as), Now: s.stamp()})
	return err
}

// AttachmentParams is a validated attachment create.
type AttachmentParams struct {
	VolumeID, InstanceUUID string
	Connector              map[string]any // nil: reserve only
	Mode                   string         // "" = rw (ro for read-only volumes)
}

// CreateAttachment reserves a volume for a server (and with a connector
// starts attaching it).
func (s *Service) CreateAttachment(ctx context.Context, c *novalite.Caller, p AttachmentParams) (a novalite.VolumeAttachment, v novalite.Volume, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		a, v, err = s.CreateAttachmentTx(ctx, tx, c, p)
		return err
	})
	return a, v, err
}

// CreateAttachmentTx is CreateAttachment inside the caller's
// transaction (Nova's server create and attach).
func (s *Service) CreateAttachmentTx(ctx context.Context, tx *store.Tx, c *novalite.Caller, p AttachmentParams) (novalite.VolumeAttachment, novalite.Volume, error) {
	v, err := tx.VolumeGetForUpdate(ctx, p.VolumeID, scope(c))
	if err != nil {
		return novalite.VolumeAttachment{}, v, notFoundAs(err, volumeNotFound(p.VolumeID))
	}
	if err := attachable(v); err != nil {
		return novalite.VolumeAttachment{}, v, err
	}
	mode := p.Mode
	if mode == "" {
		mode = "rw"
		if v.ReadOnly {
			mode = "ro"
		}
	}
	a := novalite.VolumeAttachment{ID: uuid.NewString(), VolumeID: v.ID, InstanceUUID: p.InstanceUUID,
		Status: novalite.AttachReserved, Mode: mode, CreatedAt: s.stamp()}
	if p.Connector != nil {
		connect(&a, p.Connector)
	}
	if err := tx.VolumeAttachmentInsert(ctx, a); err != nil {
		return a, v, err
	}
	return a, v, s.restatus(ctx, tx, v.ID)
}

// connect records a host's connector on an attachment: attaching.
func connect(a *novalite.VolumeAttachment, conn map[string]any) {
	b, _ := json.Marshal(conn)
	a.Connector, a.Status = string(b), novalite.AttachAttaching
	if h, ok := conn["host"].(string); ok {
		a.Host = h
	}
	if m, ok := conn["mountpoint"].(string); ok {
		a.Mountpoint = m
	}
	if m, ok := conn["mode"].(string); ok && (m == "rw" || m == "ro") {
		a.Mode = m
	}
}

// Attachment returns an attachment of the caller's project's volumes.
func (s *Service) Attachment(ctx context.Context, c *novalite.Caller, id string) (a novalite.VolumeAttachment, v novalite.Volume, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		a, err = tx.VolumeAttachmentGet(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, attachmentNotFound(id))
		}
		v, err = tx.VolumeGet(ctx, a.VolumeID, "")
		return err
	})
	return a, v, err
}

// AttachmentFilter narrows a list of attachments: All asks for every
// project's (admins only), VolumeID and InstanceUUID for one volume's or
// server's.
type AttachmentFilter struct {
	All                    bool
	VolumeID, InstanceUUID string
}

// Attachments lists the attachments of the caller's volumes that pass f.
func (s *Service) Attachments(ctx context.Context, c *novalite.Caller, f AttachmentFilter) (out []novalite.VolumeAttachment, err error) {
	all, volumeID, instanceUUID := f.All, f.VolumeID, f.InstanceUUID
	project := c.ProjectID
	if all && policy.IsAdmin(c) {
		project = ""
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		out, err = tx.VolumeAttachmentList(ctx, project, volumeID, instanceUUID)
		return err
	})
	return out, err
}

// UpdateAttachment gives a reserved attachment its host's connector.
func (s *Service) UpdateAttachment(ctx context.Context, c *novalite.Caller, id string, conn map[string]any) (a novalite.VolumeAttachment, v novalite.Volume, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		a, err = tx.VolumeAttachmentGet(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, attachmentNotFound(id))
		}
		if v, err = tx.VolumeGetForUpdate(ctx, a.VolumeID, ""); err != nil {
			return err
		}
		if a.Status == novalite.AttachAttached || a.Status == novalite.AttachDetaching {
			return invalidVolume("Volume %s is already attached to %s.", v.ID, a.InstanceUUID)
		}
		connect(&a, conn)
		if err := tx.VolumeAttachmentUpdate(ctx, a); err != nil {
			return err
		}
		if err := s.restatus(ctx, tx, v.ID); err != nil {
			return err
		}
		v, err = tx.VolumeGet(ctx, v.ID, "")
		return err
	})
	return a, v, err
}

// CompleteAttachment marks an attachment attached: the volume is in-use.
func (s *Service) CompleteAttachment(ctx context.Context, c *novalite.Caller, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		a, err := tx.VolumeAttachmentGet(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, attachmentNotFound(id))
		}
		if _, err := tx.VolumeGetForUpdate(ctx, a.VolumeID, ""); err != nil {
			return err
		}
		return s.completeTx(ctx, tx, a, "")
	})
}

func (s *Service) completeTx(ctx context.Context, tx *store.Tx, a novalite.VolumeAttachment, mountpoint string) error {
	a.Status, a.AttachedAt = novalite.AttachAttached, s.stamp()
	if mountpoint != "" {
		a.Mountpoint = mountpoint
	}
	if err := tx.VolumeAttachmentUpdate(ctx, a); err != nil {
		return err
	}
	return s.restatus(ctx, tx, a.VolumeID)
}

// AttachParams names a volume, the server and host it is attached to
// and its device there.
type AttachParams struct {
	VolumeID, ServerID, Host, Mountpoint string
	Mode                                 string // os-attach's rw or ro; empty is rw
}

// AttachTx attaches a volume to a server at once inside the caller's
// transaction (Nova's boot from volume and attach, whose simulated
// hosts need no connection): reserved, connected and completed. The
// attachment's mode is the connection's, not p.Mode.
func (s *Service) AttachTx(ctx context.Context, tx *store.Tx, c *novalite.Caller, p AttachParams) (novalite.VolumeAttachment, error) {
	a, _, err := s.CreateAttachmentTx(ctx, tx, c, AttachmentParams{VolumeID: p.VolumeID, InstanceUUID: p.ServerID,
		Connector: map[string]any{"host": p.Host, "mountpoint": p.Mountpoint}})
	if err != nil {
		return a, err
	}
	a.Mountpoint = p.Mountpoint
	return a, s.completeTx(ctx, tx, a, p.Mountpoint)
}

// DeleteAttachment detaches: the attachment goes, the volume is
// available again when it was the last one. It returns the volume's
// remaining attachments.
func (s *Service) DeleteAttachment(ctx context.Context, c *novalite.Caller, id string) (rest []novalite.VolumeAttachment, err error) {
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		a, err := tx.VolumeAttachmentGet(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, attachmentNotFound(id))
		}
		if err := s.DetachTx(ctx, tx, a.ID); err != nil {
			return err
		}
		rest, err = tx.VolumeAttachmentList(ctx, "", a.VolumeID, "")
		return err
	})
	return rest, err
}

// DetachTx removes an attachment inside the caller's transaction; one
// already gone is not an error (Nova retries detaches).
func (s *Service) DetachTx(ctx context.Context, tx *store.Tx, attachmentID string) error {
	a, err := tx.VolumeAttachmentGet(ctx, attachmentID, "")
	if novalite.IsKind(err, novalite.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.VolumeGetForUpdate(ctx, a.VolumeID, ""); err != nil {
		return err
	}
	if err := tx.VolumeAttachmentDelete(ctx, a.ID); err != nil {
		return err
	}
	return s.restatus(ctx, tx, a.VolumeID)
}

// Reserve is os-reserve: an available volume becomes "attaching".
func (s *Service) Reserve(ctx context.Context, c *novalite.Caller, id string) error {
	return s.legacy(ctx, c, id, func(tx *store.Tx, v novalite.Volume) (string, error) {
		if err := attachable(v); err != nil {
			return "", err
		}
		return novalite.VolumeAttaching, nil
	})
}

// Unreserve is os-unreserve: an attaching volume goes back.
func (s *Service) Unreserve(ctx context.Context, c *novalite.Caller, id string) error {
	return s.legacy(ctx, c, id, func(tx *store.Tx, v novalite.Volume) (string, error) {
		if v.Status != novalite.VolumeAttaching {
			return v.Status, nil
		}
		return settle(v.Attachments), nil
	})
}

// BeginDetaching is os-begin_detaching: in-use → detaching.
func (s *Service) BeginDetaching(ctx context.Context, c *novalite.Caller, id string) error {
	return s.legacy(ctx, c, id, func(tx *store.Tx, v novalite.Volume) (string, error) {
		if v.Status != novalite.VolumeInUse {
			return "", invalidVolume("Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.")
		}
		return novalite.VolumeDetaching, nil
	})
}

// RollDetaching is os-roll_detaching: detaching → in-use.
func (s *Service) RollDetaching(ctx context.Context, c *novalite.Caller, id string) error {
	return s.legacy(ctx, c, id, func(tx *store.Tx, v novalite.Volume) (string, error) {
		if v.Status == novalite.VolumeDetaching {
			return novalite.VolumeInUse, nil
		}
		return v.Status, nil
	})
}

// Attach is os-attach: the volume is attached to the server.
func (s *Service) Attach(ctx context.Context, c *novalite.Caller, p AttachParams) error {
	mode := p.Mode
	return s.legacy(ctx, c, p.VolumeID, func(tx *store.Tx, v novalite.Volume) (string, error) {
		if !slices.Contains([]string{novalite.VolumeAvailable, novalite.VolumeAttaching, novalite.VolumeReserved}, v.Status) &&
			!(v.Multiattach && v.Status == novalite.VolumeInUse) {
			return "", invalidVolume("Volume %s status must be available or attaching, but current status is: %s.", v.ID, v.Status)
		}
		if mode == "" {
			mode = "rw"
		}
		if v.ReadOnly && mode == "rw" {
			return "", invalidVolume("Volume %s is read-only: it cannot be attached in rw mode.", v.ID)
		}
		now := s.stamp()
		a := novalite.VolumeAttachment{ID: uuid.NewString(), VolumeID: v.ID, InstanceUUID: p.ServerID,
			Status: novalite.AttachAttached, Mode: mode, Host: p.Host, Mountpoint: p.Mountpoint, AttachedAt: now, CreatedAt: now}
		return novalite.VolumeInUse, tx.VolumeAttachmentInsert(ctx, a)
	})
}

// Detach is os-detach: the attachment named (or the only one) goes. As
// Cinder's volume manager, an attachment that is not there is no error:
// the volume settles to what its remaining attachments say.
func (s *Service) Detach(ctx context.Context, c *novalite.Caller, id, attachmentID string) error {
	return s.legacy(ctx, c, id, func(tx *store.Tx, v novalite.Volume) (string, error) {
		if attachmentID == "" && len(v.Attachments) > 1 {
			return "", invalidVolume("Detach volume failed: More than one attachment, but no attachment_id provided.")
		}
		var left []novalite.VolumeAttachment
		for _, a := range v.Attachments {
			if a.ID == attachmentID || attachmentID == "" {
				if err := tx.VolumeAttachmentDelete(ctx, a.ID); err != nil {
					return "", err
				}
				continue
			}
			left = append(left, a)
		}
		return settle(left), nil
	})
}

// legacy runs one of the old attach actions: step checks the locked
// volume and says its next status.
func (s *Service) legacy(ctx context.Context, c *novalite.Caller, id string, step func(*store.Tx, novalite.Volume) (string, error)) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := tx.VolumeGetForUpdate(ctx, id, scope(c))
		if err != nil {
			return notFoundAs(err, volumeNotFound(id))
		}
		next, err := step(tx, v)
		if err != nil {
			return err
		}
		_, err = tx.VolumeSetStatus(ctx, v.ID, store.VolumeStatusChange{To: next, Now: s.stamp()})
		return err
	})
}
