package identity

import (
	"context"
	"slices"
	"time"

	"novalite"
	"novalite/internal/store"
)

// cached is a validated token, good while the identity epoch it was
// validated at is current and the token has not expired.
type cached struct {
	caller *novalite.Caller
	epoch  int64
}

// maxCached bounds the validation cache; past it the cache starts over.
const maxCached = 100_000

// Validate returns the caller a token stands for; Unauthorized if the
// token is invalid, expired or revoked.
//
// Validations are cached by token, but every call first reads the
// identity epoch, a counter that each revocation, identity change and key
// rotation increments in its own transaction. A cached validation is used
// only while the epoch it was made at is current, so a change made
// through any replica is seen by the very next request on every replica,
// at the price of one single-row read per request — the same statement
// that tells the server view cache what changed (store.DB.SyncChanges).
func (s *Service) Validate(ctx context.Context, tok string) (*novalite.Caller, error) {
	epoch, err := s.sync(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	e, ok := s.cache[tok]
	s.mu.Unlock()
	if ok && e.epoch == epoch && s.now().Before(e.caller.ExpiresAt) {
		return e.caller, nil
	}
	c, err := s.validate(ctx, tok)
	if err != nil {
		if novalite.IsKind(err, novalite.NotFound) {
			return nil, unauthorized()
		}
		return nil, err
	}
	s.mu.Lock()
	if len(s.cache) >= maxCached {
		clear(s.cache)
	}
	s.cache[tok] = cached{caller: c, epoch: epoch}
	s.mu.Unlock()
	return c, nil
}

// RequestContext returns ctx for one request: the read of the identity
// epoch that validates its token also tells the server view cache what
// changed, and serves it for the rest of the request until the request
// writes (store.WithReadPoint).
func (s *Service) RequestContext(ctx context.Context) context.Context {
	return store.WithReadPoint(ctx)
}

// ValidateSubject validates a token read from X-Subject-Token, bypassing
// the cache: NotFound ("Could not recognize Fernet token") when invalid.
func (s *Service) ValidateSubject(ctx context.Context, tok string) (*novalite.Caller, error) {
	if _, err := s.sync(ctx); err != nil {
		return nil, err
	}
	return s.validate(ctx, tok)
}

// sync makes the identity epoch current (a read that began after the
// call, or within the request, store.DB.SyncChanges) and returns it.
func (s *Service) sync(ctx context.Context) (int64, error) {
	if err := s.db.SyncChanges(ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch, nil
}

// onChanges hears each read of the epoch (store.DB.OnChanges): when it
// moved, the cached validations and the keyring are dropped.
func (s *Service) onChanges(_ uint64, ch store.Changes) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch.IdentityEpoch != s.epoch {
		s.epoch = ch.IdentityEpoch
		clear(s.cache)
		s.keys = nil
	}
}

func notRecognized() error {
	return novalite.Errorf(novalite.NotFound, "Could not recognize Fernet token")
}

// validate checks a token completely: its form and signature, its expiry,
// its user, project and their domains, its roles, and the revocation
// events. NotFound when it does not hold.
func (s *Service) validate(ctx context.Context, tok string) (*novalite.Caller, error) {
	p, err := s.decode(ctx, tok)
	if err != nil {
		return nil, err
	}
	c, err := s.load(ctx, p, true)
	if err != nil {
		return nil, err
	}
	if c.ProjectID != "" && len(c.Roles) == 0 {
		// The user has no role on the project any more.
		return nil, notRecognized()
	}
	return c, nil
}

// decode checks a token's form, signature and expiry.
func (s *Service) decode(ctx context.Context, tok string) (payload, error) {
	kr, err := s.keyring(ctx)
	if err != nil {
		return payload{}, err
	}
	p, ok := parseToken(tok, kr.all)
	if !ok || !s.now().Before(time.UnixMicro(p.Expires)) {
		return p, notRecognized()
	}
	return p, nil
}

// load builds the caller of a payload from the store: the user must exist
// and be enabled, the project too, and both their domains; roles are the
// user's assignments on the project with implied roles expanded. With
// checkRevoked, a token matched by a revocation event is NotFound.
func (s *Service) load(ctx context.Context, p payload, checkRevoked bool) (*novalite.Caller, error) {
	c := &novalite.Caller{Methods: p.Methods, AuditIDs: p.Audit,
		IssuedAt: time.UnixMicro(p.Issued).UTC(), ExpiresAt: time.UnixMicro(p.Expires).UTC()}
	err := s.view(ctx, func(tx *store.Tx) error {
		u, err := tx.UserGet(ctx, p.User)
		if err != nil {
			return err
		}
		ud, err := tx.DomainGet(ctx, u.DomainID)
		if err != nil {
			return err
		}
		if !u.Enabled || !ud.Enabled {
			return notRecognized()
		}
		c.UserID, c.UserName, c.UserDomainID, c.UserDomainName = u.ID, u.Name, ud.ID, ud.Name
		if p.Project != "" {
			if err := loadProject(ctx, tx, c, p.Project); err != nil {
				return err
			}
		}
		if !checkRevoked {
			return nil
		}
		return checkEvents(ctx, tx, c)
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return nil, notRecognized()
	}
	return c, err
}

func loadProject(ctx context.Context, tx *store.Tx, c *novalite.Caller, id string) error {
	proj, err := tx.ProjectGet(ctx, id)
	if err != nil {
		return err
	}
	pd, err := tx.DomainGet(ctx, proj.DomainID)
	if err != nil {
		return err
	}
	if !proj.Enabled || !pd.Enabled {
		return notRecognized()
	}
	c.ProjectID, c.ProjectName, c.ProjectDomainID, c.ProjectDomainName = proj.ID, proj.Name, pd.ID, pd.Name
	c.Roles, err = effectiveRoles(ctx, tx, c.UserID, proj.ID)
	return err
}

// checkEvents is NotFound when a revocation event matches the caller's
// token. An event naming a role matches only while the token carries that
// role, as Keystone's matcher compares it with the token's roles.
func checkEvents(ctx context.Context, tx *store.Tx, c *novalite.Caller) error {
	f := store.TokenFacts{UserID: c.UserID, ProjectID: c.ProjectID,
		DomainIDs: [2]string{c.UserDomainID, c.ProjectDomainID}, IssuedAt: c.IssuedAt}
	copy(f.AuditIDs[:], c.AuditIDs)
	roles, err := tx.RevocationEventMatches(ctx, f)
	if err != nil {
		return err
	}
	for _, role := range roles {
		if role == "" || slices.ContainsFunc(c.Roles, func(r novalite.Role) bool { return r.ID == role }) {
			return notRecognized()
		}
	}
	return nil
}

// effectiveRoles returns the roles of user on project, implied ones
// included, in a stable order.
func effectiveRoles(ctx context.Context, tx *store.Tx, userID, projectID string) ([]novalite.Role, error) {
	direct, err := tx.RoleAssignmentList(ctx, novalite.RoleAssignmentFilter{
		UserID: userID, TargetType: "project", TargetID: projectID})
	if err != nil || len(direct) == 0 {
		return nil, err
	}
	implied, err := tx.ImpliedRoleList(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var queue []string
	for _, a := range direct {
		queue = append(queue, a.RoleID)
	}
	var roles []novalite.Role
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		r, err := tx.RoleGet(ctx, id)
		if err != nil {
			return nil, err
		}
		if r.DomainID == "" { // domain-specific roles only lend their implied roles
			roles = append(roles, r)
		}
		queue = append(queue, implied[id]...)
	}
	return roles, nil
}
