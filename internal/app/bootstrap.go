package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"

	"novalite/internal/control"
	"novalite/internal/identity"
)

// BootstrapResult says what Bootstrap made and where its files are.
type BootstrapResult struct {
	Created                      bool
	CloudsYAML, OpenRC           string
	AdminPass, DemoPass, AltPass string // "" when the users existed already
}

// Bootstrap creates the first domain, projects, roles and users when they
// do not exist, and then writes clouds.yaml and openrc into the data dir
// with their passwords. When they exist it changes nothing: the files
// written on the first start stay as they are.
func (a *App) Bootstrap(ctx context.Context) (BootstrapResult, error) {
	res := BootstrapResult{
		CloudsYAML: filepath.Join(a.Config.DataDir, "clouds.yaml"),
		OpenRC:     filepath.Join(a.Config.DataDir, "openrc"),
	}
	pw := identity.BootstrapParams{AdminPassword: a.Config.AdminPassword,
		DemoPassword: a.Config.DemoPassword, AltPassword: a.Config.AltPassword}
	for _, p := range []*string{&pw.AdminPassword, &pw.DemoPassword, &pw.AltPassword} {
		if *p == "" {
			*p = randomPassword()
		}
	}
	r, err := a.Identity.Bootstrap(ctx, pw)
	if err != nil {
		return res, fmt.Errorf("bootstrap identity: %w", err)
	}
	res.Created = r.Created
	if err := a.bootstrapResources(ctx, r.AdminProjectID); err != nil {
		return res, err
	}
	if !r.Created {
		return res, nil
	}
	if err := control.SaveBootstrap(ctx, a.DB); err != nil { // for the control API's reset
		return res, fmt.Errorf("save the bootstrap state: %w", err)
	}
	res.AdminPass, res.DemoPass, res.AltPass = pw.AdminPassword, pw.DemoPassword, pw.AltPassword
	if err := os.MkdirAll(a.Config.DataDir, 0o700); err != nil {
		return res, err
	}
	authURL := a.publicURL + IdentityPrefix + "/v3"
	if err := os.WriteFile(res.CloudsYAML, []byte(cloudsYAML(authURL, a.Config.Region, pw)), 0o600); err != nil {
		return res, err
	}
	return res, os.WriteFile(res.OpenRC, []byte(openRC(authURL, a.Config.Region, pw.AdminPassword)), 0o600)
}

func randomPassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// cloudsYAML names each bootstrap user's cloud twice: novalite's own
// names, and the names the clients' functional suites look for, written as
// DevStack writes them (domains by id: novaclient's tests read
// user_domain_id and project_domain_id).
func cloudsYAML(authURL, region string, pw identity.BootstrapParams) string {
	cloud := func(name, user, project, password, domainKey, domain string) string {
		return fmt.Sprintf(`  %s:
    auth:
      auth_url: %s
      username: %s
      password: %q
      project_name: %s
      user_domain_%s: %s
      project_domain_%s: %s
    region_name: %s
    identity_api_version: 3
    interface: public
`, name, authURL, user, password, project, domainKey, domain, domainKey, domain, region)
	}
	byName := func(name, user, project, password string) string {
		return cloud(name, user, project, password, "name", "Default")
	}
	byID := func(name, user, project, password string) string {
		return cloud(name, user, project, password, "id", "default")
	}
	return "# Written by novalite on first start.\nclouds:\n" +
		byName("novalite", "admin", "admin", pw.AdminPassword) +
		byName("novalite-demo", "demo", "demo", pw.DemoPassword) +
		byID("devstack", "demo", "demo", pw.DemoPassword) +
		byID("devstack-admin", "admin", "admin", pw.AdminPassword) +
		byID("devstack-alt", "alt_demo", "alt_demo", pw.AltPassword) +
		byID("functional_admin", "admin", "admin", pw.AdminPassword)
}

func openRC(authURL, region, adminPW string) string {
	return fmt.Sprintf(`# Written by novalite on first start: source it for the admin user.
export OS_AUTH_URL=%s
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD='%s'
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=%s
export OS_INTERFACE=public
`, authURL, adminPW, region)
}
