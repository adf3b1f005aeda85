// Package control serves the control API under /novalite/v1 (off unless
// `serve --control-api`): the test cloud's knobs — the clock, the
// simulated hosts and their fault knobs — for admins only. Errors are
// Nova's fault bodies. docs/control-api.md describes every call.
package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/control"
)

// API is the control HTTP API.
type API struct {
	svc *control.Service
}

// New returns the control API's handler for mounting at its prefix
// (stripped before routing).
func New(svc *control.Service, v httpx.Validator, identityURL func(*http.Request) string, ew httpx.ErrorWriter) http.Handler {
	a := &API{svc: svc}
	mux := http.NewServeMux()
	admin := func(pattern string, h httpx.HandlerFunc) {
		mux.Handle(pattern, httpx.Authenticate(httpx.Adapt(adminOnly(h), ew), v, identityURL, ew))
	}
	admin("GET /clock", a.showClock)
	admin("POST /clock/advance", a.advance)
	admin("GET /hosts", a.listHosts)
	admin("GET /hosts/{name}", a.showHost)
	admin("PATCH /hosts/{name}", a.updateHost)
	admin("GET /state", a.exportState)
	admin("PUT /state", a.importState)
	admin("POST /reset", a.reset)
	return mux
}

func adminOnly(h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !httpx.Caller(r.Context()).HasRole("admin") {
			return novalite.Errorf(novalite.Forbidden, "The control API is for admins only.")
		}
		return h(w, r)
	}
}

// readStrict decodes the body into v, refusing unknown fields.
func readStrict(r *http.Request, v any) error {
	var raw json.RawMessage
	isNull, err := httpx.ReadBody(r, &raw, "Malformed request body.")
	if err != nil {
		return err
	}
	if isNull {
		return novalite.Errorf(novalite.Invalid, "A request body is required.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return novalite.Wrap(novalite.Invalid, err, "Invalid input for this request: "+err.Error())
	}
	return nil
}

type clockView struct {
	Now           string  `json:"now"`
	OffsetSeconds float64 `json:"offset_seconds"`
}

func viewClock(now time.Time, off time.Duration) map[string]clockView {
	return map[string]clockView{"clock": {Now: now.UTC().Format(time.RFC3339Nano), OffsetSeconds: off.Seconds()}}
}

func (a *API) showClock(w http.ResponseWriter, r *http.Request) error {
	httpx.WriteJSON(w, http.StatusOK, viewClock(a.svc.Clock()))
	return nil
}

func (a *API) advance(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Seconds *float64 `json:"seconds"`
	}
	if err := readStrict(r, &body); err != nil {
		return err
	}
	if body.Seconds == nil {
		return novalite.Errorf(novalite.Invalid, "Invalid input for this request: 'seconds' is a required property.")
	}
	now, off, err := a.svc.Advance(r.Context(), time.Duration(*body.Seconds*float64(time.Second)))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, viewClock(now, off))
	return nil
}

type hostView struct {
	Name          string            `json:"name"`
	Zone          string            `json:"zone"`
	Driver        string            `json:"driver"`
	Up            bool              `json:"up"`
	SimulatedDown bool              `json:"simulated_down"`
	Disabled      bool              `json:"disabled"`
	ForcedDown    bool              `json:"forced_down"`
	VCPUs         int64             `json:"vcpus"`
	MemoryMB      int64             `json:"memory_mb"`
	DiskGB        int64             `json:"disk_gb"`
	VCPUsUsed     int64             `json:"vcpus_used"`
	MemoryMBUsed  int64             `json:"memory_mb_used"`
	DiskGBUsed    int64             `json:"disk_gb_used"`
	HeartbeatAt   string            `json:"heartbeat_at"`
	FakeKnobs     map[string]string `json:"fake_knobs"`
}

func viewHost(h control.Host) hostView {
	knobs := h.FakeKnobs
	if knobs == nil {
		knobs = map[string]string{}
	}
	return hostView{Name: h.Host, Zone: h.AvailabilityZone, Driver: h.Driver, Up: h.Up, SimulatedDown: h.SimulatedDown,
		Disabled: h.Disabled, ForcedDown: h.ForcedDown, VCPUs: h.Total.VCPUs, MemoryMB: h.Total.MemoryMB,
		DiskGB: h.Total.DiskGB, VCPUsUsed: h.Used.VCPUs, MemoryMBUsed: h.Used.MemoryMB, DiskGBUsed: h.Used.DiskGB,
		HeartbeatAt: h.HeartbeatAt.UTC().Format(time.RFC3339Nano), FakeKnobs: knobs}
}

func (a *API) listHosts(w http.ResponseWriter, r *http.Request) error {
	hosts, err := a.svc.Hosts(r.Context())
	if err != nil {
		return err
	}
	out := make([]hostView, len(hosts))
	for i, h := range hosts {
		out[i] = viewHost(h)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string][]hostView{"hosts": out})
	return nil
}

func (a *API) showHost(w http.ResponseWriter, r *http.Request) error {
	h, err := a.svc.Host(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]hostView{"host": viewHost(h)})
	return nil
}

func (a *API) updateHost(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Host *struct {
			Down      *bool             `json:"down"`
			Zone      *string           `json:"zone"`
			VCPUs     *int64            `json:"vcpus"`
			MemoryMB  *int64            `json:"memory_mb"`
			DiskGB    *int64            `json:"disk_gb"`
			FakeKnobs map[string]string `json:"fake_knobs"`
		} `json:"host"`
	}
	if err := readStrict(r, &body); err != nil {
		return err
	}
	if body.Host == nil {
		return novalite.Errorf(novalite.Invalid, "Invalid input for this request: 'host' is a required property.")
	}
	b := body.Host
	name := r.PathValue("name")
	u := control.HostUpdate{Down: b.Down, Zone: b.Zone, VCPUs: b.VCPUs, MemoryMB: b.MemoryMB, DiskGB: b.DiskGB,
		FakeKnobs: b.FakeKnobs}
	h, err := a.svc.UpdateHost(r.Context(), name, u)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]hostView{"host": viewHost(h)})
	return nil
}

func (a *API) exportState(w http.ResponseWriter, r *http.Request) error {
	st, err := a.svc.Export(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (a *API) importState(w http.ResponseWriter, r *http.Request) error {
	var st control.State
	if err := readStrict(r, &st); err != nil {
		return err
	}
	if err := a.svc.Import(r.Context(), st); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

func (a *API) reset(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Reset(r.Context()); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
