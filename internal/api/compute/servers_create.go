package compute

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }

// createServer is POST /servers: one server, or min_count..max_count.
func (a *API) createServer(w http.ResponseWriter, r *http.Request) error {
	mv := MV(r)
	body, err := decodeBody(r, schemaFor("create", mv, createSchemaDoc))
	if err != nil {
		return err
	}
	srv, _ := body["server"].(map[string]any)
	p, err := a.createParams(r, srv, body)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	res, err := a.svc.Compute.CreateServers(r.Context(), c, p)
	if err != nil {
		return err
	}
	if b, _ := boolValue(srv["return_reservation_id"]); b {
		httpx.WriteJSON(w, http.StatusAccepted, map[string]any{"reservation_id": res.ReservationID})
		return nil
	}
	first := res.Servers[0]
	links := a.links(r, "servers", first.ID)
	groups := srv["security_groups"]
	if groups == nil {
		groups = []any{map[string]any{"name": "default"}}
	}
	w.Header().Set("Location", links[0]["href"].(string))
	httpx.WriteJSON(w, http.StatusAccepted, map[string]any{"server": map[string]any{
		"id": first.ID, "links": links, "security_groups": groups, "adminPass": res.AdminPass,
		"OS-DCF:diskConfig": map[bool]string{true: "AUTO", false: "MANUAL"}[first.AutoDiskConfig],
	}})
	return nil
}

// createParams checks what the schema cannot, in Nova's order, and
// authorizes the optional parts of the request.
func (a *API) createParams(r *http.Request, srv, body map[string]any) (compute.CreateServersParams, error) {
	c, mv := httpx.Caller(r.Context()), MV(r)
	p := compute.CreateServersParams{RequestID: httpx.RequestID(r.Context()), MinCount: 1}
	for _, f := range []string{"name", "availability_zone", "key_name"} {
		if err := validName(f, srv[f]); err != nil {
			return p, err
		}
	}
	for _, g := range asList(srv["security_groups"]) {
		if m, ok := g.(map[string]any); ok {
			if err := validName("name", m["name"]); err != nil {
				return p, err
			}
			if n, ok := m["name"].(string); ok && !slices.Contains(p.SecurityGroups, n) {
				p.SecurityGroups = append(p.SecurityGroups, n)
			}
		}
	}
	if ud, ok := srv["user_data"].(string); ok {
		if _, err := base64.StdEncoding.DecodeString(ud); err != nil {
			return p, novalite.Errorf(novalite.Invalid,
				"Invalid input for field/attribute user_data. Value: %s. '%s' is not a 'base64'", ud, ud)
		}
		p.UserData = &ud
	}
	p.Name, _ = srv["name"].(string)
	if mv.AtLeast(2, 19) {
		if d, ok := srv["description"].(string); ok {
			p.Description = &d
		}
	} else {
		name := p.Name // below 2.19 the description is the name
		p.Description = &name
	}
	if n, ok := srv["min_count"]; ok {
		p.MinCount = intValue(n)
	}
	p.MaxCount = p.MinCount
	if n, ok := srv["max_count"]; ok {
		p.MaxCount = intValue(n)
	}
	if p.MinCount > p.MaxCount {
		return p, novalite.Errorf(novalite.Invalid, "min_count must be <= max_count")
	}
	target := policy.Target{ProjectID: c.ProjectID, UserID: c.UserID}
	if err := policy.Authorize(c, "os_compute_api:servers:create", target); err != nil {
		return p, err
	}
	p.AvailabilityZone, _ = srv["availability_zone"].(string)
	if strings.Contains(p.AvailabilityZone, ":") {
		if err := policy.Authorize(c, "os_compute_api:servers:create:forced_host", target); err != nil {
			return p, err
		}
	}
	if err := a.createNetworks(&p, srv, mv.AtLeast(2, 37)); err != nil {
		return p, err
	}
	if p.NetworksMode != "none" {
		if err := policy.Authorize(c, "os_compute_api:servers:create:attach_network", target); err != nil {
			return p, err
		}
	}
	for _, key := range []string{"block_device_mapping_v2", "block_device_mapping"} {
		for _, b := range asList(srv[key]) {
			if m, ok := b.(map[string]any); ok {
				p.BlockDevices = append(p.BlockDevices, m)
			}
		}
	}
	if srv["block_device_mapping_v2"] != nil && srv["block_device_mapping"] != nil {
		return p, novalite.Errorf(novalite.Invalid, "Using different block_device_mapping syntaxes is not allowed in the same request.")
	}
	if len(p.BlockDevices) > 0 {
		if err := policy.Authorize(c, "os_compute_api:servers:create:attach_volume", target); err != nil {
			return p, err
		}
	}
	if certs := asList(srv["trusted_image_certificates"]); len(certs) > 0 {
		if err := policy.Authorize(c, "os_compute_api:servers:create:trusted_certs", target); err != nil {
			return p, err
		}
		for _, x := range certs {
			p.TrustedCerts = append(p.TrustedCerts, fmt.Sprint(x))
		}
	}
	p.Host, _ = srv["host"].(string)
	p.Node, _ = srv["hypervisor_hostname"].(string)
	if p.Host != "" || p.Node != "" {
		if err := policy.Authorize(c, "compute:servers:create:requested_destination", target); err != nil {
			return p, err
		}
		if strings.Contains(p.AvailabilityZone, ":") {
			return p, novalite.Errorf(novalite.Invalid, "The requested availability zone is not available")
		}
	}
	p.Hostname, _ = srv["hostname"].(string)
	if p.Hostname != "" && p.MaxCount > 1 {
		return p, novalite.Errorf(novalite.Invalid, "Unable to allocate a single hostname to multiple instances")
	}
	image, _ := srv["imageRef"].(string)
	if image == "" && len(p.BlockDevices) == 0 {
		return p, novalite.Errorf(novalite.Invalid, "Missing imageRef attribute")
	}
	p.ImageRef = image
	p.FlavorRef = fmt.Sprint(srv["flavorRef"])
	a.createOptions(&p, srv, body)
	return p, nil
}

