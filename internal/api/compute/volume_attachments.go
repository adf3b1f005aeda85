package compute

import (
	"net/http"
	"slices"
	"sort"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// Volume attachments of a server (nova/api/openstack/compute/
// volume_attachments.py). With no block storage service no server has
// one: the list is empty, and a lookup of an attachment or a volume is
// Nova's 404 for it.

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

// listVolumeAttachments is GET /servers/{id}/os-volume_attachments.
func (a *API) listVolumeAttachments(w http.ResponseWriter, r *http.Request) error {
	if MV(r).AtLeast(2, 75) {
		var unknown []string
		for k := range r.URL.Query() {
			if !slices.Contains([]string{"limit", "offset"}, k) {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return novalite.Errorf(novalite.Invalid, "Additional properties are not allowed (%s %s unexpected)",
				quoteList(unknown), map[bool]string{true: "was", false: "were"}[len(unknown) == 1])
		}
	}
	for _, k := range []string{"limit", "offset"} {
		if _, err := nonNegativeParam(r, k); err != nil {
			return err
		}
	}
	if _, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:index"); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"volumeAttachments": []any{}})
	return nil
}

// showVolumeAttachment is GET /servers/{id}/os-volume_attachments/{volume}.
func (a *API) showVolumeAttachment(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:show"); err != nil {
		return err
	}
	return novalite.Errorf(novalite.NotFound, "Instance %s is not attached to volume %s",
		r.PathValue("id"), r.PathValue("volume"))
}

// attachVolume is POST /servers/{id}/os-volume_attachments.
func (a *API) attachVolume(w http.ResponseWriter, r *http.Request) error {
	mv := MV(r)
	body, err := decodeBody(r, schemaFor("volume-attach", mv, volumeAttachSchemaDoc))
	if err != nil {
		return err
	}
	s, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:create")
	if err != nil {
		return err
	}
	att, _ := body["volumeAttachment"].(map[string]any)
	volumeID, _ := att["volumeId"].(string)
	return a.svc.Compute.AttachVolume(r.Context(), httpx.Caller(r.Context()), compute.VolumeAttachParams{
		ServerID: s.ID, VolumeID: volumeID, ShelvedOK: mv.AtLeast(2, 20)})
}

// updateVolumeAttachment is PUT /servers/{id}/os-volume_attachments/{volume}:
// a swap to another volume (service or admin; the only meaning before
// 2.85), or from 2.85 an update of the attachment itself.
func (a *API) updateVolumeAttachment(w http.ResponseWriter, r *http.Request) error {
	mv := MV(r)
	body, err := decodeBody(r, schemaFor("volume-attachment-update", mv, volumeUpdateSchemaDoc))
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	s, err := a.svc.Compute.GetServer(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	old := r.PathValue("volume")
	att, _ := body["volumeAttachment"].(map[string]any)
	onlySwap := !mv.AtLeast(2, 85)
	if onlySwap || att["volumeId"] != old {
		err = policy.Authorize(c, "os_compute_api:os-volumes-attachments:swap", policy.Target{})
	} else {
		err = policy.Authorize(c, "os_compute_api:os-volumes-attachments:update", policy.Target{ProjectID: s.ProjectID})
	}
	if err != nil {
		return err
	}
	if onlySwap {
		return compute.VolumeNotFound(old)
	}
	// From 2.85 the attachment is looked up first, whatever the request.
	return novalite.Errorf(novalite.NotFound, "No volume Block Device Mapping with id %s.", old)
}

// detachVolume is DELETE /servers/{id}/os-volume_attachments/{volume}.
func (a *API) detachVolume(w http.ResponseWriter, r *http.Request) error {
	s, err := a.interfaceServer(r, "os_compute_api:os-volumes-attachments:delete")
	if err != nil {
		return err
	}
	return a.svc.Compute.DetachVolume(r.Context(), httpx.Caller(r.Context()), s.ID, r.PathValue("volume"),
		MV(r).AtLeast(2, 20))
}
