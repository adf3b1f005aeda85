package image

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/image"
)

// memberView is Glance's image member (ResponseSerializer._format_image_member).
func memberView(m novalite.ImageMember) map[string]any {
	return map[string]any{"member_id": m.MemberID, "image_id": m.ImageID, "status": m.Status,
		"created_at": isoTime(m.CreatedAt), "updated_at": isoTime(m.UpdatedAt), "schema": "/v2/schemas/member"}
}

// memberBody reads a member call's body: a JSON object (Glance's
// RequestDeserializer answers a missing body and a non-object with their
// own 400s); wrongShape is the latter's text.
func memberBody(r *http.Request, wrongShape string) (map[string]any, error) {
	var raw any
	null, err := httpx.ReadBody(r, &raw, "Malformed JSON in request body.")
	if err != nil {
		return nil, err
	}
	if null {
		return nil, invalid("Body expected in request.")
	}
	body, ok := raw.(map[string]any)
	if !ok {
		return nil, invalid("%s", wrongShape)
	}
	return body, nil
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request) error {
	body, err := memberBody(r, `Expected a member in the form: {"member": "image_id"}`)
	if err != nil {
		return err
	}
	v, ok := body["member"]
	if !ok {
		return invalid("Member to be added not specified")
	}
	member, ok := v.(string)
	switch {
	case v == nil || (ok && member == ""):
		return invalid("Member can't be empty")
	case !ok:
		return invalid(`Expected a member in the form: {"member": "image_id"}`)
	}
	m, err := a.svc.AddMember(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), member)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, memberView(m))
	return nil
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request) error {
	ms, err := a.svc.Members(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	views := make([]map[string]any, len(ms))
	for i, m := range ms {
		views[i] = memberView(m)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"members": views, "schema": "/v2/schemas/members"})
	return nil
}

func (a *API) showMember(w http.ResponseWriter, r *http.Request) error {
	m, err := a.svc.Member(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.PathValue("member"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, memberView(m))
	return nil
}

func (a *API) updateMember(w http.ResponseWriter, r *http.Request) error {
	body, err := memberBody(r, `Expected a status in the form: {"status": "status"}`)
	if err != nil {
		return err
	}
	status, ok := body["status"]
	if !ok {
		return invalid("Status not specified")
	}
	m, err := a.svc.SetMemberStatus(r.Context(), httpx.Caller(r.Context()),
		image.MemberAnswer{ImageID: r.PathValue("id"), Member: r.PathValue("member"), Status: status})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, memberView(m))
	return nil
}

func (a *API) deleteMember(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.RemoveMember(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"), r.PathValue("member")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
