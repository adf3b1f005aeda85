package compute

import (
	"net"
	"net/http"

	"github.com/google/uuid"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
)

// Console output and remote consoles. The console log comes from the
// host's driver; remote consoles return a URL in Nova's form, but no
// console proxy serves it: the simulated guests have no screen
// (docs/server-actions.md).

var consoleOutputValue = obj{"type": []any{"object", "null"}, "properties": obj{
	"length": obj{"type": []any{"integer", "string", "null"}, "pattern": "^-?[0-9]+$", "minimum": -1}},
	"additionalProperties": false}

func (a *API) consoleOutput(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, err := actionRequest[struct {
		Length Nullable[looseInt] `json:"length"` // null or left out: all of it
	}](act, MV(r), fixed(consoleOutputValue))
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
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"output": out})
	return nil
}

// consoleURL is the URL of a console of protocol and type, on the API's
// host at the port Nova's proxies use by default.
func consoleURL(r *http.Request, protocol, kind string) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	token := uuid.NewString()
	switch protocol {
	case "spice":
		return "http://" + host + ":6082/spice_auto.html?token=" + token
	case "rdp":
		return "http://" + host + ":6083/?token=" + token
	case "serial":
		return "ws://" + host + ":6083/?token=" + token
	case "mks":
		return "http://" + host + ":6090/?token=" + token
	}
	if kind == "xvpvnc" {
		return "http://" + host + ":6081/console?token=" + token
	}
	return "http://" + host + ":6080/vnc_auto.html?path=%3Ftoken%3D" + token
}

// consoleEnabled is Nova's default console configuration (and DevStack's):
// only VNC is enabled.
func consoleEnabled(protocol string) bool { return protocol == "vnc" }

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
		q, err := actionRequest[consoleRequest](act, MV(r), fixed(value))
		if err != nil {
			return err
		}
		kind := q.Type
		s, err := a.findServer(r, act.rule)
		if err != nil {
			return err
		}
		if err := compute.CheckConsole(s.Server); err != nil {
			return err
		}
		if !consoleEnabled(protocol) {
			return novalite.Errorf(novalite.Invalid, "Unavailable console type %s.", kind)
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"console": map[string]any{"type": kind, "url": consoleURL(r, protocol, kind)}})
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
	mv := MV(r)
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
	if err := compute.CheckConsole(s.Server); err != nil {
		return err
	}
	if !consoleEnabled(protocol) {
		return novalite.Errorf(novalite.Invalid, "Unavailable console type %s.", kind)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"remote_console": map[string]any{
		"protocol": protocol, "type": kind, "url": consoleURL(r, protocol, kind)}})
	return nil
}
