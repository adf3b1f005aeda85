package volume

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

var createAttachmentSchema = mustSchema("attachment-create", obj{"type": "object", "required": []any{"attachment"},
	"properties": obj{"attachment": obj{"type": "object", "required": []any{"volume_uuid"}, "properties": obj{
		"instance_uuid": obj{"type": []any{"string", "null"}, "format": "uuid"}, "volume_uuid": pUUID,
		"connector": obj{"type": []any{"object", "null"}}, "mode": obj{"type": "string", "enum": []any{"rw", "ro"}}},
		"additionalProperties": false}}, "additionalProperties": false})

var updateAttachmentSchema = mustSchema("attachment-update", obj{"type": "object", "required": []any{"attachment"},
	"properties": obj{"attachment": obj{"type": "object", "required": []any{"connector"}, "properties": obj{
		"connector": obj{"type": "object"}}, "additionalProperties": false}}, "additionalProperties": false})

// since answers Cinder's 404 for a method newer than the request's
// microversion.
func since(r *http.Request, major, minor int) error {
	if !requestMV(r).AtLeast(major, minor) {
		return novalite.Errorf(novalite.NotFound, "API version %s is not supported on this method.", requestMV(r))
	}
	return nil
}

// listAttachments is GET /v3/attachments and /v3/attachments/detail.
func (a *API) listAttachments(detail bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := since(r, 3, 27); err != nil {
			return err
		}
		if err := authorize(r, "volume:attachment_get_all", ""); err != nil {
			return err
		}
		q := r.URL.Query()
		all, _ := asBool(q.Get("all_tenants"))
		c := httpx.Caller(r.Context())
		as, err := a.svc.Attachments(r.Context(), c,
			volume.AttachmentFilter{All: all, VolumeID: q.Get("volume_id"), InstanceUUID: q.Get("instance_id")})
		if err != nil {
			return err
		}
		out := make([]any, 0, len(as))
		for _, at := range as {
			if s := q.Get("status"); s != "" && at.Status != s {
				continue
			}
			var v novalite.Volume
			if detail {
				if v, err = a.svc.Get(r.Context(), c, at.VolumeID); err != nil {
					return err
				}
			}
			out = append(out, a.attachmentView(at, v, detail))
		}
		httpx.WriteJSON(w, http.StatusOK, obj{"attachments": out})
		return nil
	}
}

// createAttachment is POST /v3/attachments (3.27): it reserves the
// volume for the server, and with a connector starts attaching it.
func (a *API) createAttachment(w http.ResponseWriter, r *http.Request) error {
	if err := since(r, 3, 27); err != nil {
		return err
	}
	body, err := decode(r, createAttachmentSchema)
	if err != nil {
		return err
	}
	ab, _ := body["attachment"].(map[string]any)
	c := httpx.Caller(r.Context())
	v, err := a.svc.Get(r.Context(), c, str(ab, "volume_uuid"))
	if err != nil {
		return err
	}
	if err := authorize(r, "volume:attachment_create", v.ProjectID); err != nil {
		return err
	}
	p := volume.AttachmentParams{VolumeID: v.ID, InstanceUUID: str(ab, "instance_uuid")}
	if conn, ok := ab["connector"].(map[string]any); ok {
		p.Connector = conn
	}
	if m := str(ab, "mode"); m != "" {
		if err := since(r, 3, 54); err != nil {
			return novalite.Errorf(novalite.Invalid, "Invalid input received: mode requires microversion 3.54 or later.")
		}
		p.Mode = m
	}
	at, v, err := a.svc.CreateAttachment(r.Context(), c, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"attachment": a.attachmentView(at, v, true)})
	return nil
}

func (a *API) getAttachment(r *http.Request, rule string) (novalite.VolumeAttachment, novalite.Volume, error) {
	if err := since(r, 3, 27); err != nil {
		return novalite.VolumeAttachment{}, novalite.Volume{}, err
	}
	at, v, err := a.svc.Attachment(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return at, v, err
	}
	return at, v, authorize(r, rule, v.ProjectID)
}

// showAttachment is GET /v3/attachments/{id}.
func (a *API) showAttachment(w http.ResponseWriter, r *http.Request) error {
	at, v, err := a.getAttachment(r, "volume:attachment_get")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"attachment": a.attachmentView(at, v, true)})
	return nil
}

// updateAttachment is PUT /v3/attachments/{id}: the host's connector.
func (a *API) updateAttachment(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := a.getAttachment(r, "volume:attachment_update"); err != nil {
		return err
	}
	body, err := decode(r, updateAttachmentSchema)
	if err != nil {
		return err
	}
	ab, _ := body["attachment"].(map[string]any)
	conn, _ := ab["connector"].(map[string]any)
	at, v, err := a.svc.UpdateAttachment(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), conn)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"attachment": a.attachmentView(at, v, true)})
	return nil
}

// deleteAttachment is DELETE /v3/attachments/{id}: it answers with the
// volume's remaining attachments.
func (a *API) deleteAttachment(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := a.getAttachment(r, "volume:attachment_delete"); err != nil {
		return err
	}
	rest, err := a.svc.DeleteAttachment(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]any, 0, len(rest))
	for _, at := range rest {
		out = append(out, a.attachmentView(at, novalite.Volume{}, false))
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"attachments": out})
	return nil
}

// attachmentAction is POST /v3/attachments/{id}/action: os-complete
// (3.44) marks the attachment attached.
func (a *API) attachmentAction(w http.ResponseWriter, r *http.Request) error {
	if err := since(r, 3, 44); err != nil {
		return err
	}
	var body map[string]any
	if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
		return err
	}
	if _, ok := body["os-complete"]; !ok || len(body) != 1 {
		return novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	if _, _, err := a.getAttachment(r, "volume:attachment_complete"); err != nil {
		return err
	}
	if err := a.svc.CompleteAttachment(r.Context(), httpx.Caller(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
