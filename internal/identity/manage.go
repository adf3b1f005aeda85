package identity

import (
	"context"

	"novalite"
	"novalite/internal/store"
)

// The management calls below check nothing of policy: the API layer
// authorizes before calling them. They return Keystone's messages.

func conflict(kind, field, value string) error {
	return novalite.Errorf(novalite.Conflict, "Conflict occurred attempting to store %s - Duplicate entry found with %s %s.", kind, field, value)
}

// missing is Keystone's 404 for the kind of entity id, when err is a
// NotFound; else err.
func missing(err error, kind, id string) error {
	if novalite.IsKind(err, novalite.NotFound) {
		return notFound("Could not find %s: %s.", kind, id)
	}
	return err
}

// nameTaken is Keystone's 409 for an entity of kind whose name is taken,
// when err is a Conflict; else err.
func nameTaken(err error, kind, name string) error {
	if novalite.IsKind(err, novalite.Conflict) {
		return conflict(kind, "name", name)
	}
	return err
}

// Domains lists domains.
func (s *Service) Domains(ctx context.Context, f novalite.DomainFilter) (ds []novalite.Domain, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { ds, err = tx.DomainList(ctx, f); return err })
	return ds, err
}

// Domain returns a domain.
func (s *Service) Domain(ctx context.Context, id string) (d novalite.Domain, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { d, err = tx.DomainGet(ctx, id); return err })
	err = missing(err, "domain", id)
	return d, err
}

// CreateDomain adds a domain with a new id.
func (s *Service) CreateDomain(ctx context.Context, d novalite.Domain) (novalite.Domain, error) {
	d.ID = newID()
	err := s.db.Tx(ctx, func(tx *store.Tx) error { return tx.DomainInsert(ctx, d) })
	if novalite.IsKind(err, novalite.Conflict) {
		err = conflict("domain", "name", d.Name)
	}
	return d, err
}

// UpdateDomain applies update to a domain and stores it. The default
// domain cannot be disabled.
func (s *Service) UpdateDomain(ctx context.Context, id string, update func(*novalite.Domain)) (d novalite.Domain, err error) {
	err = s.change(ctx, func(tx *store.Tx) error {
		if d, err = tx.DomainGet(ctx, id); err != nil {
			return err
		}
		was := d.Enabled
		update(&d)
		if d.ID == defaultDomainID && !d.Enabled {
			return novalite.Errorf(novalite.Forbidden, "You are not authorized to perform the requested action: Cannot disable the default domain.")
		}
		if was && !d.Enabled {
			// Enabling it again does not bring these tokens back.
			if err := s.revoke(ctx, tx, store.RevocationEvent{DomainID: id}); err != nil {
				return err
			}
		}
		return tx.DomainUpdate(ctx, d)
	})
	err = nameTaken(missing(err, "domain", id), "domain", d.Name)
	return d, err
}

// DeleteDomain removes a disabled domain and everything in it.
func (s *Service) DeleteDomain(ctx context.Context, id string) error {
	err := s.change(ctx, func(tx *store.Tx) error {
		d, err := tx.DomainGet(ctx, id)
		if err != nil {
			return err
		}
		if d.Enabled {
			return novalite.Errorf(novalite.Forbidden, "You are not authorized to perform the requested action: Cannot delete a domain that is enabled, please disable it first.")
		}
		if err := s.revoke(ctx, tx, store.RevocationEvent{DomainID: id}); err != nil {
			return err
		}
		return tx.DomainDelete(ctx, id)
	})
	if novalite.IsKind(err, novalite.NotFound) && novalite.MessageOf(err) == "" {
		err = notFound("Could not find domain: %s.", id)
	}
	return err
}

// Projects lists projects.
func (s *Service) Projects(ctx context.Context, f novalite.ProjectFilter) (ps []novalite.Project, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { ps, err = tx.ProjectList(ctx, f); return err })
	return ps, err
}

