package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"novalite"
	"novalite/internal/store"
)

// The default roles, in Keystone's implication order: each implies the next.
var defaultRoles = []string{"admin", "manager", "member", "reader"}

// BootstrapParams are the passwords of the first users.
type BootstrapParams struct {
	AdminPassword, DemoPassword, AltPassword string
}

// BootstrapResult tells what bootstrap found or made.
type BootstrapResult struct {
	Created                                 bool // false: everything existed already
	AdminProjectID, DemoProject, AltProject string
}

// Bootstrap creates, if absent, the default domain, the projects admin,
// demo and alt_demo, the default roles with their implications, user admin
// (admin on admin), user demo (member on demo) and user alt_demo (member
// on alt_demo: the second project of the clients' suites, as on DevStack).
// What exists is left untouched.
func (s *Service) Bootstrap(ctx context.Context, p BootstrapParams) (BootstrapResult, error) {
	var res BootstrapResult
	hashes, err := s.bootstrapHashes(ctx, map[string]string{"admin": p.AdminPassword,
		"demo": p.DemoPassword, "alt_demo": p.AltPassword})
	if err != nil {
		return res, err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.DomainGet(ctx, defaultDomainID); novalite.IsKind(err, novalite.NotFound) {
			res.Created = true
			if err := tx.DomainInsert(ctx, novalite.Domain{ID: defaultDomainID, Name: "Default",
				Description: "The default domain", Enabled: true}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		roles := map[string]string{}
		for i, name := range defaultRoles {
			id, err := s.ensureRole(ctx, tx, name)
			if err != nil {
				return err
			}
			roles[name] = id
			if i > 0 {
				if err := ensureImplied(ctx, tx, roles[defaultRoles[i-1]], id); err != nil {
					return err
				}
			}
		}
		var err error
		if res.AdminProjectID, err = s.ensureMember(ctx, tx, "admin", hashes["admin"], roles["admin"]); err != nil {
			return err
		}
		if res.DemoProject, err = s.ensureMember(ctx, tx, "demo", hashes["demo"], roles["member"]); err != nil {
			return err
		}
		res.AltProject, err = s.ensureMember(ctx, tx, "alt_demo", hashes["alt_demo"], roles["member"])
		return err
	})
	return res, err
}

func (s *Service) ensureRole(ctx context.Context, tx *store.Tx, name string) (string, error) {
	r, err := tx.RoleGetByName(ctx, name)
	if novalite.IsKind(err, novalite.NotFound) {
		r = novalite.Role{ID: newID(), Name: name}
		err = tx.RoleInsert(ctx, r)
	}
	return r.ID, err
}

func ensureImplied(ctx context.Context, tx *store.Tx, prior, implied string) error {
	if ok, err := implies(ctx, tx, prior, implied); ok || err != nil {
		return err
	}
	return tx.ImpliedRoleInsert(ctx, prior, implied)
}

// implies reports whether the role prior implies implied.
func implies(ctx context.Context, tx *store.Tx, prior, implied string) (bool, error) {
	m, err := tx.ImpliedRoleList(ctx)
	return slices.Contains(m[prior], implied), err
}

// bootstrapHashes hashes the passwords of the bootstrap users that do not
// exist yet, side by side: bcrypt is most of a fresh start's time, and a
// second start spends none on it. A user found is left out.
func (s *Service) bootstrapHashes(ctx context.Context, passwords map[string]string) (map[string]string, error) {
	missing := map[string]string{}
	err := s.view(ctx, func(tx *store.Tx) error {
		for name, pw := range passwords {
			_, err := tx.UserGetByName(ctx, defaultDomainID, name)
			if novalite.IsKind(err, novalite.NotFound) {
				missing[name] = pw
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	hashes := make(map[string]string, len(missing))
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	for name, pw := range missing {
		wg.Go(func() {
			h, err := s.hashPassword(pw)
			mu.Lock()
			defer mu.Unlock()
			hashes[name] = h
			errs = append(errs, err)
		})
	}
	wg.Wait()
	return hashes, errors.Join(errs...)
}

// ensureMember makes project name and user name (with the password hash
// given) with role on it; it returns the project id. An existing user is
// left as it is.
func (s *Service) ensureMember(ctx context.Context, tx *store.Tx, name, hash, roleID string) (string, error) {
	p, err := tx.ProjectGetByName(ctx, defaultDomainID, name)
	if novalite.IsKind(err, novalite.NotFound) {
		p = novalite.Project{ID: newID(), Name: name, DomainID: defaultDomainID,
			Description: "Bootstrap project " + name, Enabled: true}
		err = tx.ProjectInsert(ctx, p)
	}
	if err != nil {
		return "", err
	}
	u, err := tx.UserGetByName(ctx, defaultDomainID, name)
	if novalite.IsKind(err, novalite.NotFound) {
		if hash == "" { // deleted since bootstrapHashes found it
			return "", fmt.Errorf("bootstrap: user %s was deleted while bootstrapping", name)
		}
		u = novalite.User{ID: newID(), Name: name, DomainID: defaultDomainID, PasswordHash: hash,
			Enabled: true, DefaultProjectID: p.ID, CreatedAt: s.now()}
		err = tx.UserInsert(ctx, u)
	}
	if err != nil {
		return "", err
	}
	return p.ID, tx.RoleAssignmentInsert(ctx, novalite.RoleAssignment{UserID: u.ID,
		TargetType: "project", TargetID: p.ID, RoleID: roleID})
}
