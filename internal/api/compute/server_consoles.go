package compute

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// Console output and remote consoles. The console log comes from the
// host's driver. A noVNC console's URL is served by novalite itself on
// the API's listener (internal/api/console): its token, stored hashed,
// lets the websocket relay reach the guest's VNC server for
// compute.ConsoleTokenTTL.

var consoleOutputValue = obj{"type": []any{"object", "null"}, "properties": obj{
	"length": obj{"type": []any{"integer", "string", "null"}, "pattern": "^-?[0-9]+$", "minimum": -1}},
	"additionalProperties": false}

func (a *API) consoleOutput(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, err := actionRequest[struct {
		Length Nullable[looseInt] `json:"length"` // null or left out: all of it
	}](act, requestMV(r), fixed(consoleOutputValue))
	if err != nil {
		return err
	}
	length := -1
	if l := q.Length.Ptr(); l != nil {
		length = int(*l)
	}
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return err
	}
	out, err := a.svc.Compute.ConsoleOutput(r.Context(), s.Server, length)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Output string `json:"output"`
	}{out})
	return nil
}

// NoVNCPath is where the console proxy is mounted on the API's listener:
// the page at NoVNCPath+"/vnc_auto.html" and the websocket at
// NoVNCPath+"/websockify".
const NoVNCPath = "/novnc"

// openConsole checks that the server can have a console and that the
// protocol's proxy is enabled (Nova's order), then gives its URL.
func (a *API) openConsole(r *http.Request, s novalite.Server, protocol, kind string) (string, error) {
	if err := compute.CheckConsole(s); err != nil {
		return "", err
	}
	if !consoleEnabled(protocol) {
		return "", novalite.Errorf(novalite.Invalid, "Unavailable console type %s.", kind)
	}
	return a.consoleURL(r, s, protocol, kind)
}

// consoleURL is the URL of a console of protocol and type. A noVNC one
// is on the API's own listener, in the shape of Nova's
// (vnc_auto.html?path=<websocket path>%3Ftoken%3D…, the path relative to
// the root, as noVNC and Tempest read it); the others, which no proxy
// serves, are on the API's host at the port Nova's proxies use.
func (a *API) consoleURL(r *http.Request, s novalite.Server, protocol, kind string) (string, error) {
	if protocol == "vnc" && kind == "novnc" {
		token, err := a.svc.Compute.CreateConsoleToken(r.Context(), s, kind)
		if err != nil {
			return "", err
		}
		scheme := "http://"
		if r.TLS != nil {
			scheme = "https://"
		}
		return scheme + r.Host + NoVNCPath + "/vnc_auto.html?path=" +
			url.QueryEscape(strings.TrimPrefix(NoVNCPath, "/")+"/websockify?token="+token), nil
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	token := uuid.NewString()
	switch protocol {
	case "spice":
		return "http://" + host + ":6082/spice_auto.html?token=" + token, nil
	case "rdp":
		return "http://" + host + ":6083/?token=" + token, nil
	case "serial":
		return "ws://" + host + ":6083/?token=" + token, nil
	case "mks":
		return "http://" + host + ":6090/?token=" + token, nil
	}
	return "http://" + host + ":6081/console?token=" + token, nil // xvpvnc
}

// consoleEnabled is Nova's default console configuration (and DevStack's):
// only VNC is enabled.
func consoleEnabled(protocol string) bool { return protocol == "vnc" }

// openedConsole is an opened console: its protocol (remote-consoles only),
// type and URL.
type openedConsole struct {
	Protocol string `json:"protocol,omitempty"`
	Type     string `json:"type"`
	URL      string `json:"url"`
}

// consoleConnection is what a console token connects to; tls_port is
// there from 2.99.
type consoleConnection struct {
	Host               string         `json:"host"`
	InstanceUUID       string         `json:"instance_uuid"`
	InternalAccessPath *string        `json:"internal_access_path"`
	Port               *int           `json:"port"`
	TLSPort            Optional[*int] `json:"tls_port,omitzero"`
}

// consoleRequest is a console's protocol (remote-consoles) and type.
type consoleRequest struct {
	Protocol string `json:"protocol"`
	Type     string `json:"type"`
}

// oldConsole is one of the console actions before 2.6.
func oldConsole(protocol string, types ...string) actionFunc {
	enum := make([]any, len(types))
	for i, t := range types {
		enum[i] = t
	}
	value := obj{"type": "object", "properties": obj{"type": obj{"type": "string", "enum": enum}},
		"required": []any{"type"}, "additionalProperties": false}
	return func(a *API, w http.ResponseWriter, r *http.Request, act actionCall) error {
		q, s, err := actionOn[consoleRequest](a, r, act, fixed(value))
		if err != nil {
			return err
		}
		kind := q.Type
		u, err := a.openConsole(r, s.Server, protocol, kind)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, struct {
			Console openedConsole `json:"console"`
		}{openedConsole{Type: kind, URL: u}})
		return nil
	}
}