// createOptions copies the fields that need no further checks.
func (a *API) createOptions(p *compute.CreateServersParams, srv, body map[string]any) {
	p.AdminPass, _ = srv["adminPass"].(string)
	if k, ok := srv["key_name"].(string); ok {
		p.KeyName = &k
	}
	if md, ok := srv["metadata"].(map[string]any); ok {
		p.Metadata = map[string]string{}
		for k, v := range md {
			p.Metadata[k], _ = v.(string)
		}
	}
	for _, t := range asList(srv["tags"]) {
		if s, ok := t.(string); ok && !slices.Contains(p.Tags, s) {
			p.Tags = append(p.Tags, s)
		}
	}
	p.ConfigDrive, _ = boolValue(srv["config_drive"])
	if d, ok := srv["OS-DCF:diskConfig"].(string); ok {
		auto := d == "AUTO"
		p.AutoDiskConfig = &auto
	}
	p.AccessIPv4, _ = srv["accessIPv4"].(string)
	p.AccessIPv6, _ = srv["accessIPv6"].(string)
	p.AccessIPv4, p.AccessIPv6 = canonicalIP(p.AccessIPv4), canonicalIP(p.AccessIPv6)
	hints, _ := body["os:scheduler_hints"].(map[string]any)
	if hints == nil {
		hints, _ = body["OS-SCH-HNT:scheduler_hints"].(map[string]any)
	}
	p.SchedulerHints = map[string][]string{}
	for k, v := range hints {
		if strings.HasPrefix(k, "_nova") {
			continue
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				p.SchedulerHints[k] = append(p.SchedulerHints[k], hintString(e))
			}
		default:
			p.SchedulerHints[k] = []string{hintString(x)}
		}
	}
}

func hintString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// createNetworks reads networks with the rules of Nova's
// _get_requested_networks.
func (a *API) createNetworks(p *compute.CreateServersParams, srv map[string]any, v237 bool) error {
	nets, ok := srv["networks"]
	if !ok {
		p.NetworksMode = "auto" // below 2.37 only: the schema requires it later
		return nil
	}
	if s, ok := nets.(string); ok {
		p.NetworksMode = s
		return nil
	}
	p.NetworksMode = "list"
	var ports []string
	for _, n := range asList(nets) {
		m, _ := n.(map[string]any)
		var item compute.NetworkItem
		item.Port, _ = m["port"].(string)
		item.FixedIP, _ = m["fixed_ip"].(string)
		item.UUID, _ = m["uuid"].(string)
		item.Tag, _ = m["tag"].(string)
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
			if _, has := m["uuid"]; !has {
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

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// boolValue reads Nova's boolean parameter type (a bool or a word).
func boolValue(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(x) {
		case "true", "1", "on", "yes":
			return true, true
		}
		return false, true
	}
	return false, false
}

func intValue(v any) int {
	switch x := v.(type) {
	case json.Number:
		n, _ := x.Int64()
		return int(n)
	case string:
		n, _ := strconv.Atoi(x)
		return n
	case float64:
		return int(x)
	}
	return 0
}
