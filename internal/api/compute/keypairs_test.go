package compute_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"novalite/internal/app/apptest"
)

// sampleDoc reads a Nova API sample kept in testdata/nova-samples (the
// samples of Nova's api-ref that these tests compare keys and values with).
func sampleDoc(t *testing.T, rel string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "nova-samples", rel))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return doc
}

// sameKeys fails unless got and the sample object have the same keys.
func sameKeys(t *testing.T, what string, got, sample map[string]any) {
	t.Helper()
	if g, s := sortedKeys(got), sortedKeys(sample); !slices.Equal(g, s) {
		t.Errorf("%s keys:\n got %v\nwant %v", what, g, s)
	}
}

const sampleKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova"

func selfSignedPEM(t *testing.T) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "demo"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(der)
	var parts []string
	for _, c := range sum {
		parts = append(parts, fmt.Sprintf("%02x", c))
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), strings.Join(parts, ":")
}

func TestCreateKeypair(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cert, certFP := selfSignedPEM(t)
	kp := func(fields map[string]any) map[string]any { return map[string]any{"keypair": fields} }
	tests := []struct {
		name, mv   string
		body       any
		wantStatus int
		wantMsg    string
		check      func(t *testing.T, k map[string]any)
	}{
		{"generate 2.1", "2.1", kp(map[string]any{"name": "gen1"}), 200, "", func(t *testing.T, k map[string]any) {
			sameKeys(t, "generate 2.1", k, sampleDoc(t, "os-keypairs/keypairs-post-resp.json")["keypair"].(map[string]any))
			pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k["public_key"].(string)))
			if err != nil || !strings.HasSuffix(k["public_key"].(string), " Generated-by-Nova") || pub.Type() != "ssh-rsa" {
				t.Errorf("public key %q: %v", k["public_key"], err)
			}
			if err == nil && ssh.FingerprintLegacyMD5(pub) != k["fingerprint"] {
				t.Errorf("fingerprint %v, want %s", k["fingerprint"], ssh.FingerprintLegacyMD5(pub))
			}
			if !strings.HasPrefix(k["private_key"].(string), "-----BEGIN RSA PRIVATE KEY-----") {
				t.Errorf("private key %q", k["private_key"])
			}
		}},
		{"generate 2.2", "2.2", kp(map[string]any{"name": "gen2"}), 201, "", func(t *testing.T, k map[string]any) {
			sameKeys(t, "generate 2.2", k, sampleDoc(t, "os-keypairs/v2.2/keypairs-post-resp.json")["keypair"].(map[string]any))
			if k["type"] != "ssh" {
				t.Errorf("type %v", k["type"])
			}
		}},
		{"generate x509", "2.2", kp(map[string]any{"name": "genx", "type": "x509"}), 201, "", func(t *testing.T, k map[string]any) {
			if !strings.HasPrefix(k["public_key"].(string), "-----BEGIN CERTIFICATE-----") || k["type"] != "x509" ||
				len(k["fingerprint"].(string)) != 59 {
				t.Errorf("x509: %v", k)
			}
		}},
		{"import", "2.1", kp(map[string]any{"name": "imp", "public_key": sampleKey}), 200, "", func(t *testing.T, k map[string]any) {
			sameKeys(t, "import", k, sampleDoc(t, "os-keypairs/keypairs-import-post-resp.json")["keypair"].(map[string]any))
			if k["fingerprint"] != "1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c" {
				t.Errorf("fingerprint %v", k["fingerprint"])
			}
		}},
		{"import x509", "2.2", kp(map[string]any{"name": "impx", "type": "x509", "public_key": cert}), 201, "", func(t *testing.T, k map[string]any) {
			if k["fingerprint"] != certFP {
				t.Errorf("fingerprint %v, want %s", k["fingerprint"], certFP)
			}
		}},
		{"name with dot 2.92", "2.92", kp(map[string]any{"name": "me@host.x", "public_key": sampleKey}), 201, "", nil},
		{"duplicate", "2.2", kp(map[string]any{"name": "imp", "public_key": sampleKey}), 409, "Key pair 'imp' already exists.", nil},
		{"bad key", "2.1", kp(map[string]any{"name": "bad", "public_key": "ssh-rsa nonsense"}), 400,
			"Keypair data is invalid: failed to generate fingerprint", nil},
		{"bad cert", "2.2", kp(map[string]any{"name": "badx", "type": "x509", "public_key": sampleKey}), 400, "", nil},
		{"name with dot 2.1", "2.1", kp(map[string]any{"name": "a.b"}), 400,
			"An invalid 'name' value was provided. Only expected characters: [" + "_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ]", nil},
		{"name leading space", "2.1", kp(map[string]any{"name": " a"}), 400, "", nil},
		{"empty name", "2.1", kp(map[string]any{"name": ""}), 400, "", nil},
		{"type before 2.2", "2.1", kp(map[string]any{"name": "t", "type": "ssh"}), 400, "", nil},
		{"bad type", "2.2", kp(map[string]any{"name": "t", "type": "pgp"}), 400, "", nil},
		{"user_id before 2.10", "2.9", kp(map[string]any{"name": "t", "user_id": "x"}), 400, "", nil},
		{"generation gone 2.92", "2.92", kp(map[string]any{"name": "g"}), 400,
			"Invalid input for field/attribute keypair. Value: {'name': 'g'}. 'public_key' is a required property", nil},
		{"member for other user", "2.10", kp(map[string]any{"name": "o", "user_id": "someone"}), 403,
			"Policy doesn't allow os_compute_api:os-keypairs:create to be performed.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("POST", "/os-keypairs", b.demo, tt.mv, tt.body)
			if tt.wantMsg != "" || r.Status >= 400 {
				if status, msg := fault(t, r); status != tt.wantStatus || (tt.wantMsg != "" && msg != tt.wantMsg) {
					t.Errorf("got %d %q, want %d %q", status, msg, tt.wantStatus, tt.wantMsg)
				}
				return
			}
			if r.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.wantStatus, r.Body)
			}
			if tt.check != nil {
				tt.check(t, r.JSON(t)["keypair"].(map[string]any))
			}
		})
	}
}

func TestKeypairListShowDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, n := range []string{"c", "a", "b"} {
		if r := b.do("POST", "/os-keypairs", b.demo, "2.2", map[string]any{"keypair": map[string]any{"name": n, "public_key": sampleKey}}); r.Status != 201 {
			t.Fatalf("create %s: %d %s", n, r.Status, r.Body)
		}
	}
	if r := b.do("POST", "/os-keypairs", b.admin, "2.2", map[string]any{"keypair": map[string]any{"name": "adm", "public_key": sampleKey}}); r.Status != 201 {
		t.Fatalf("create adm: %d %s", r.Status, r.Body)
	}
	demoUser := b.userID(t, b.demo)
	adminUser := b.userID(t, b.admin)
	tests := []struct {
		name, token, mv, query string
		want                   []string
		wantStatus             int
		wantMsg                string
		wantLinks              bool
	}{
		{"own, by name", b.demo, "2.1", "", []string{"a", "b", "c"}, 200, "", false},
		{"limit ignored before 2.35", b.demo, "2.34", "?limit=1", []string{"a", "b", "c"}, 200, "", false},
		{"limit 2.35", b.demo, "2.35", "?limit=2", []string{"a", "b"}, 200, "", true},
		{"marker 2.35", b.demo, "2.35", "?limit=2&marker=b", []string{"c"}, 200, "", false},
		{"unknown marker", b.demo, "2.35", "?marker=zz", nil, 400, "Marker zz could not be found.", false},
		{"admin other user 2.10", b.admin, "2.10", "?user_id=" + demoUser, []string{"a", "b", "c"}, 200, "", false},
		{"user_id ignored before 2.10", b.admin, "2.9", "?user_id=" + demoUser, []string{"adm"}, 200, "", false},
		{"member other user", b.demo, "2.10", "?user_id=" + adminUser, nil, 403,
			"Policy doesn't allow os_compute_api:os-keypairs:index to be performed.", false},
		{"unknown param 2.75", b.demo, "2.75", "?foo=1", nil, 400, "Additional properties are not allowed ('foo' was unexpected)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.do("GET", "/os-keypairs"+tt.query, tt.token, tt.mv, nil)
			if !okOrFault(t, r, tt.wantStatus, tt.wantMsg) {
				return
			}
			if got := ids(t, r, "keypairs", "name"); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if _, ok := r.JSON(t)["keypairs_links"]; ok != tt.wantLinks {
				t.Errorf("keypairs_links present %v: %s", ok, r.Body)
			}
		})
	}
	// Item keys per microversion, against the samples.
	r := b.do("GET", "/os-keypairs", b.demo, "2.1", nil)
	item := r.JSON(t)["keypairs"].([]any)[0].(map[string]any)["keypair"].(map[string]any)
	sameKeys(t, "list 2.1", item, sampleDoc(t, "os-keypairs/keypairs-list-resp.json")["keypairs"].([]any)[0].(map[string]any)["keypair"].(map[string]any))
	r = b.do("GET", "/os-keypairs/a", b.demo, "2.1", nil)
	sameKeys(t, "show 2.1", r.JSON(t)["keypair"].(map[string]any), sampleDoc(t, "os-keypairs/keypairs-get-resp.json")["keypair"].(map[string]any))
	r = b.do("GET", "/os-keypairs/a", b.demo, "2.2", nil)
	k := r.JSON(t)["keypair"].(map[string]any)
	sameKeys(t, "show 2.2", k, sampleDoc(t, "os-keypairs/v2.2/keypairs-get-resp.json")["keypair"].(map[string]any))
	if k["user_id"] != demoUser || k["deleted"] != false || k["updated_at"] != nil {
		t.Errorf("show: %s", r.Body)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000000", k["created_at"].(string)); err != nil {
		t.Errorf("created_at: %v", err)
	}
	if status, msg := fault(t, b.do("GET", "/os-keypairs/nope", b.demo, "2.1", nil)); status != 404 ||
		msg != "Keypair nope not found for user "+demoUser {
		t.Errorf("show unknown: %d %q", status, msg)
	}
	if r := b.do("GET", "/os-keypairs/adm", b.demo, "2.1", nil); r.Status != 404 {
		t.Errorf("other user's keypair: %d", r.Status)
	}
	if r := b.do("GET", "/os-keypairs/a?user_id="+demoUser, b.admin, "2.10", nil); r.Status != 200 {
		t.Errorf("admin show for user: %d", r.Status)
	}
	// Delete: 202 at 2.1, 204 from 2.2, then 404.
	if r := b.do("DELETE", "/os-keypairs/a", b.demo, "2.1", nil); r.Status != 202 {
		t.Errorf("delete 2.1: %d", r.Status)
	}
	if r := b.do("DELETE", "/os-keypairs/b", b.demo, "2.2", nil); r.Status != 204 {
		t.Errorf("delete 2.2: %d", r.Status)
	}
	if r := b.do("DELETE", "/os-keypairs/b", b.demo, "2.2", nil); r.Status != 404 {
		t.Errorf("delete again: %d", r.Status)
	}
	if r := b.do("DELETE", "/os-keypairs/c?user_id="+demoUser, b.admin, "2.10", nil); r.Status != 204 {
		t.Errorf("admin delete for user: %d", r.Status)
	}
}

