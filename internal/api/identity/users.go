package identity

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/identity"
	"novalite/internal/policy"
)

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:list_users", policy.Target{}); err != nil {
		return err
	}
	us, err := a.svc.Users(r.Context(), novalite.UserFilter{Names: nameFilters(r),
		DomainID: optional(r, "domain_id"), Enabled: optionalBool(r, "enabled")})
	if err != nil {
		return err
	}
	return writeList(a, w, r, "users", us, a.userView)
}

func (a *API) showUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := authorize(r, "identity:get_user", policy.Target{UserID: id}); err != nil {
		return err
	}
	u, err := a.svc.User(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"user": a.userView(r, u)})
	return nil
}

type userBody struct {
	User *struct {
		Name             *string `json:"name"`
		DomainID         *string `json:"domain_id"`
		Password         *string `json:"password"`
		Enabled          *bool   `json:"enabled"`
		Email            *string `json:"email"`
		Description      *string `json:"description"`
		DefaultProjectID *string `json:"default_project_id"`
	} `json:"user"`
}

// userAttrs are the attributes of a user that are not extra.
var userAttrs = []string{"name", "domain_id", "password", "enabled", "email", "description",
	"default_project_id", "password_expires_at", "federated"}

func applyUser(u *novalite.User, b userBody, extra map[string]any) {
	mergeExtra(&u.Extra, extra)
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&u.Name, b.User.Name)
	set(&u.Email, b.User.Email)
	set(&u.Description, b.User.Description)
	set(&u.DefaultProjectID, b.User.DefaultProjectID)
	if b.User.Enabled != nil {
		u.Enabled = *b.User.Enabled
	}
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:create_user", policy.Target{}); err != nil {
		return err
	}
	var b userBody
	extra, err := readEntity(r, &b, "user", userCreate, userAttrs...)
	if err != nil {
		return err
	}
	if b.User.Name == nil || *b.User.Name == "" {
		return required("name")
	}
	u := novalite.User{Enabled: true}
	applyUser(&u, b, extra)
	if b.User.DomainID != nil {
		u.DomainID = *b.User.DomainID
	}
	pw := ""
	if b.User.Password != nil {
		pw = *b.User.Password
	}
	u, err = a.svc.CreateUser(r.Context(), u, pw)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"user": a.userView(r, u)})
	return nil
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "identity:update_user", policy.Target{}); err != nil {
		return err
	}
	var b userBody
	extra, err := readEntity(r, &b, "user", userUpdate, userAttrs...)
	if err != nil {
		return err
	}
	u, err := a.svc.UpdateUser(r.Context(), r.PathValue("id"), b.User.Password, func(u *novalite.User) { applyUser(u, b, extra) })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"user": a.userView(r, u)})
	return nil
}

func (a *API) deleteUser(w http.ResponseWriter, r *http.Request) error {
	return deleteByID(w, r, "identity:delete_user", a.svc.DeleteUser)
}

func (a *API) listUserProjects(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := authorize(r, "identity:list_user_projects", policy.Target{UserID: id}); err != nil {
		return err
	}
	if _, err := a.svc.User(r.Context(), id); err != nil {
		return err
	}
	ps, err := a.svc.UserProjects(r.Context(), id)
	if err != nil {
		return err
	}
	return writeList(a, w, r, "projects", ps, a.projectView)
}

// listUserGroups answers with no groups: novalite has no groups.
func (a *API) listUserGroups(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := authorize(r, "identity:get_user", policy.Target{UserID: id}); err != nil {
		return err
	}
	if _, err := a.svc.User(r.Context(), id); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"groups": []any{}, "links": a.listLinks(r)})
	return nil
}

// changePassword lets users change their own password given the old one.
// As in Keystone it needs no token (so that an expired password can be
// changed): the original password is the credential.
func (a *API) changePassword(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var b struct {
		User *struct {
			Password         string `json:"password"`
			OriginalPassword string `json:"original_password"`
		} `json:"user"`
	}
	if _, err := readEntity(r, &b, "user", passwordChange); err != nil {
		return err
	}
	if _, err := a.svc.Authenticate(r.Context(), identity.AuthRequest{Methods: []string{"password"},
		UserID: id, Password: b.User.OriginalPassword, Unscoped: true}); err != nil {
		return err
	}
	pw := b.User.Password
	if _, err := a.svc.UpdateUser(r.Context(), id, &pw, func(*novalite.User) {}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
