package novalite

import "time"

// Keypair types.
const (
	KeypairSSH  = "ssh"
	KeypairX509 = "x509"
)

// Keypair is a user's public key (never a private key: a generated one is
// returned once and forgotten). Names are unique per user.
type Keypair struct {
	ID          int64
	Name        string
	UserID      string
	Type        string
	PublicKey   string
	Fingerprint string
	CreatedAt   time.Time
}
