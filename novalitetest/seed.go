package novalitetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Do sends a request to the cloud as user on project (a token is issued
// once per user and project) and decodes a JSON answer into out (when
// non-nil). path starts with an API prefix: /identity, /compute, /image
// or /network. It returns the status; a status of 400 or more fails the
// test unless the caller asked for it by passing want.
func (c *Cloud) Do(user, password, project, method, path string, body, out any, want ...int) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.fatalf("%s %s: %v", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		c.fatalf("%s %s: %v", method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.HasPrefix(path, "/image/") && method == http.MethodPatch {
		req.Header.Set("Content-Type", "application/openstack-images-v2.1-json-patch")
	}
	req.Header.Set("X-Auth-Token", c.token(user, password, project))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	wanted := len(want) == 0 && resp.StatusCode < 400
	for _, w := range want {
		wanted = wanted || w == resp.StatusCode
	}
	if !wanted {
		c.fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			c.fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// AdminDo is Do as the admin user on project admin.
func (c *Cloud) AdminDo(method, path string, body, out any, want ...int) int {
	c.t.Helper()
	return c.Do(AdminUser, AdminPassword, AdminProject, method, path, body, out, want...)
}

// token returns a project-scoped token, issuing it once.
func (c *Cloud) token(user, password, project string) string {
	c.t.Helper()
	key := user + "\x00" + project
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok, ok := c.tokens[key]; ok {
		return tok
	}
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": user, "password": password, "domain": map[string]any{"name": DomainName}}}},
		"scope": map[string]any{"project": map[string]any{"name": project, "domain": map[string]any{"name": DomainName}}},
	}}
	b, _ := json.Marshal(body)
	resp, err := http.Post(c.IdentityURL+"/auth/tokens", "application/json", bytes.NewReader(b))
	if err != nil {
		c.fatalf("token for %s on %s: %v", user, project, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		data, _ := io.ReadAll(resp.Body)
		c.fatalf("token for %s on %s: %d %s", user, project, resp.StatusCode, data)
	}
	tok := resp.Header.Get("X-Subject-Token")
	c.tokens[key] = tok
	return tok
}

// findDefaults reads the ids of the bootstrap's flavor, image and network.
func (c *Cloud) findDefaults() error {
	var flavors struct {
		Flavors []struct{ ID, Name string }
	}
	c.AdminDo("GET", "/compute/v2.1/flavors", nil, &flavors)
	var images struct {
		Images []struct{ ID, Name string }
	}
	c.AdminDo("GET", "/image/v2/images?name=cirros", nil, &images)
	var nets struct {
		Networks []struct{ ID, Name string }
	}
	c.AdminDo("GET", "/network/v2.0/networks?name=private", nil, &nets)
	for _, f := range flavors.Flavors {
		if f.Name == "m1.tiny" {
			c.FlavorID = f.ID
		}
	}
	if len(images.Images) > 0 {
		c.ImageID = images.Images[0].ID
	}
	if len(nets.Networks) > 0 {
		c.NetworkID = nets.Networks[0].ID
	}
	if c.FlavorID == "" || c.ImageID == "" || c.NetworkID == "" {
		return fmt.Errorf("bootstrap resources missing: flavor %q image %q network %q", c.FlavorID, c.ImageID, c.NetworkID)
	}
	return nil
}

// AddProject creates a project in the Default domain and returns its id.
func (c *Cloud) AddProject(name string) string {
	c.t.Helper()
	var out struct{ Project struct{ ID string } }
	c.AdminDo("POST", "/identity/v3/projects", map[string]any{"project": map[string]any{
		"name": name, "domain_id": "default", "enabled": true}}, &out)
	return out.Project.ID
}

// AddUser creates a user in the Default domain with role (member, reader,
// manager or admin) on the project named project, and returns its id.
func (c *Cloud) AddUser(name, password, project, role string) string {
	c.t.Helper()
	var u struct{ User struct{ ID string } }
	c.AdminDo("POST", "/identity/v3/users", map[string]any{"user": map[string]any{
		"name": name, "password": password, "domain_id": "default", "enabled": true}}, &u)
	var ps struct{ Projects []struct{ ID string } }
	c.AdminDo("GET", "/identity/v3/projects?name="+project, nil, &ps)
	var rs struct{ Roles []struct{ ID string } }
	c.AdminDo("GET", "/identity/v3/roles?name="+role, nil, &rs)
	if len(ps.Projects) != 1 || len(rs.Roles) != 1 {
		c.fatalf("add user %s: project %q or role %q not found", name, project, role)
	}
	c.AdminDo("PUT", "/identity/v3/projects/"+ps.Projects[0].ID+"/users/"+u.User.ID+"/roles/"+rs.Roles[0].ID, nil, nil)
	return u.User.ID
}

// AddFlavor creates a public flavor and returns its id.
func (c *Cloud) AddFlavor(name string, vcpus, ramMB, diskGB int) string {
	c.t.Helper()
	var out struct{ Flavor struct{ ID string } }
	c.AdminDo("POST", "/compute/v2.1/flavors", map[string]any{"flavor": map[string]any{
		"name": name, "vcpus": vcpus, "ram": ramMB, "disk": diskGB}}, &out)
	return out.Flavor.ID
}

// AddImage creates a public, active image holding data and returns its id.
func (c *Cloud) AddImage(name string, data []byte) string {
	c.t.Helper()
	var im struct{ ID string }
	c.AdminDo("POST", "/image/v2/images", map[string]any{"name": name, "disk_format": "raw",
		"container_format": "bare", "visibility": "public"}, &im)
	req, err := http.NewRequest("PUT", c.URL+"/image/v2/images/"+im.ID+"/file", bytes.NewReader(data))
	if err != nil {
		c.fatalf("upload %s: %v", name, err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("X-Auth-Token", c.token(AdminUser, AdminPassword, AdminProject))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.fatalf("upload %s: %v", name, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		c.fatalf("upload %s: status %d", name, resp.StatusCode)
	}
	return im.ID
}

// AddNetwork creates a shared network with one IPv4 subnet and returns
// the network's id.
func (c *Cloud) AddNetwork(name, cidr string) string {
	c.t.Helper()
	var n struct{ Network struct{ ID string } }
	c.AdminDo("POST", "/network/v2.0/networks", map[string]any{"network": map[string]any{
		"name": name, "shared": true}}, &n)
	c.AdminDo("POST", "/network/v2.0/subnets", map[string]any{"subnet": map[string]any{
		"network_id": n.Network.ID, "name": name + "-subnet", "cidr": cidr, "ip_version": 4}}, nil)
	return n.Network.ID
}
