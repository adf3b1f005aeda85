package app_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"novalite/internal/app/apptest"
	"novalite/internal/config"
)

// cloudsRE is one cloud of the generated clouds.yaml: its name, then the
// auth keys in the order bootstrap writes them.
var cloudsRE = regexp.MustCompile(`(?m)^  (\S+):\n    auth:\n      auth_url: (\S+)\n      username: (\S+)\n` +
	`      password: "([^"]*)"\n      project_name: (\S+)\n      user_domain_(id|name): (\S+)\n      project_domain_(?:id|name): (\S+)\n`)

// TestBootstrapClouds: every cloud of the clouds.yaml bootstrap writes, the
// clients' functional suites' names among them, logs in as its user on its
// project with the roles the suites expect, and alt_demo (--alt-password)
// is a member of a project of its own.
func TestBootstrapClouds(t *testing.T) {
	srv := apptest.Start(t, func(c *config.Config) { c.AltPassword = "alt-secret" })
	b, err := os.ReadFile(filepath.Join(srv.App.Config.DataDir, "clouds.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, m := range cloudsRE.FindAllStringSubmatch(string(b), -1) {
		got[m[1]] = m[2:]
	}
	for _, tc := range []struct {
		cloud, user, project, password string
		admin                          bool
	}{
		{"novalite", "admin", "admin", apptest.AdminPassword, true},
		{"novalite-demo", "demo", "demo", apptest.DemoPassword, false},
		{"devstack", "demo", "demo", apptest.DemoPassword, false},
		{"devstack-admin", "admin", "admin", apptest.AdminPassword, true},
		{"devstack-alt", "alt_demo", "alt_demo", "alt-secret", false},
		{"functional_admin", "admin", "admin", apptest.AdminPassword, true},
	} {
		t.Run(tc.cloud, func(t *testing.T) {
			c, ok := got[tc.cloud]
			if !ok {
				t.Fatalf("clouds.yaml has no cloud %s:\n%s", tc.cloud, b)
			}
			authURL, user, password, project, domainKey, userDomain, projectDomain := c[0], c[1], c[2], c[3], c[4], c[5], c[6]
			if authURL != srv.URL+"/identity/v3" || user != tc.user || password != tc.password || project != tc.project {
				t.Fatalf("cloud %s: %v", tc.cloud, c)
			}
			// Log in exactly as the cloud says: by domain name or id.
			domain := func(v string) map[string]any { return map[string]any{domainKey: v} }
			r := srv.Do(apptest.Request{Method: "POST", Path: "/identity/v3/auth/tokens", Body: map[string]any{"auth": map[string]any{
				"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
					"user": map[string]any{"name": user, "password": password, "domain": domain(userDomain)}}},
				"scope": map[string]any{"project": map[string]any{"name": project, "domain": domain(projectDomain)}},
			}}})
			if r.Status != http.StatusCreated {
				t.Fatalf("login as cloud %s: %d %s", tc.cloud, r.Status, r.Body)
			}
			tok := r.JSON(t)["token"].(map[string]any)
			if p := tok["project"].(map[string]any)["name"]; p != tc.project {
				t.Errorf("scoped to %v, want %s", p, tc.project)
			}
			var roles []string
			for _, x := range tok["roles"].([]any) {
				roles = append(roles, x.(map[string]any)["name"].(string))
			}
			if slices.Contains(roles, "admin") != tc.admin || !slices.Contains(roles, "member") {
				t.Errorf("roles %v (admin wanted: %v)", roles, tc.admin)
			}
		})
	}
}