// Project returns a project.
func (s *Service) Project(ctx context.Context, id string) (p novalite.Project, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { p, err = tx.ProjectGet(ctx, id); return err })
	err = missing(err, "project", id)
	return p, err
}

// CreateProject adds a project with a new id. Projects are flat: a
// parent, when given, must be the project's domain (Keystone keeps
// domains as projects, so it is the parent of the domain's top projects);
// without a domain_id the parent domain is the project's domain.
func (s *Service) CreateProject(ctx context.Context, p novalite.Project, parentID string) (novalite.Project, error) {
	p.ID = newID()
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if p.DomainID == "" && parentID != "" {
			if _, err := tx.DomainGet(ctx, parentID); err == nil {
				p.DomainID = parentID
			}
		}
		if p.DomainID == "" {
			p.DomainID = defaultDomainID
		}
		if parentID != "" && parentID != p.DomainID {
			return badParent(ctx, tx, p.DomainID, parentID)
		}
		if _, err := tx.DomainGet(ctx, p.DomainID); err != nil {
			return wrapNotFound(err, "Could not find domain: %s.", p.DomainID)
		}
		return tx.ProjectInsert(ctx, p)
	})
	if novalite.IsKind(err, novalite.Conflict) && novalite.MessageOf(err) == "" {
		err = conflict("project", "name", p.Name)
	}
	return p, err
}

// badParent says what is wrong with a parent other than the project's
// domain, as Keystone's checks would.
func badParent(ctx context.Context, tx *store.Tx, domainID, parentID string) error {
	if _, err := tx.ProjectGet(ctx, parentID); err == nil {
		return novalite.Errorf(novalite.NotImplemented, "Project hierarchies are not supported by novalite.")
	} else if !novalite.IsKind(err, novalite.NotFound) {
		return err
	}
	if _, err := tx.DomainGet(ctx, parentID); err == nil {
		return invalid("Cannot create project, since it specifies its domain_id %s, but specifies a parent in a different domain (%s).", domainID, parentID)
	} else if !novalite.IsKind(err, novalite.NotFound) {
		return err
	}
	return notFound("Could not find project: %s.", parentID)
}

// UpdateProject applies update to a project and stores it.
func (s *Service) UpdateProject(ctx context.Context, id string, update func(*novalite.Project)) (p novalite.Project, err error) {
	err = s.change(ctx, func(tx *store.Tx) error {
		if p, err = tx.ProjectGet(ctx, id); err != nil {
			return err
		}
		was := p.Enabled
		update(&p)
		if was && !p.Enabled {
			// Enabling it again does not bring these tokens back.
			if err := s.revoke(ctx, tx, store.RevocationEvent{ProjectID: id}); err != nil {
				return err
			}
		}
		return tx.ProjectUpdate(ctx, p)
	})
	err = nameTaken(missing(err, "project", id), "project", p.Name)
	return p, err
}

// DeleteProject removes a project.
func (s *Service) DeleteProject(ctx context.Context, id string) error {
	err := s.change(ctx, func(tx *store.Tx) error {
		if err := tx.ProjectDelete(ctx, id); err != nil {
			return err
		}
		return s.revoke(ctx, tx, store.RevocationEvent{ProjectID: id})
	})
	err = missing(err, "project", id)
	return err
}

// Users lists users.
func (s *Service) Users(ctx context.Context, f novalite.UserFilter) (us []novalite.User, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { us, err = tx.UserList(ctx, f); return err })
	return us, err
}

// User returns a user.
func (s *Service) User(ctx context.Context, id string) (u novalite.User, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { u, err = tx.UserGet(ctx, id); return err })
	err = missing(err, "user", id)
	return u, err
}