func TestServerKeyName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if r := b.do("POST", "/os-keypairs", b.demo, "2.2", map[string]any{"keypair": map[string]any{"name": "mine", "public_key": sampleKey}}); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := b.do("POST", "/os-keypairs", b.admin, "2.2", map[string]any{"keypair": map[string]any{"name": "theirs", "public_key": sampleKey}}); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	id := b.create(t, b.demo, "withkey", map[string]any{"key_name": "mine"})
	if s := b.show(t, b.demo, id, "2.1"); s["key_name"] != "mine" {
		t.Errorf("key_name %v", s["key_name"])
	}
	body := map[string]any{"server": map[string]any{"name": "x", "imageRef": b.image, "flavorRef": "1", "networks": "none", "key_name": "theirs"}}
	if status, msg := fault(t, b.do("POST", "/servers", b.demo, "2.37", body)); status != 400 || msg != "Invalid key_name provided." {
		t.Errorf("another user's key: %d %q", status, msg)
	}
}

// userID returns the id of the user a token belongs to.
func (b *testBundle) userID(t *testing.T, token string) string {
	t.Helper()
	r := b.srv.Do(apptest.Request{Method: "GET", Path: "/identity/v3/auth/tokens", Token: b.admin, Headers: map[string]string{"X-Subject-Token": token}})
	return r.JSON(t)["token"].(map[string]any)["user"].(map[string]any)["id"].(string)
}
