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

// Authenticate checks credentials and issues a token.
func (s *Service) Authenticate(ctx context.Context, req AuthRequest) (*Token, error) {
	if _, err := s.sync(ctx); err != nil {
		return nil, err
	}
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
		prev, err := s.validate(ctx, req.Token)
		if err != nil {
			if novalite.IsKind(err, novalite.NotFound) {
				return nil, unauthorized()
			}
			return nil, err
		}
		// A token exchanged for another keeps the original expiry, and
		// the audit id of the first token of its chain, as Keystone does:
		// revoking that first token revokes the whole chain.
		p = payload{User: prev.UserID, Methods: appendUnique(prev.Methods, "token"),
			Audit: []string{auditID(), prev.AuditIDs[len(prev.AuditIDs)-1]}, Expires: prev.ExpiresAt.UnixMicro()}
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
	caller, err := s.load(ctx, p, false)
	if novalite.IsKind(err, novalite.NotFound) {
		return nil, unauthorized()
	}
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
	tok, err := fernet.EncryptAndSign(msg, kr.primary)
	return string(tok), err
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
