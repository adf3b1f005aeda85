package compute

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// createRequest is the body of POST /servers, decoded once the schema
// has passed.
type createRequest struct {
	Server      createBody   `json:"server"`
	Hints       hintsRequest `json:"os:scheduler_hints"`
	LegacyHints hintsRequest `json:"OS-SCH-HNT:scheduler_hints"`
}

// createBody is the "server" object of a create.
type createBody struct {
	Name                string                          `json:"name"`
	Description         Nullable[string]                `json:"description"` // 2.19
	ImageRef            string                          `json:"imageRef"`
	FlavorRef           looseString                     `json:"flavorRef"`
	AdminPass           string                          `json:"adminPass"`
	KeyName             Optional[string]                `json:"key_name"`
	Metadata            map[string]string               `json:"metadata"`
	Networks            Optional[netRequest]            `json:"networks"`
	DiskConfig          Optional[string]                `json:"OS-DCF:diskConfig"`
	AccessIPv4          string                          `json:"accessIPv4"`
	AccessIPv6          string                          `json:"accessIPv6"`
	AvailabilityZone    string                          `json:"availability_zone"`
	BDM                 Optional[[]compute.BlockDevice] `json:"block_device_mapping"`
	BDMv2               Optional[[]compute.BlockDevice] `json:"block_device_mapping_v2"`
	ConfigDrive         looseBool                       `json:"config_drive"`
	MinCount            Optional[looseInt]              `json:"min_count"`
	MaxCount            Optional[looseInt]              `json:"max_count"`
	ReturnReservationID any                             `json:"return_reservation_id"` // read by pyTruth
	SecurityGroups      Optional[[]groupRef]            `json:"security_groups"`
	UserData            Optional[string]                `json:"user_data"`
	Tags                []string                        `json:"tags"`                       // 2.52
	TrustedCerts        []string                        `json:"trusted_image_certificates"` // 2.63
	Host                string                          `json:"host"`                       // 2.74
	Node                string                          `json:"hypervisor_hostname"`        // 2.74
	Hostname            string                          `json:"hostname"`                   // 2.90
}

// createdServer is the answer to a create of one server.
type createdServer struct {
	DiskConfig     string     `json:"OS-DCF:diskConfig"`
	AdminPass      string     `json:"adminPass"`
	ID             string     `json:"id"`
	Links          []link     `json:"links"`
	SecurityGroups []groupRef `json:"security_groups"`
}

// groupRef names a security group.
type groupRef struct {
	Name *string `json:"name,omitempty"`
}

// netRequest is "networks": "auto", "none", or a list.
type netRequest struct {
	Mode  string // auto, none or list
	Items []netItem
}

// netItem is one entry of a networks list.
type netItem struct {
	UUID    Optional[string] `json:"uuid"`
	Port    string           `json:"port"`
	FixedIP string           `json:"fixed_ip"`
	Tag     string           `json:"tag"`
}

// UnmarshalJSON reads the string or the list.
func (n *netRequest) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &n.Mode); err == nil {
		return nil
	}
	n.Mode = "list"
	return json.Unmarshal(b, &n.Items)
}

// createServer is POST /servers: one server, or min_count..max_count.
func (a *API) createServer(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeRequest[createRequest](r, schemaFor("create", requestMV(r), createSchemaDoc))
	if err != nil {
		return err
	}
	p, err := a.createParams(r, req)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	res, err := a.svc.Compute.CreateServers(r.Context(), c, p)
	if err != nil {
		return err
	}
	// Nova tests the value as sent (`if server_dict.get(...)`), not a
	// bool_from_string of it: "False" asks for the reservation id too.
	if pyTruth(req.Server.ReturnReservationID) {
		httpx.WriteJSON(w, http.StatusAccepted, struct {
			ReservationID string `json:"reservation_id"`
		}{res.ReservationID})
		return nil
	}
	first := res.Servers[0]
	links := a.links(r, "servers", first.ID)
	groups := []groupRef{{Name: new("default")}}
	if req.Server.SecurityGroups.Set {
		groups = req.Server.SecurityGroups.Value
	}
	w.Header().Set("Location", links[0].Href)
	httpx.WriteJSON(w, http.StatusAccepted, struct {
		Server createdServer `json:"server"`
	}{createdServer{ID: first.ID, Links: links, SecurityGroups: groups, AdminPass: res.AdminPass,
		DiskConfig: map[bool]string{true: "AUTO", false: "MANUAL"}[first.AutoDiskConfig]}})
	return nil
}

