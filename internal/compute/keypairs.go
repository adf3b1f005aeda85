package compute

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"novalite"
	"novalite/internal/store"
)

// CreateKeypairParams is a validated keypair create or import.
type CreateKeypairParams struct {
	Name      string
	UserID    string // the owner: the caller, or another user for admins (2.10)
	ProjectID string // whose key_pairs quota applies (the caller's)
	Type      string // ssh (default) or x509
	PublicKey *string
}

// CreateKeypair imports PublicKey, or generates a key pair when it is
// nil and returns the private key, which is never stored.
func (s *Service) CreateKeypair(ctx context.Context, p CreateKeypairParams) (k novalite.Keypair, privateKey string, err error) {
	if p.Type == "" {
		p.Type = novalite.KeypairSSH
	}
	k = novalite.Keypair{Name: p.Name, UserID: p.UserID, Type: p.Type, CreatedAt: s.now().UTC()}
	if p.PublicKey != nil {
		k.PublicKey = *p.PublicKey
		if k.Fingerprint, err = fingerprint(k.PublicKey, p.Type); err != nil {
			return k, "", err
		}
	} else if privateKey, k.PublicKey, k.Fingerprint, err = generateKeypair(p.Type, p.UserID, k.CreatedAt); err != nil {
		return k, "", err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		// Key pairs are counted per user, whatever the project.
		if err := tx.QuotaLock(ctx, "user:"+p.UserID); err != nil {
			return err
		}
		limits, err := s.quotaLimits(ctx, tx, p.ProjectID, p.UserID)
		if err != nil {
			return err
		}
		n, err := tx.KeypairCount(ctx, p.UserID)
		if err != nil {
			return err
		}
		if lim := limits[novalite.QuotaKeyPairs]; lim >= 0 && n+1 > lim {
			return novalite.Errorf(novalite.Forbidden, "Quota exceeded, too many key pairs.")
		}
		err = tx.KeypairInsert(ctx, &k)
		if novalite.IsKind(err, novalite.Conflict) {
			return novalite.Errorf(novalite.Conflict, "Key pair '%s' already exists.", p.Name)
		}
		return err
	})
	if err != nil {
		return k, "", err
	}
	return k, privateKey, nil
}

func keypairNotFound(name, userID string) error {
	return novalite.Errorf(novalite.NotFound, "Keypair %s not found for user %s", name, userID)
}

// GetKeypair returns a user's keypair.
func (s *Service) GetKeypair(ctx context.Context, userID, name string) (k novalite.Keypair, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		k, err = tx.KeypairGet(ctx, userID, name)
		if novalite.IsKind(err, novalite.NotFound) {
			return keypairNotFound(name, userID)
		}
		return err
	})
	return k, err
}

// ListKeypairs lists a user's keypairs by name, after marker (a name)
// when given; limit < 0 lists them all.
func (s *Service) ListKeypairs(ctx context.Context, userID, marker string, limit int) (list []novalite.Keypair, err error) {
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if marker != "" {
			if _, err := tx.KeypairGet(ctx, userID, marker); novalite.IsKind(err, novalite.NotFound) {
				return novalite.Errorf(novalite.Invalid, "Marker %s could not be found.", marker)
			} else if err != nil {
				return err
			}
		}
		list, err = tx.KeypairList(ctx, userID, marker, limit)
		return err
	})
	return list, err
}

// DeleteKeypair removes a user's keypair.
func (s *Service) DeleteKeypair(ctx context.Context, userID, name string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		err := tx.KeypairDelete(ctx, userID, name)
		if novalite.IsKind(err, novalite.NotFound) {
			return keypairNotFound(name, userID)
		}
		return err
	})
}

// keyForCreate returns the public key of the caller's keypair name.
func (s *Service) keyForCreate(ctx context.Context, tx *store.Tx, c *novalite.Caller, name string) (string, error) {
	k, err := tx.KeypairGet(ctx, c.UserID, name)
	if novalite.IsKind(err, novalite.NotFound) {
		return "", novalite.Errorf(novalite.Invalid, "Invalid key_name provided.")
	}
	return k.PublicKey, err
}

func invalidKeypair(reason string) error {
	return novalite.Errorf(novalite.Invalid, "Keypair data is invalid: %s", reason)
}

// fingerprint computes Nova's fingerprint of a public key: the MD5 of
// the OpenSSH key blob, or the SHA-1 of an X.509 certificate, as
// colon-separated hex pairs (nova/crypto.py).
func fingerprint(publicKey, typ string) (string, error) {
	if typ == novalite.KeypairX509 {
		block, _ := pem.Decode([]byte(publicKey))
		if block == nil {
			return "", invalidKeypair("failed to generate X509 fingerprint. Error message: no PEM certificate found")
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return "", invalidKeypair("failed to generate X509 fingerprint. Error message: " + err.Error())
		}
		sum := sha1.Sum(cert.Raw)
		return colonHex(sum[:]), nil
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(publicKey))
	if err != nil {
		return "", invalidKeypair("failed to generate fingerprint")
	}
	sum := md5.Sum(key.Marshal())
	return colonHex(sum[:]), nil
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i := range b {
		parts[i] = hex.EncodeToString(b[i : i+1])
	}
	return strings.Join(parts, ":")
}

// generateKeypair makes an RSA-2048 key: for ssh an OpenSSH public key
// with Nova's "Generated-by-Nova" comment, for x509 a self-signed
// client certificate for the user (Nova's WinRM certificate).
func generateKeypair(typ, userID string, now time.Time) (private, public, fp string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", "", err
	}
	private = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	if typ == novalite.KeypairX509 {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: userID},
			NotBefore: now, NotAfter: now.AddDate(10, 0, 0),
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return "", "", "", err
		}
		public = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		sum := sha1.Sum(der)
		return private, public, colonHex(sum[:]), nil
	}
	pub, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", "", err
	}
	public = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " Generated-by-Nova"
	sum := md5.Sum(pub.Marshal())
	return private, public, colonHex(sum[:]), nil
}
