package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/fernet/fernet-go"
	"golang.org/x/crypto/bcrypt"

	"novalite"
	"novalite/internal/store"
)

// payload is what a Fernet token carries; everything else is read from
// the store when the token is validated.
type payload struct {
	User    string   `json:"u"`
	Project string   `json:"p,omitempty"`
	Methods []string `json:"m"`
	Audit   []string `json:"a"`
	Issued  int64    `json:"i"` // unix microseconds
	Expires int64    `json:"e"`
}

// keyring holds the Fernet keys; the first encrypts.
type keyring struct{ keys []*fernet.Key }

// cached is a validated token, kept until `until`.
type cached struct {
	caller *novalite.Caller
	until  time.Time
}

// cacheFor bounds how long a validation is trusted without reading the
// store again: revocations made by another replica take effect within it
// (keystonemiddleware caches for 300 s by default).
const cacheFor = 30 * time.Second

// AuthRequest is a POST /v3/auth/tokens body reduced to what matters.
type AuthRequest struct {
	Methods []string
	// Password method: user by id, or by name within a domain (id or name).
	UserID, UserName, UserDomainID, UserDomainName, Password string
	// Token method.
	Token string
	// Scope: project by id, or by name within a domain; empty = unscoped.
	ProjectID, ProjectName, ProjectDomainID, ProjectDomainName string
	// Unscoped asks explicitly for an unscoped token; without it and
	// without a scope, a password token is scoped to the user's default
	// project when the user has a role there (Keystone's behaviour).
	Unscoped bool
}

// Token is an issued token and its decoded content.
type Token struct {
	ID     string
	Caller *novalite.Caller
}

// LoadKeys reads the Fernet keys, creating the first one if there is none.
func (s *Service) LoadKeys(ctx context.Context) error {
	var keys []string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if keys, err = tx.FernetKeyList(ctx); err != nil || len(keys) > 0 {
			return err
		}
		var k fernet.Key
		if err := k.Generate(); err != nil {
			return err
		}
		keys = []string{k.Encode()}
		return tx.FernetKeyInsert(ctx, keys[0], s.now())
	})
	if err != nil {
		return err
	}
	kr := &keyring{}
	for _, k := range keys {
		fk, err := fernet.DecodeKey(k)
		if err != nil {
			return err
		}
		kr.keys = append(kr.keys, fk)
	}
	s.mu.Lock()
	s.keys = kr
	s.mu.Unlock()
	return nil
}

func (s *Service) keyring(ctx context.Context) (*keyring, error) {
	s.mu.Lock()
	kr := s.keys
	s.mu.Unlock()
	if kr != nil {
		return kr, nil
	}
	if err := s.LoadKeys(ctx); err != nil {
		return nil, err
	}
	return s.keyring(ctx)
}