// createParams checks what the schema cannot and authorizes the optional
// parts of the request, both in Nova's order.
func (a *API) createParams(r *http.Request, req createRequest) (compute.CreateServersParams, error) {
	srv, c := req.Server, httpx.Caller(r.Context())
	p := compute.CreateServersParams{Name: srv.Name,
		ImageRef: srv.ImageRef, FlavorRef: string(srv.FlavorRef), AvailabilityZone: srv.AvailabilityZone,
		Host: srv.Host, Node: srv.Node, Hostname: srv.Hostname, TrustedCerts: srv.TrustedCerts}
	if err := checkCreateFields(&p, srv, requestMV(r)); err != nil {
		return p, err
	}
	forced := strings.Contains(p.AvailabilityZone, ":")
	if err := authorizeCreate(c, "os_compute_api:servers:create", true); err != nil {
		return p, err
	}
	if err := authorizeCreate(c, "os_compute_api:servers:create:forced_host", forced); err != nil {
		return p, err
	}
	if err := createNetworks(&p, srv.Networks, requestMV(r).AtLeast(2, 37)); err != nil {
		return p, err
	}
	if err := authorizeCreate(c, "os_compute_api:servers:create:attach_network", p.NetworksMode != "none"); err != nil {
		return p, err
	}
	p.BlockDevices = append(srv.BDMv2.Value, srv.BDM.Value...)
	if srv.BDMv2.Set && srv.BDM.Set {
		return p, novalite.Errorf(novalite.Invalid, "Using different block_device_mapping syntaxes is not allowed in the same request.")
	}
	for _, check := range []struct {
		rule string
		when bool
	}{
		{"os_compute_api:servers:create:attach_volume", len(p.BlockDevices) > 0},
		{"os_compute_api:servers:create:trusted_certs", len(p.TrustedCerts) > 0},
		{"compute:servers:create:requested_destination", p.Host != "" || p.Node != ""},
	} {
		if err := authorizeCreate(c, check.rule, check.when); err != nil {
			return p, err
		}
	}
	switch {
	case forced && (p.Host != "" || p.Node != ""):
		return p, novalite.Errorf(novalite.Invalid, "The requested availability zone is not available")
	case p.Hostname != "" && p.MaxCount > 1:
		return p, novalite.Errorf(novalite.Invalid, "Unable to allocate a single hostname to multiple instances")
	case p.ImageRef == "" && len(p.BlockDevices) == 0:
		return p, novalite.Errorf(novalite.Invalid, "Missing imageRef attribute")
	}
	createOptions(&p, req)
	p.ZeroDiskOK = policy.Allowed(c, "os_compute_api:servers:create:zero_disk_flavor", policy.Target{ProjectID: c.ProjectID})
	return p, nil
}

// authorizeCreate checks one of create's rules when the request uses
// what it guards.
func authorizeCreate(c *novalite.Caller, rule string, when bool) error {
	if !when {
		return nil
	}
	return policy.Authorize(c, rule, policy.Target{ProjectID: c.ProjectID, UserID: c.UserID})
}

