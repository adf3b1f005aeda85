package novalitetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"novalite/internal/app/apptest"
)

// User is a user's name and password and the project its tokens are
// scoped to.
type User struct {
	Name, Password, Project string
}

// Admin is the bootstrap's admin user on project admin.
var Admin = User{AdminUser, AdminPassword, AdminProject}

// Member is the bootstrap's user demo, a member of project demo.
var Member = User{MemberUser, MemberPassword, MemberProject}

// Request is one call Do makes.
type Request struct {
	// Method and Path, which starts with an API prefix: /identity,
	// /compute, /image or /network.
	Method, Path string
	// Body is sent as JSON when non-nil.
	Body any
	// Out receives the JSON answer when non-nil.
	Out any
	// Want lists the statuses the test expects; empty: any below 400.
	Want []int
}

// Do sends r to the cloud as user (a token is issued once per user and
// project) and returns the status; a status the request did not want
// fails the test.
func (c *Cloud) Do(user User, r Request) int {
	c.t.Helper()
	method, path := r.Method, r.Path
	var rd io.Reader
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
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
	req.Header.Set("X-Auth-Token", c.token(user))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	wanted := len(r.Want) == 0 && resp.StatusCode < 400
	for _, w := range r.Want {
		wanted = wanted || w == resp.StatusCode
	}
	if !wanted {
		c.fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if r.Out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, r.Out); err != nil {
			c.fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// AdminDo is Do as Admin.
func (c *Cloud) AdminDo(r Request) int {
	c.t.Helper()
	return c.Do(Admin, r)
}

// token returns a token of user scoped to its project, issuing it once.
func (c *Cloud) token(user User) string {
	c.t.Helper()
	key := user.Name + "\x00" + user.Project
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok, ok := c.tokens[key]; ok {
		return tok
	}
	b, _ := json.Marshal(apptest.PasswordAuth(user.Name, user.Password, user.Project))
	resp, err := http.Post(c.IdentityURL+"/auth/tokens", "application/json", bytes.NewReader(b))
	if err != nil {
		c.fatalf("token for %s on %s: %v", user.Name, user.Project, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		data, _ := io.ReadAll(resp.Body)
		c.fatalf("token for %s on %s: %d %s", user.Name, user.Project, resp.StatusCode, data)
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
	c.AdminDo(Request{Method: "GET", Path: "/compute/v2.1/flavors", Out: &flavors})
	var images struct {
		Images []struct{ ID, Name string }
	}
	c.AdminDo(Request{Method: "GET", Path: "/image/v2/images?name=cirros", Out: &images})
	var nets struct {
		Networks []struct{ ID, Name string }
	}
	c.AdminDo(Request{Method: "GET", Path: "/network/v2.0/networks?name=private", Out: &nets})
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
	c.AdminDo(Request{Method: "POST", Path: "/identity/v3/projects", Out: &out, Body: map[string]any{
		"project": map[string]any{"name": name, "domain_id": "default", "enabled": true}}})
	return out.Project.ID
}

// AddUser creates user in the Default domain with role (member, reader,
// manager or admin) on its project, and returns its id.
func (c *Cloud) AddUser(user User, role string) string {
	c.t.Helper()
	var u struct{ User struct{ ID string } }
	c.AdminDo(Request{Method: "POST", Path: "/identity/v3/users", Out: &u, Body: map[string]any{"user": map[string]any{
		"name": user.Name, "password": user.Password, "domain_id": "default", "enabled": true}}})
	var ps struct{ Projects []struct{ ID string } }
	c.AdminDo(Request{Method: "GET", Path: "/identity/v3/projects?name=" + user.Project, Out: &ps})
	var rs struct{ Roles []struct{ ID string } }
	c.AdminDo(Request{Method: "GET", Path: "/identity/v3/roles?name=" + role, Out: &rs})
	if len(ps.Projects) != 1 || len(rs.Roles) != 1 {
		c.fatalf("add user %s: project %q or role %q not found", user.Name, user.Project, role)
	}
	c.AdminDo(Request{Method: "PUT", Path: "/identity/v3/projects/" + ps.Projects[0].ID + "/users/" + u.User.ID + "/roles/" + rs.Roles[0].ID})
	return u.User.ID
}

// Size is what a flavor gives a server, or a host has: vCPUs, RAM (MiB)
// and disk (GiB).
type Size struct {
	VCPUs, RAMMB, DiskGB int64
}

// AddFlavor creates a public flavor of size and returns its id.
func (c *Cloud) AddFlavor(name string, size Size) string {
	c.t.Helper()
	var out struct{ Flavor struct{ ID string } }
	c.AdminDo(Request{Method: "POST", Path: "/compute/v2.1/flavors", Out: &out, Body: map[string]any{"flavor": map[string]any{
		"name": name, "vcpus": size.VCPUs, "ram": size.RAMMB, "disk": size.DiskGB}}})
	return out.Flavor.ID
}

// AddImage creates a public, active image holding data and returns its id.
func (c *Cloud) AddImage(name string, data []byte) string {
	c.t.Helper()
	var im struct{ ID string }
	c.AdminDo(Request{Method: "POST", Path: "/image/v2/images", Out: &im, Body: map[string]any{
		"name": name, "disk_format": "raw", "container_format": "bare", "visibility": "public"}})
	req, err := http.NewRequest("PUT", c.URL+"/image/v2/images/"+im.ID+"/file", bytes.NewReader(data))
	if err != nil {
		c.fatalf("upload %s: %v", name, err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("X-Auth-Token", c.token(Admin))
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
	c.AdminDo(Request{Method: "POST", Path: "/network/v2.0/networks", Out: &n, Body: map[string]any{
		"network": map[string]any{"name": name, "shared": true}}})
	c.AdminDo(Request{Method: "POST", Path: "/network/v2.0/subnets", Body: map[string]any{"subnet": map[string]any{
		"network_id": n.Network.ID, "name": name + "-subnet", "cidr": cidr, "ip_version": 4}}})
	return n.Network.ID
}
