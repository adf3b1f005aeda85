package compute

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// Volume attachments of a server (nova/api/openstack/compute/
// volume_attachments.py), from the server's block device mappings.

var pDevice = obj{"type": []any{"string", "null"}, "pattern": "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$"}

var pAttachTag = obj{"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60}

func volumeAttachSchemaDoc(mv microversion.Version) obj {
	props := obj{"volumeId": pUUID, "device": pDevice}
	if mv.AtLeast(2, 49) {
		props["tag"] = pAttachTag
	}
	if mv.AtLeast(2, 79) {
		props["delete_on_termination"] = pBoolean
	}
	return obj{"type": "object", "properties": obj{"volumeAttachment": obj{"type": "object", "properties": props,
		"required": []any{"volumeId"}, "additionalProperties": false}},
		"required": []any{"volumeAttachment"}, "additionalProperties": false}
}

func volumeUpdateSchemaDoc(mv microversion.Version) obj {
	props := obj{"volumeId": pUUID}
	if mv.AtLeast(2, 85) {
		props = obj{"volumeId": pUUID, "device": pDevice, "tag": pAttachTag, "delete_on_termination": pBoolean,
			"serverId": pUUID, "id": pUUID}
	}
	return obj{"type": "object", "properties": obj{"volumeAttachment": obj{"type": "object", "properties": props,
		"required": []any{"volumeId"}, "additionalProperties": false}},
		"required": []any{"volumeAttachment"}, "additionalProperties": false}
}

// volumeAttachmentRequest is the body of an attach and of an update;
// the schema says which fields each takes.
type volumeAttachmentRequest struct {
	VolumeAttachment struct {
		VolumeID            string           `json:"volumeId"`
		Device              Nullable[string] `json:"device"`
		Tag                 Nullable[string] `json:"tag"`
		DeleteOnTermination Optional[any]    `json:"delete_on_termination"` // as sent: see attachVolume
		ServerID            Nullable[string] `json:"serverId"`
		ID                  Nullable[string] `json:"id"`
	} `json:"volumeAttachment"`
}

// volumeAttachmentView is Nova's attachment view for the microversion:
// tag from 2.70, delete_on_termination from 2.79, attachment_id and
// bdm_uuid instead of id from 2.89.
type volumeAttachmentView struct {
	AttachmentID        Optional[string]  `json:"attachment_id,omitzero"`         // 2.89
	BDMUUID             Optional[string]  `json:"bdm_uuid,omitzero"`              // 2.89
	DeleteOnTermination Optional[any]     `json:"delete_on_termination,omitzero"` // 2.79: a bool, or what an attach was sent
	Device              Optional[string]  `json:"device,omitzero"`                // when known
	ID                  Optional[string]  `json:"id,omitzero"`                    // until 2.88: the volume's
	ServerID            string            `json:"serverId"`
	Tag                 Optional[*string] `json:"tag,omitzero"` // 2.70
	VolumeID            string            `json:"volumeId"`
}

func volumeAttachmentViewOf(b novalite.BlockDeviceMapping, mv microversion.Version) volumeAttachmentView {
	return volumeAttachmentView{AttachmentID: optIf(mv.AtLeast(2, 89), b.AttachmentID),
		BDMUUID: optIf(mv.AtLeast(2, 89), b.ID), DeleteOnTermination: optIf[any](mv.AtLeast(2, 79), b.DeleteOnTermination),
		Device: optIf(b.Device != "", b.Device), ID: optIf(!mv.AtLeast(2, 89), b.VolumeID), ServerID: b.InstanceUUID,
		Tag: optIf(mv.AtLeast(2, 70), nilIfEmpty(b.Tag)), VolumeID: b.VolumeID}
}

// volumeAttachmentBody is the body of one attachment.
type volumeAttachmentBody struct {
	VolumeAttachment volumeAttachmentView `json:"volumeAttachment"`
}

// listVolumeAttachments is GET /servers/{id}/os-volume_attachments.
func (a *API) listVolumeAttachments(w http.ResponseWriter, r *http.Request) error {
	if requestMV(r).AtLeast(2, 75) {
		if err := onlyParams(r.URL.Query(), "limit", "offset"); err != nil {
			return err
		}
	}
	offset, err := nonNegativeParam(r, "offset")
	if err != nil {
		return err
	}
	limit := maxLimit
	if r.URL.Query().Has("limit") {
		if limit, err = nonNegativeParam(r, "limit"); err != nil {
			return err
		}
	}
	s, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:index")
	if err != nil {
		return err
	}
	bdms, err := a.svc.Compute.ServerVolumes(r.Context(), httpx.Caller(r.Context()), s.ID)
	if err != nil {
		return err
	}
	bdms = bdms[min(offset, len(bdms)):]
	bdms = bdms[:min(limit, maxLimit, len(bdms))]
	out := struct {
		VolumeAttachments []volumeAttachmentView `json:"volumeAttachments"`
	}{make([]volumeAttachmentView, len(bdms))}
	for i, b := range bdms {
		out.VolumeAttachments[i] = volumeAttachmentViewOf(b, requestMV(r))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// showVolumeAttachment is GET /servers/{id}/os-volume_attachments/{volume}.
func (a *API) showVolumeAttachment(w http.ResponseWriter, r *http.Request) error {
	s, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:show")
	if err != nil {
		return err
	}
	b, err := a.svc.Compute.ServerVolume(r.Context(), httpx.Caller(r.Context()), s.ID, r.PathValue("volume"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, volumeAttachmentBody{volumeAttachmentViewOf(b, requestMV(r))})
	return nil
}

// attachVolume is POST /servers/{id}/os-volume_attachments: 200 with
// the attachment, from 2.101 202 with no body.
func (a *API) attachVolume(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	body, err := decodeRequest[volumeAttachmentRequest](r, schemaFor("volume-attach", mv, volumeAttachSchemaDoc))
	if err != nil {
		return err
	}
	s, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:create")
	if err != nil {
		return err
	}
	att := body.VolumeAttachment
	p := compute.VolumeAttachParams{ServerID: s.ID, ShelvedOK: mv.AtLeast(2, 20), VolumeID: att.VolumeID,
		Device: att.Device.Value, Tag: att.Tag.Value, DeleteOnTerm: pyTruth(att.DeleteOnTermination.Value)}
	b, err := a.svc.Compute.AttachVolume(r.Context(), httpx.Caller(r.Context()), p)
	if err != nil {
		return err
	}
	if mv.AtLeast(2, 101) {
		// Nova's attach answers a bare 202 from 2.101 (create_response_v2101
		// is null): the device is no longer waited for.
		httpx.WriteEmpty(w, http.StatusAccepted)
		return nil
	}
	// Nova echoes delete_on_termination as sent (False when left out)
	// and stores bool() of it (a BooleanField): "False" answers "False"
	// and keeps true.
	out := volumeAttachmentView{DeleteOnTermination: optIf(mv.AtLeast(2, 79), att.DeleteOnTermination.Or(false)),
		Device: some(b.Device), ID: some(b.VolumeID), ServerID: s.ID, Tag: optIf(mv.AtLeast(2, 70), nilIfEmpty(b.Tag)),
		VolumeID: b.VolumeID}
	httpx.WriteJSON(w, http.StatusOK, volumeAttachmentBody{out})
	return nil
}

// updateVolumeAttachment is PUT /servers/{id}/os-volume_attachments/{volume}:
// a swap to another volume (service or admin; the only meaning before
// 2.85), or from 2.85 an update of the attachment itself.
func (a *API) updateVolumeAttachment(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	body, err := decodeRequest[volumeAttachmentRequest](r, schemaFor("volume-attachment-update", mv, volumeUpdateSchemaDoc))
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	s, err := a.svc.Compute.GetServer(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	old := r.PathValue("volume")
	att := body.VolumeAttachment
	onlySwap := !mv.AtLeast(2, 85)
	if onlySwap || att.VolumeID != old {
		err = policy.Authorize(c, "os_compute_api:os-volumes-attachments:swap", policy.Target{})
	} else {
		err = policy.Authorize(c, "os_compute_api:os-volumes-attachments:update", policy.Target{ProjectID: s.ProjectID})
	}
	if err != nil {
		return err
	}
	if !onlySwap {
		var del *bool
		if att.DeleteOnTermination.Set {
			// The update reads it with bool_from_string(strict=True).
			d, _ := boolValue(att.DeleteOnTermination.Value)
			del = &d
		}
		check := func(b novalite.BlockDeviceMapping) error {
			for _, f := range []struct {
				key  string
				sent Nullable[string]
				have string
			}{{"id", att.ID, old}, {"serverId", att.ServerID, s.ID}, {"device", att.Device, b.Device}, {"tag", att.Tag, b.Tag}} {
				if f.sent.Set && (f.sent.Null || f.sent.Value != f.have) {
					return novalite.Errorf(novalite.Invalid, "The %s property is not mutable", f.key)
				}
			}
			return nil
		}
		if err := a.svc.Compute.UpdateVolumeAttachment(r.Context(), c, compute.VolumeAttachmentUpdate{
			ServerID: s.ID, VolumeID: old, Check: check, DeleteOnTermination: del}); err != nil {
			return err
		}
		if att.VolumeID == old {
			w.WriteHeader(http.StatusAccepted)
			return nil
		}
	}
	// A swap: Nova takes it only from Cinder, for a volume being migrated
	// (bug 2112187), and no volume here ever is. As Nova's
	// _update_volume_swap, the volume in the path must exist (404); the
	// migration check comes next, before the new volume in the body is
	// looked up, so a new volume that does not exist is 409 too.
	if _, err := a.svc.Compute.ServerVolume(r.Context(), c, s.ID, old); err != nil && !novalite.IsKind(err, novalite.NotFound) {
		return err
	}
	if a.svc.Volumes != nil {
		if _, err := a.svc.Volumes.Get(r.Context(), c, old); err != nil {
			return err
		}
	}
	return novalite.Errorf(novalite.Conflict, "volume %s is not migrating; this API should only be called by Cinder", old)
}

// detachVolume is DELETE /servers/{id}/os-volume_attachments/{volume}.
func (a *API) detachVolume(w http.ResponseWriter, r *http.Request) error {
	s, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:delete")
	if err != nil {
		return err
	}
	if err := a.svc.Compute.DetachVolume(r.Context(), httpx.Caller(r.Context()),
		compute.VolumeDetachParams{ServerID: s.ID, VolumeID: r.PathValue("volume"), ShelvedOK: requestMV(r).AtLeast(2, 20)}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