// checkCreateFields checks names, user_data and counts, and reads the
// description as the microversion wants it.
func checkCreateFields(p *compute.CreateServersParams, srv createBody, mv microversion.Version) error {
	for _, f := range []struct{ name, v string }{
		{"name", srv.Name}, {"availability_zone", srv.AvailabilityZone}, {"key_name", srv.KeyName.Value},
	} {
		if err := validName(f.name, f.v); err != nil {
			return err
		}
	}
	for _, g := range srv.SecurityGroups.Value {
		if g.Name == nil {
			continue
		}
		if err := validName("name", *g.Name); err != nil {
			return err
		}
		if !slices.Contains(p.SecurityGroups, *g.Name) {
			p.SecurityGroups = append(p.SecurityGroups, *g.Name)
		}
	}
	if srv.UserData.Set {
		if err := checkUserData(srv.UserData.Value); err != nil {
			return err
		}
		p.UserData = srv.UserData.Ptr()
	}
	name := p.Name // below 2.19 the description is the name
	p.Description = &name
	if mv.AtLeast(2, 19) {
		p.Description = srv.Description.Ptr()
	}
	p.MinCount = int(srv.MinCount.Or(1))
	p.MaxCount = int(srv.MaxCount.Or(looseInt(p.MinCount)))
	if p.MinCount > p.MaxCount {
		return novalite.Errorf(novalite.Invalid, "min_count must be <= max_count")
	}
	return nil
}

// createOptions copies the fields that need no further checks.
func createOptions(p *compute.CreateServersParams, req createRequest) {
	srv := req.Server
	p.AdminPass, p.KeyName, p.Metadata = srv.AdminPass, srv.KeyName.Ptr(), srv.Metadata
	for _, t := range srv.Tags {
		if !slices.Contains(p.Tags, t) {
			p.Tags = append(p.Tags, t)
		}
	}
	p.ConfigDrive, p.AutoDiskConfig = bool(srv.ConfigDrive), diskConfig(srv.DiskConfig)
	p.AccessIPv4, p.AccessIPv6 = canonicalIP(srv.AccessIPv4), canonicalIP(srv.AccessIPv6)
	p.SchedulerHints = req.Hints.hints
	if !req.Hints.set {
		p.SchedulerHints = req.LegacyHints.hints
	}
}

// createNetworks reads networks with the rules of Nova's
// _get_requested_networks.
func createNetworks(p *compute.CreateServersParams, nets Optional[netRequest], v237 bool) error {
	if !nets.Set {
		p.NetworksMode = "auto" // below 2.37 only: the schema requires it later
		return nil
	}
	p.NetworksMode = nets.Value.Mode
	var ports []string
	for _, n := range nets.Value.Items {
		item := compute.NetworkItem{UUID: n.UUID.Value, Port: n.Port, FixedIP: n.FixedIP, Tag: n.Tag}
		if item.Port != "" {
			if item.FixedIP != "" {
				return novalite.Errorf(novalite.Invalid,
					"Specified Fixed IP '%s' cannot be used with port '%s': the two cannot be specified together.", item.FixedIP, item.Port)
			}
			if slices.Contains(ports, item.Port) {
				return novalite.Errorf(novalite.Invalid,
					"Port ID '%s' was specified twice: you cannot attach a port multiple times.", item.Port)
			}
			ports = append(ports, item.Port)
			if p.MaxCount > 1 {
				return novalite.Errorf(novalite.Invalid, "Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.")
			}
		} else {
			if !n.UUID.Set {
				return novalite.Errorf(novalite.Invalid, "Bad network format: missing 'uuid'")
			}
			if !v237 {
				if _, err := uuid.Parse(item.UUID); err != nil {
					return novalite.Errorf(novalite.Invalid, "Bad networks format: network uuid is not in proper format (%s)", item.UUID)
				}
			}
		}
		if item.FixedIP != "" && p.MaxCount > 1 {
			return novalite.Errorf(novalite.Invalid, "max_count cannot be greater than 1 if an fixed_ip is specified.")
		}
		p.Networks = append(p.Networks, item)
	}
	return nil
}