// Authenticate checks credentials and issues a token.
func (s *Service) Authenticate(ctx context.Context, req AuthRequest) (*Token, error) {
	if len(req.Methods) == 0 {
		return nil, invalid("Expecting to find identity in auth - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
	}
	var p payload
	switch req.Methods[0] {
	case "password":
		u, err := s.checkPassword(ctx, req)
		if err != nil {
			return nil, err
		}
		p = payload{User: u.ID, Methods: []string{"password"}, Audit: []string{auditID()}}
		if !req.Unscoped && req.ProjectID == "" && req.ProjectName == "" && u.DefaultProjectID != "" {
			if roles, err := s.EffectiveRoles(ctx, u.ID, u.DefaultProjectID); err == nil && len(roles) > 0 {
				req.ProjectID = u.DefaultProjectID
			}
		}
	case "token":
		prev, err := s.decode(ctx, req.Token)
		if err != nil {
			return nil, err
		}
		// A token exchanged for another keeps the original expiry and
		// audit chain, as Keystone does.
		p = payload{User: prev.User, Methods: appendUnique(prev.Methods, "token"),
			Audit: []string{auditID(), prev.Audit[0]}, Expires: prev.Expires}
	default:
		return nil, unauthorized()
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	p.Issued = now.UnixMicro()
	if p.Expires == 0 {
		p.Expires = now.Add(s.tokenTTL).UnixMicro()
	}
	if req.ProjectID != "" || req.ProjectName != "" {
		proj, err := s.resolveProject(ctx, req)
		if err != nil {
			return nil, err
		}
		p.Project = proj.ID
	}
	caller, err := s.load(ctx, p)
	if err != nil {
		return nil, err
	}
	if p.Project != "" && len(caller.Roles) == 0 {
		return nil, novalite.Errorf(novalite.Unauthorized,
			"User %s has no access to project %s", p.User, p.Project)
	}
	id, err := s.encode(ctx, p)
	if err != nil {
		return nil, err
	}
	return &Token{ID: id, Caller: caller}, nil
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(append([]string{}, xs...), x)
}

func auditID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Service) checkPassword(ctx context.Context, req AuthRequest) (novalite.User, error) {
	var u novalite.User
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		switch {
		case req.UserID != "":
			u, err = tx.UserGet(ctx, req.UserID)
		case req.UserName != "":
			var dom novalite.Domain
			if dom, err = domainOf(ctx, tx, req.UserDomainID, req.UserDomainName); err == nil {
				u, err = tx.UserGetByName(ctx, dom.ID, req.UserName)
			}
		default:
			return invalid("Expecting to find user in password - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
		}
		return err
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return u, unauthorized()
	}
	if err != nil {
		return u, err
	}
	if !u.Enabled || u.PasswordHash == "" ||
		bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(req.Password)) != nil {
		return u, unauthorized()
	}
	return u, nil
}

func domainOf(ctx context.Context, tx *store.Tx, id, name string) (novalite.Domain, error) {
	if id != "" {
		return tx.DomainGet(ctx, id)
	}
	if name != "" {
		return tx.DomainGetByName(ctx, name)
	}
	return novalite.Domain{}, invalid("Expecting to find domain in project - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
}

func (s *Service) resolveProject(ctx context.Context, req AuthRequest) (novalite.Project, error) {
	var p novalite.Project
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		if req.ProjectID != "" {
			p, err = tx.ProjectGet(ctx, req.ProjectID)
			return err
		}
		dom, err := domainOf(ctx, tx, req.ProjectDomainID, req.ProjectDomainName)
		if err != nil {
			return err
		}
		p, err = tx.ProjectGetByName(ctx, dom.ID, req.ProjectName)
		return err
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return p, unauthorized()
	}
	if err == nil && !p.Enabled {
		return p, unauthorized()
	}
	return p, err
}

func (s *Service) encode(ctx context.Context, p payload) (string, error) {
	kr, err := s.keyring(ctx)
	if err != nil {
		return "", err
	}
	msg, _ := json.Marshal(p)
	tok, err := fernet.EncryptAndSign(msg, kr.keys[0])
	return string(tok), err
}

