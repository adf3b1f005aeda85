package compute

import (
	"net/http"
	"strings"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// Keypair name characters (nova/api/validation/validators.py,
// keypair_name_20 and keypair_name_292).
const (
	keypairChars20  = "_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	keypairChars292 = "@._- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

func keypairCreateSchemaDoc(mv microversion.Version) obj {
	props := obj{"name": pName, "public_key": obj{"type": "string"}}
	if mv.AtLeast(2, 2) {
		props["type"] = obj{"type": "string", "enum": []any{"ssh", "x509"}}
	}
	if mv.AtLeast(2, 10) {
		props["user_id"] = obj{"type": "string"}
	}
	required := []any{"name"}
	if mv.AtLeast(2, 92) {
		required = append(required, "public_key")
	}
	return obj{"type": "object", "properties": obj{"keypair": obj{"type": "object", "properties": props,
		"required": required, "additionalProperties": false}},
		"required": []any{"keypair"}, "additionalProperties": false}
}

// checkKeypairName applies the name formats of Nova's create schema.
func checkKeypairName(mv microversion.Version, name string) error {
	if err := validName("name", name); err != nil {
		return err
	}
	safe := keypairChars20
	if mv.AtLeast(2, 92) {
		safe = keypairChars292
	}
	for _, r := range name {
		if !strings.ContainsRune(safe, r) {
			return novalite.Errorf(novalite.Invalid, "An invalid 'name' value was provided. Only expected characters: [%s]", safe)
		}
	}
	return nil
}

// keypairQuery checks a keypairs query string: user_id from 2.10,
// limit and marker from 2.35, nothing else from 2.75. It returns the
// target user (the caller unless user_id is given).
func keypairQuery(r *http.Request, paged bool) (string, error) {
	mv, q := requestMV(r), r.URL.Query()
	var allowed []string
	if mv.AtLeast(2, 10) {
		allowed = append(allowed, "user_id")
	}
	if paged && mv.AtLeast(2, 35) {
		allowed = append(allowed, "limit", "marker")
	}
	if mv.AtLeast(2, 75) {
		if err := onlyParams(q, allowed...); err != nil {
			return "", err
		}
	}
	user := httpx.Caller(r.Context()).UserID
	if mv.AtLeast(2, 10) && q.Get("user_id") != "" {
		user = q.Get("user_id")
	}
	return user, nil
}

// keypairBrief is a keypair in the list (Nova's keypairs view filters
// the same object per operation: nova/api/openstack/compute/keypairs.py).
type keypairBrief struct {
	Fingerprint string           `json:"fingerprint"`
	Name        string           `json:"name"`
	PublicKey   string           `json:"public_key"`
	Type        Optional[string] `json:"type,omitzero"` // 2.2
}

func keypairBriefOf(mv microversion.Version, k novalite.Keypair) keypairBrief {
	return keypairBrief{Fingerprint: k.Fingerprint, Name: k.Name, PublicKey: k.PublicKey,
		Type: optIf(mv.AtLeast(2, 2), k.Type)}
}

// keypairShown is GET /os-keypairs/{name}'s keypair: the database row,
// never deleted or updated.
type keypairShown struct {
	CreatedAt   string           `json:"created_at"`
	Deleted     bool             `json:"deleted"`
	DeletedAt   *string          `json:"deleted_at"`
	Fingerprint string           `json:"fingerprint"`
	ID          int64            `json:"id"`
	Name        string           `json:"name"`
	PublicKey   string           `json:"public_key"`
	Type        Optional[string] `json:"type,omitzero"` // 2.2
	UpdatedAt   *string          `json:"updated_at"`
	UserID      string           `json:"user_id"`
}

// keypairCreated is POST /os-keypairs' keypair: a generated key's
// private half is in it, once.
type keypairCreated struct {
	Fingerprint string           `json:"fingerprint"`
	Name        string           `json:"name"`
	PrivateKey  string           `json:"private_key,omitempty"`
	PublicKey   string           `json:"public_key"`
	Type        Optional[string] `json:"type,omitzero"` // 2.2
	UserID      string           `json:"user_id"`
}

// keypairBody is the body of one keypair.
type keypairBody[T any] struct {
	Keypair T `json:"keypair"`
}

// keypairList is the body of GET /os-keypairs.
type keypairList struct {
	Keypairs []keypairBody[keypairBrief] `json:"keypairs"`
	Links    []link                      `json:"keypairs_links,omitempty"` // 2.35
}

// listKeypairs is GET /os-keypairs.
func (a *API) listKeypairs(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	user, err := keypairQuery(r, true)
	if err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-keypairs:index", policy.Target{UserID: user}); err != nil {
		return err
	}
	pg, limit := page{}, -1
	if mv.AtLeast(2, 35) {
		if pg, err = readPage(r); err != nil {
			return err
		}
		limit = pg.Limit
	}
	list, err := a.svc.Compute.ListKeypairs(r.Context(), user, pg.Marker, limit)
	if err != nil {
		return err
	}
	body := keypairList{Keypairs: make([]keypairBody[keypairBrief], len(list))}
	for i, k := range list {
		body.Keypairs[i].Keypair = keypairBriefOf(mv, k)
	}
	if mv.AtLeast(2, 35) {
		body.Links = nextLinks(a, r, "/os-keypairs", pg, list, func(k novalite.Keypair) string { return k.Name })
	}
	httpx.WriteJSON(w, http.StatusOK, body)
	return nil
}

// showKeypair is GET /os-keypairs/{name}.
func (a *API) showKeypair(w http.ResponseWriter, r *http.Request) error {
	user, err := keypairQuery(r, false)
	if err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-keypairs:show", policy.Target{UserID: user}); err != nil {
		return err
	}
	k, err := a.svc.Compute.GetKeypair(r.Context(), user, r.PathValue("name"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, keypairBody[keypairShown]{keypairShown{
		CreatedAt: k.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000"), Fingerprint: k.Fingerprint, ID: k.ID,
		Name: k.Name, PublicKey: k.PublicKey, Type: optIf(requestMV(r).AtLeast(2, 2), k.Type), UserID: k.UserID}})
	return nil
}

// createKeypair is POST /os-keypairs: import a public key, or (before
// 2.92) generate a key pair and return its private key once.
func (a *API) createKeypair(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	req, err := decodeRequest[struct {
		Keypair struct {
			Name      string           `json:"name"`
			PublicKey Optional[string] `json:"public_key"` // left out: generate (before 2.92)
			Type      string           `json:"type"`       // 2.2
			UserID    string           `json:"user_id"`    // 2.10: an admin's for another user
		} `json:"keypair"`
	}](r, schemaFor("keypair-create", mv, keypairCreateSchemaDoc))
	if err != nil {
		return err
	}
	kp := req.Keypair
	if err := checkKeypairName(mv, kp.Name); err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	p := compute.CreateKeypairParams{Name: strings.TrimSpace(kp.Name), UserID: c.UserID, ProjectID: c.ProjectID,
		Type: kp.Type, PublicKey: kp.PublicKey.Ptr()}
	if kp.UserID != "" {
		p.UserID = kp.UserID
	}
	if err := policy.Authorize(c, "os_compute_api:os-keypairs:create", policy.Target{UserID: p.UserID}); err != nil {
		return err
	}
	k, private, err := a.svc.Compute.CreateKeypair(r.Context(), p)
	if err != nil {
		return err
	}
	v := keypairCreated{Fingerprint: k.Fingerprint, Name: k.Name, PrivateKey: private, PublicKey: k.PublicKey,
		Type: optIf(mv.AtLeast(2, 2), k.Type), UserID: k.UserID}
	status := http.StatusOK
	if mv.AtLeast(2, 2) {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, keypairBody[keypairCreated]{v})
	return nil
}

// deleteKeypair is DELETE /os-keypairs/{name}: 202, or 204 from 2.2.
func (a *API) deleteKeypair(w http.ResponseWriter, r *http.Request) error {
	user, err := keypairQuery(r, false)
	if err != nil {
		return err
	}
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-keypairs:delete", policy.Target{UserID: user}); err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteKeypair(r.Context(), user, r.PathValue("name")); err != nil {
		return err
	}
	status := http.StatusAccepted
	if requestMV(r).AtLeast(2, 2) {
		status = http.StatusNoContent
	}
	httpx.WriteEmpty(w, status)
	return nil
}