// CreateUser adds a user with a new id; password is hashed here.
func (s *Service) CreateUser(ctx context.Context, u novalite.User, password string) (novalite.User, error) {
	if u.DomainID == "" {
		u.DomainID = defaultDomainID
	}
	u.ID, u.CreatedAt = newID(), s.now()
	if password != "" {
		h, err := s.hashPassword(password)
		if err != nil {
			return u, invalid("Invalid password: %v", err)
		}
		u.PasswordHash = h
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.DomainGet(ctx, u.DomainID); err != nil {
			if novalite.IsKind(err, novalite.NotFound) {
				return notFound("Could not find domain: %s.", u.DomainID)
			}
			return err
		}
		return tx.UserInsert(ctx, u)
	})
	if novalite.IsKind(err, novalite.Conflict) && novalite.MessageOf(err) == "" {
		err = conflict("user", "name", u.Name)
	}
	return u, err
}

// UpdateUser applies update to a user (password, when non-nil, replaces
// the hash) and stores it.
func (s *Service) UpdateUser(ctx context.Context, id string, password *string, update func(*novalite.User)) (u novalite.User, err error) {
	var hash string
	if password != nil {
		if hash, err = s.hashPassword(*password); err != nil {
			return u, invalid("Invalid password: %v", err)
		}
	}
	err = s.change(ctx, func(tx *store.Tx) error {
		if u, err = tx.UserGet(ctx, id); err != nil {
			return err
		}
		was := u.Enabled
		update(&u)
		if password != nil {
			u.PasswordHash = hash
		}
		// A new password or disabling ends the user's tokens, as in
		// Keystone; enabling the user again does not bring them back.
		if password != nil || was && !u.Enabled {
			if err := s.revoke(ctx, tx, store.RevocationEvent{UserID: id}); err != nil {
				return err
			}
		}
		return tx.UserUpdate(ctx, u)
	})
	err = nameTaken(missing(err, "user", id), "user", u.Name)
	return u, err
}

// DeleteUser removes a user; its tokens stop validating.
func (s *Service) DeleteUser(ctx context.Context, id string) error {
	err := s.change(ctx, func(tx *store.Tx) error {
		if err := tx.UserDelete(ctx, id); err != nil {
			return err
		}
		return s.revoke(ctx, tx, store.RevocationEvent{UserID: id})
	})
	err = missing(err, "user", id)
	return err
}

// Roles lists roles.
func (s *Service) Roles(ctx context.Context, f novalite.RoleFilter) (rs []novalite.Role, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { rs, err = tx.RoleList(ctx, f); return err })
	return rs, err
}

// Role returns a role.
func (s *Service) Role(ctx context.Context, id string) (r novalite.Role, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { r, err = tx.RoleGet(ctx, id); return err })
	err = missing(err, "role", id)
	return r, err
}

// CreateRole adds a role with a new id.
func (s *Service) CreateRole(ctx context.Context, r novalite.Role) (novalite.Role, error) {
	r.ID = newID()
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if r.DomainID != "" {
			if _, err := tx.DomainGet(ctx, r.DomainID); err != nil {
				return wrapNotFound(err, "Could not find domain: %s.", r.DomainID)
			}
		}
		return tx.RoleInsert(ctx, r)
	})
	if novalite.IsKind(err, novalite.Conflict) {
		err = conflict("role", "name", r.Name)
	}
	return r, err
}

// ImpliedRole reports whether prior implies implied; NotFound otherwise.
func (s *Service) ImpliedRole(ctx context.Context, prior, implied string) error {
	return s.view(ctx, func(tx *store.Tx) error {
		if err := checkRoles(ctx, tx, prior, implied); err != nil {
			return err
		}
		if ok, err := implies(ctx, tx, prior, implied); ok || err != nil {
			return err
		}
		return notFound("%s does not imply %s.", prior, implied)
	})
}

// CreateImpliedRole records that prior implies implied (again is no error).
func (s *Service) CreateImpliedRole(ctx context.Context, prior, implied string) error {
	err := s.change(ctx, func(tx *store.Tx) error {
		if err := checkRoles(ctx, tx, prior, implied); err != nil {
			return err
		}
		return ensureImplied(ctx, tx, prior, implied)
	})
	return err
}