// decode checks a token's signature, expiry and revocation.
func (s *Service) decode(ctx context.Context, tok string) (payload, error) {
	var p payload
	kr, err := s.keyring(ctx)
	if err != nil {
		return p, err
	}
	msg := fernet.VerifyAndDecrypt([]byte(tok), 0, kr.keys)
	if msg == nil || json.Unmarshal(msg, &p) != nil || len(p.Audit) == 0 {
		return p, unauthorized()
	}
	if !s.now().Before(time.UnixMicro(p.Expires)) {
		return p, novalite.Errorf(novalite.NotFound, "Could not recognize Fernet token")
	}
	var revoked bool
	err = s.view(ctx, func(tx *store.Tx) error {
		for _, a := range p.Audit {
			if revoked, err = tx.TokenRevoked(ctx, a); err != nil || revoked {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	if revoked {
		return p, novalite.Errorf(novalite.NotFound, "Could not recognize Fernet token")
	}
	return p, nil
}

// load builds the caller of a payload from the store: the user must exist
// and be enabled, the project too; roles are the user's assignments on
// the project with implied roles expanded.
func (s *Service) load(ctx context.Context, p payload) (*novalite.Caller, error) {
	c := &novalite.Caller{Methods: p.Methods, AuditIDs: p.Audit,
		IssuedAt: time.UnixMicro(p.Issued).UTC(), ExpiresAt: time.UnixMicro(p.Expires).UTC()}
	err := s.view(ctx, func(tx *store.Tx) error {
		u, err := tx.UserGet(ctx, p.User)
		if err != nil {
			return err
		}
		if !u.Enabled {
			return &novalite.Error{Kind: novalite.NotFound}
		}
		ud, err := tx.DomainGet(ctx, u.DomainID)
		if err != nil {
			return err
		}
		c.UserID, c.UserName, c.UserDomainID, c.UserDomainName = u.ID, u.Name, ud.ID, ud.Name
		if p.Project == "" {
			return nil
		}
		proj, err := tx.ProjectGet(ctx, p.Project)
		if err != nil {
			return err
		}
		if !proj.Enabled {
			return &novalite.Error{Kind: novalite.NotFound}
		}
		pd, err := tx.DomainGet(ctx, proj.DomainID)
		if err != nil {
			return err
		}
		c.ProjectID, c.ProjectName, c.ProjectDomainID, c.ProjectDomainName = proj.ID, proj.Name, pd.ID, pd.Name
		c.Roles, err = effectiveRoles(ctx, tx, u.ID, proj.ID)
		return err
	})
	if novalite.IsKind(err, novalite.NotFound) {
		return nil, novalite.Errorf(novalite.NotFound, "Could not recognize Fernet token")
	}
	return c, err
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

// Validate returns the caller a token stands for; Unauthorized if the
// token is invalid, expired or revoked.
func (s *Service) Validate(ctx context.Context, tok string) (*novalite.Caller, error) {
	now := s.now()
	s.mu.Lock()
	e, ok := s.cache[tok]
	s.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.caller, nil
	}
	c, err := s.ValidateSubject(ctx, tok)
	if err != nil {
		if novalite.IsKind(err, novalite.NotFound) {
			return nil, unauthorized()
		}
		return nil, err
	}
	until := min64(now.Add(cacheFor), c.ExpiresAt)
	s.mu.Lock()
	if len(s.cache) > 100_000 {
		clear(s.cache)
	}
	s.cache[tok] = cached{caller: c, until: until}
	s.mu.Unlock()
	return c, nil
}

func min64(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// ValidateSubject validates a token read from X-Subject-Token, bypassing
// the cache: NotFound ("Could not recognize Fernet token") when invalid.
func (s *Service) ValidateSubject(ctx context.Context, tok string) (*novalite.Caller, error) {
	p, err := s.decode(ctx, tok)
	if novalite.IsKind(err, novalite.Unauthorized) {
		return nil, novalite.Errorf(novalite.NotFound, "Could not recognize Fernet token")
	}
	if err != nil {
		return nil, err
	}
	c, err := s.load(ctx, p)
	if err == nil && c.ProjectID != "" && len(c.Roles) == 0 {
		// The user lost its roles on the project since: the token is void.
		return nil, novalite.Errorf(novalite.NotFound, "Could not recognize Fernet token")
	}
	return c, err
}

// Revoke revokes a token (by its audit id, as Keystone does).
func (s *Service) Revoke(ctx context.Context, tok string) error {
	p, err := s.decode(ctx, tok)
	if err != nil {
		if novalite.IsKind(err, novalite.Unauthorized) {
			return novalite.Errorf(novalite.NotFound, "Could not recognize Fernet token")
		}
		return err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.TokenRevocationInsert(ctx, p.Audit[0], s.now(), time.UnixMicro(p.Expires))
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.cache, tok)
	s.mu.Unlock()
	return nil
}

// hashPassword returns the bcrypt hash of a password at the service's cost.
func (s *Service) hashPassword(pw string) (string, error) {
	if len(pw) > 72 {
		return "", errors.New("password longer than 72 bytes")
	}
	cost := s.pwCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(h), err
}