func remoteConsoleSchema(mv microversion.Version) obj {
	protocols := []any{"vnc", "spice", "rdp", "serial"}
	types := []any{"novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"}
	if mv.AtLeast(2, 8) {
		protocols, types = append(protocols, "mks"), append(types, "webmks")
	}
	return obj{"type": "object", "required": []any{"remote_console"}, "additionalProperties": false,
		"properties": obj{"remote_console": obj{"type": "object", "required": []any{"protocol", "type"},
			"additionalProperties": false, "properties": obj{
				"protocol": obj{"type": "string", "enum": protocols}, "type": obj{"type": "string", "enum": types}}}}}
}

// consoleTypes are the types each protocol offers.
var consoleTypes = map[string][]string{"vnc": {"novnc", "xvpvnc"}, "spice": {"spice-html5"}, "rdp": {"rdp-html5"},
	"serial": {"serial"}, "mks": {"webmks"}}

// createRemoteConsole is POST /servers/{id}/remote-consoles (2.6+).
func (a *API) createRemoteConsole(w http.ResponseWriter, r *http.Request) error {
	mv := requestMV(r)
	req, err := decodeRequest[struct {
		RemoteConsole consoleRequest `json:"remote_console"`
	}](r, schemaFor("remote-console", mv, remoteConsoleSchema))
	if err != nil {
		return err
	}
	protocol, kind := req.RemoteConsole.Protocol, req.RemoteConsole.Type
	s, err := a.findServer(r, "os_compute_api:os-remote-consoles")
	if err != nil {
		return err
	}
	valid := false
	for _, t := range consoleTypes[protocol] {
		valid = valid || t == kind
	}
	if !valid {
		return novalite.Errorf(novalite.Invalid, "Invalid console type %s", kind)
	}
	u, err := a.openConsole(r, s.Server, protocol, kind)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		RemoteConsole openedConsole `json:"remote_console"`
	}{openedConsole{Protocol: protocol, Type: kind, URL: u}})
	return nil
}

// showConsoleAuthToken is GET /os-console-auth-tokens/{token} (admin):
// what a console token connects to. Before 2.31 only RDP tokens could be
// shown, and novalite makes none: any valid token is Nova's 401 there.
func (a *API) showConsoleAuthToken(w http.ResponseWriter, r *http.Request) error {
	if err := policy.Authorize(httpx.Caller(r.Context()), "os_compute_api:os-console-auth-tokens", policy.Target{}); err != nil {
		return err
	}
	ca, err := a.svc.Compute.CheckConsoleToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	mv := requestMV(r)
	if !mv.AtLeast(2, 31) && ca.Type != "rdp-html5" {
		return novalite.Errorf(novalite.Unauthorized, "The requested console type details are not accessible")
	}
	// The guest's VNC server listens on a unix socket of its host, not on
	// a TCP port: port and internal_access_path are null.
	httpx.WriteJSON(w, http.StatusOK, struct {
		Console consoleConnection `json:"console"`
	}{consoleConnection{InstanceUUID: ca.InstanceUUID, Host: ca.Host, TLSPort: optIf[*int](mv.AtLeast(2, 99), nil)}})
	return nil
}