// DeleteImpliedRole removes an implication; NotFound if there is none.
func (s *Service) DeleteImpliedRole(ctx context.Context, prior, implied string) error {
	err := s.change(ctx, func(tx *store.Tx) error {
		if err := checkRoles(ctx, tx, prior, implied); err != nil {
			return err
		}
		return wrapNotFound(tx.ImpliedRoleDelete(ctx, prior, implied), "%s does not imply %s.", prior, implied)
	})
	return err
}

func checkRoles(ctx context.Context, tx *store.Tx, ids ...string) error {
	for _, id := range ids {
		if _, err := tx.RoleGet(ctx, id); err != nil {
			return wrapNotFound(err, "Could not find role: %s.", id)
		}
	}
	return nil
}

// UpdateRole applies update to a role and stores it.
func (s *Service) UpdateRole(ctx context.Context, id string, update func(*novalite.Role)) (r novalite.Role, err error) {
	err = s.change(ctx, func(tx *store.Tx) error {
		if r, err = tx.RoleGet(ctx, id); err != nil {
			return err
		}
		update(&r)
		return tx.RoleUpdate(ctx, r)
	})
	err = nameTaken(missing(err, "role", id), "role", r.Name)
	return r, err
}

// DeleteRole removes a role and its assignments.
func (s *Service) DeleteRole(ctx context.Context, id string) error {
	err := s.change(ctx, func(tx *store.Tx) error { return tx.RoleDelete(ctx, id) })
	err = missing(err, "role", id)
	return err
}

// Grant gives user a role on a project or a domain.
func (s *Service) Grant(ctx context.Context, a novalite.RoleAssignment) error {
	err := s.change(ctx, func(tx *store.Tx) error {
		if err := s.checkAssignment(ctx, tx, a); err != nil {
			return err
		}
		return tx.RoleAssignmentInsert(ctx, a)
	})
	return err
}

// Revoke takes a role away; NotFound if it was not granted.
func (s *Service) RevokeRole(ctx context.Context, a novalite.RoleAssignment) error {
	err := s.change(ctx, func(tx *store.Tx) error {
		if err := s.checkAssignment(ctx, tx, a); err != nil {
			return err
		}
		if err := tx.RoleAssignmentDelete(ctx, a); err != nil {
			return err
		}
		// Keystone's revoke_by_grant: the user's tokens on the target
		// that carry the role. Roles are read afresh at each validation,
		// so this matters once the role is granted again.
		e := store.RevocationEvent{UserID: a.UserID, RoleID: a.RoleID, ProjectID: a.TargetID}
		if a.TargetType == "domain" {
			e.ProjectID, e.DomainID = "", a.TargetID
		}
		return s.revoke(ctx, tx, e)
	})
	if novalite.IsKind(err, novalite.NotFound) && novalite.MessageOf(err) == "" {
		err = notFound("Could not find role assignment with role: %s, user or group: %s, project, domain, or system: %s.", a.RoleID, a.UserID, a.TargetID)
	}
	return err
}

// HasRole reports whether user has role directly on a project or a domain.
func (s *Service) HasRole(ctx context.Context, a novalite.RoleAssignment) (bool, error) {
	var found bool
	err := s.view(ctx, func(tx *store.Tx) error {
		if err := s.checkAssignment(ctx, tx, a); err != nil {
			return err
		}
		as, err := tx.RoleAssignmentList(ctx, novalite.RoleAssignmentFilter{UserID: a.UserID,
			TargetType: a.TargetType, TargetID: a.TargetID, RoleID: a.RoleID})
		found = len(as) > 0
		return err
	})
	return found, err
}

func (s *Service) checkAssignment(ctx context.Context, tx *store.Tx, a novalite.RoleAssignment) error {
	if _, err := tx.UserGet(ctx, a.UserID); err != nil {
		return wrapNotFound(err, "Could not find user: %s.", a.UserID)
	}
	if _, err := tx.RoleGet(ctx, a.RoleID); err != nil {
		return wrapNotFound(err, "Could not find role: %s.", a.RoleID)
	}
	if a.TargetType == "domain" {
		_, err := tx.DomainGet(ctx, a.TargetID)
		return wrapNotFound(err, "Could not find domain: %s.", a.TargetID)
	}
	_, err := tx.ProjectGet(ctx, a.TargetID)
	return wrapNotFound(err, "Could not find project: %s.", a.TargetID)
}

