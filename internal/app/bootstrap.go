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
	Created             bool
	CloudsYAML, OpenRC  string
	AdminPass, DemoPass string // "" when the users existed already
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
	adminPW, demoPW := a.Config.AdminPassword, a.Config.DemoPassword
	if adminPW == "" {
		adminPW = randomPassword()
	}
	if demoPW == "" {
		demoPW = randomPassword()
	}
	r, err := a.Identity.Bootstrap(ctx, identity.BootstrapParams{AdminPassword: adminPW, DemoPassword: demoPW})
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
	res.AdminPass, res.DemoPass = adminPW, demoPW
	if err := os.MkdirAll(a.Config.DataDir, 0o700); err != nil {
		return res, err
	}
	authURL := a.publicURL + IdentityPrefix + "/v3"
	if err := os.WriteFile(res.CloudsYAML, []byte(cloudsYAML(authURL, a.Config.Region, adminPW, demoPW)), 0o600); err != nil {
		return res, err
	}
	return res, os.WriteFile(res.OpenRC, []byte(openRC(authURL, a.Config.Region, adminPW)), 0o600)
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

func cloudsYAML(authURL, region, adminPW, demoPW string) string {
	cloud := func(name, user, project, pw string) string {
		return fmt.Sprintf(`  %s:
    auth:
      auth_url: %s
      username: %s
      password: %q
      project_name: %s
      user_domain_name: Default
      project_domain_name: Default
    region_name: %s
    identity_api_version: 3
    interface: public
`, name, authURL, user, pw, project, region)
	}
	return "# Written by novalite on first start.\nclouds:\n" +
		cloud("novalite", "admin", "admin", adminPW) +
		cloud("novalite-demo", "demo", "demo", demoPW) +
		cloud("devstack", "demo", "demo", demoPW) +
		cloud("devstack-admin", "admin", "admin", adminPW)
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
