package apptest

import (
	"net/http"
)

// NewMember creates a project and a user of the same name holding the
// member role on it (through the Keystone API, as admin), and returns a
// token of that user on that project and the project id.
func (s *Server) NewMember(name string) (token, projectID string) {
	s.t.Helper()
	return s.NewWithRole(name, "member")
}

// NewWithRole is NewMember with another role (reader, manager, …).
func (s *Server) NewWithRole(name, role string) (token, projectID string) {
	s.t.Helper()
	admin := s.AdminToken()
	resp := s.Do(Request{Method: "POST", Path: "/identity/v3/projects", Token: admin,
		Body: map[string]any{"project": map[string]any{"name": name, "domain_id": "default"}}})
	if resp.Status != http.StatusCreated {
		s.t.Fatalf("create project %s: %d %s", name, resp.Status, resp.Body)
	}
	projectID = resp.JSON(s.t)["project"].(map[string]any)["id"].(string)
	const pw = "member-secret"
	resp = s.Do(Request{Method: "POST", Path: "/identity/v3/users", Token: admin,
		Body: map[string]any{"user": map[string]any{"name": name, "password": pw, "domain_id": "default"}}})
	if resp.Status != http.StatusCreated {
		s.t.Fatalf("create user %s: %d %s", name, resp.Status, resp.Body)
	}
	userID := resp.JSON(s.t)["user"].(map[string]any)["id"].(string)
	resp = s.Do(Request{Method: "GET", Path: "/identity/v3/roles?name=" + role, Token: admin})
	roleID := resp.JSON(s.t)["roles"].([]any)[0].(map[string]any)["id"].(string)
	resp = s.Do(Request{Method: "PUT", Path: "/identity/v3/projects/" + projectID + "/users/" + userID + "/roles/" + roleID, Token: admin})
	if resp.Status != http.StatusNoContent {
		s.t.Fatalf("grant %s to %s: %d %s", role, name, resp.Status, resp.Body)
	}
	return s.Token(name, pw, name), projectID
}