func wrapNotFound(err error, format string, args ...any) error {
	if novalite.IsKind(err, novalite.NotFound) {
		return notFound(format, args...)
	}
	return err
}

// Assignments lists direct role assignments matching f.
func (s *Service) Assignments(ctx context.Context, f novalite.RoleAssignmentFilter) (as []novalite.RoleAssignment, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { as, err = tx.RoleAssignmentList(ctx, f); return err })
	return as, err
}

// EffectiveRoles returns user's roles on project, implied ones included.
func (s *Service) EffectiveRoles(ctx context.Context, userID, projectID string) (rs []novalite.Role, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { rs, err = effectiveRoles(ctx, tx, userID, projectID); return err })
	return rs, err
}

// ImpliedRoles returns every implication as prior → implied role ids.
func (s *Service) ImpliedRoles(ctx context.Context) (m map[string][]string, err error) {
	err = s.view(ctx, func(tx *store.Tx) error { m, err = tx.ImpliedRoleList(ctx); return err })
	return m, err
}

// UserProjects lists the enabled projects on which user has a role.
func (s *Service) UserProjects(ctx context.Context, userID string) (ps []novalite.Project, err error) {
	err = s.view(ctx, func(tx *store.Tx) error {
		as, err := tx.RoleAssignmentList(ctx, novalite.RoleAssignmentFilter{UserID: userID, TargetType: "project"})
		if err != nil {
			return err
		}
		ids := []string{}
		for _, a := range as {
			ids = append(ids, a.TargetID)
		}
		enabled := true
		ps, err = tx.ProjectList(ctx, novalite.ProjectFilter{IDs: ids, Enabled: &enabled})
		return err
	})
	return ps, err
}

// Names holds the names of the users, projects, roles and domains that a
// list of role assignments refers to.
type Names struct {
	Users    map[string]novalite.User
	Projects map[string]novalite.Project
	Roles    map[string]novalite.Role
	Domains  map[string]novalite.Domain
}

// AssignmentNames reads, in a few queries whatever the length of the
// list, what include_names shows of each assignment.
func (s *Service) AssignmentNames(ctx context.Context, as []novalite.RoleAssignment) (Names, error) {
	n := Names{Users: map[string]novalite.User{}, Projects: map[string]novalite.Project{},
		Roles: map[string]novalite.Role{}, Domains: map[string]novalite.Domain{}}
	users, projects, roles := set{}, set{}, set{}
	for _, a := range as {
		users.add(a.UserID)
		roles.add(a.RoleID)
		if a.TargetType == "project" {
			projects.add(a.TargetID)
		}
	}
	err := s.view(ctx, func(tx *store.Tx) error {
		us, err := tx.UserList(ctx, novalite.UserFilter{IDs: users.list()})
		if err != nil {
			return err
		}
		for _, u := range us {
			n.Users[u.ID] = u
		}
		ps, err := tx.ProjectList(ctx, novalite.ProjectFilter{IDs: projects.list()})
		if err != nil {
			return err
		}
		for _, p := range ps {
			n.Projects[p.ID] = p
		}
		rs, err := tx.RoleList(ctx, novalite.RoleFilter{IDs: roles.list()})
		if err != nil {
			return err
		}
		for _, r := range rs {
			n.Roles[r.ID] = r
		}
		ds, err := tx.DomainList(ctx, novalite.DomainFilter{})
		for _, d := range ds {
			n.Domains[d.ID] = d
		}
		return err
	})
	return n, err
}

type set map[string]bool

func (s set) add(id string) { s[id] = true }

func (s set) list() []string {
	out := make([]string, 0, len(s))
	for id := range s {
		out = append(out, id)
	}
	return out
}
