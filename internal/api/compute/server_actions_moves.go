package compute

import (
	"context"
	"net/http"
	"slices"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// Actions that move or re-create a server, or make images of it:
// resize (confirm, revert), migrate, os-migrateLive, evacuate, rebuild,
// createImage, createBackup, shelve, unshelve.

var resizeValue = obj{"type": "object", "properties": obj{
	"flavorRef":         obj{"type": []any{"string", "integer"}, "minLength": 1},
	"OS-DCF:diskConfig": pDiskConfig}, "required": []any{"flavorRef"}, "additionalProperties": false}

// resizeRequest is the resize action's value.
type resizeRequest struct {
	FlavorRef  looseString      `json:"flavorRef"`
	DiskConfig Optional[string] `json:"OS-DCF:diskConfig"`
}

func (a *API) resizeServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, s, err := actionOn[resizeRequest](a, r, act, fixed(resizeValue))
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := a.svc.Compute.ResizeServer(r.Context(), c, s.ID,
		compute.ResizeParams{FlavorRef: string(q.FlavorRef), AutoDiskConfig: diskConfig(q.DiskConfig)}); err != nil {
		return err
	}
	return accepted(w)
}

func migrateValue(mv microversion.Version) obj {
	if mv.AtLeast(2, 56) {
		return obj{"type": []any{"object", "null"}, "properties": obj{"host": obj{"oneOf": []any{pFQDN, obj{"type": "null"}}}},
			"additionalProperties": false}
	}
	return obj{} // no schema below 2.56: anything is accepted
}

// hostRequest is the value of migrate (2.56): the destination, empty
// (null or left out) for the scheduler's choice.
type hostRequest struct {
	Host string `json:"host"`
}

func (a *API) migrateServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	mv := requestMV(r)
	if !mv.AtLeast(2, 56) { // any value, none of it read
		if _, err := act.value(mv, migrateValue); err != nil {
			return err
		}
		return a.moveTo(w, r, "", act.rule, a.svc.Compute.MigrateServer)
	}
	q, err := actionRequest[hostRequest](act, mv, migrateValue)
	if err != nil {
		return err
	}
	return a.moveTo(w, r, q.Host, act.rule, a.svc.Compute.MigrateServer)
}

// moveTo authorizes a migration (rule, and rule+":host" when a host is
// asked for) and starts it.
func (a *API) moveTo(w http.ResponseWriter, r *http.Request, host, rule string,
	move func(ctx context.Context, c *novalite.Caller, id, host string) error) error {
	s, err := a.findServer(r, rule)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if host != "" {
		if err := policy.Authorize(c, rule+":host", policy.Target{ProjectID: s.ProjectID}); err != nil {
			return err
		}
	}
	if err := move(r.Context(), c, s.ID, host); err != nil {
		return err
	}
	return accepted(w)
}

func liveMigrateValue(mv microversion.Version) obj {
	props := obj{"host": obj{"oneOf": []any{pFQDN, obj{"type": "null"}}}}
	required := []any{"block_migration", "host"}
	if mv.AtLeast(2, 25) {
		// Nova appends "auto" to the boolean's enum (one enum, so a bad
		// word fails as "is not one of [... 'auto']").
		props["block_migration"] = obj{"type": pBoolean["type"], "enum": append(slices.Clone(pBoolean["enum"].([]any)), "auto")}
	} else {
		props["block_migration"], props["disk_over_commit"] = pBoolean, pBoolean
		required = append(required, "disk_over_commit")
	}
	if mv.AtLeast(2, 30) && !mv.AtLeast(2, 68) {
		props["force"] = pBoolean
	}
	return obj{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// forcedRequest is a move with a destination that may be forced
// (os-migrateLive 2.30-2.67, evacuate 2.29-2.67).
type forcedRequest struct {
	Host  string    `json:"host"`
	Force looseBool `json:"force"`
}

// checkForce is Nova's refusal of a forced move with no destination.
func (q forcedRequest) checkForce() error {
	if q.Force && q.Host == "" {
		return novalite.Errorf(novalite.Invalid, "Can't force to a non-provided destination")
	}
	return nil
}

func (a *API) liveMigrateServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, err := actionRequest[forcedRequest](act, requestMV(r), liveMigrateValue)
	if err != nil {
		return err
	}
	// Nova checks force once the server is found and the policy passed.
	return a.moveTo(w, r, q.Host, act.rule, func(ctx context.Context, c *novalite.Caller, id, host string) error {
		if err := q.checkForce(); err != nil {
			return err
		}
		return a.svc.Compute.LiveMigrateServer(ctx, c, id, host)
	})
}

func evacuateValue(mv microversion.Version) obj {
	props := obj{"host": pFQDN, "adminPass": obj{"type": "string"}}
	var required []any
	if !mv.AtLeast(2, 14) {
		props["onSharedStorage"] = pBoolean
		required = []any{"onSharedStorage"}
	}
	if mv.AtLeast(2, 29) && !mv.AtLeast(2, 68) {
		props["force"] = pBoolean
	}
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if required != nil {
		o["required"] = required
	}
	return o
}

// evacuateRequest is the evacuate action's value (force only refuses a
// move with no host: there is no scheduler to bypass).
type evacuateRequest struct {
	forcedRequest
	AdminPass       string    `json:"adminPass"`
	OnSharedStorage looseBool `json:"onSharedStorage"` // before 2.14
}

// evacuateServer answers 200; below 2.14 with the new admin password.
func (a *API) evacuateServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, err := actionRequest[evacuateRequest](act, requestMV(r), evacuateValue)
	if err != nil {
		return err
	}
	if q.OnSharedStorage && q.AdminPass != "" {
		return novalite.Errorf(novalite.Invalid, "admin password can't be changed on existing disk")
	}
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return err
	}
	if err := q.checkForce(); err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	pass, err := a.svc.Compute.EvacuateServer(r.Context(), c, s.ID, compute.EvacuateParams{Host: q.Host, AdminPass: q.AdminPass})
	if err != nil {
		return err
	}
	if requestMV(r).AtLeast(2, 14) {
		httpx.WriteEmpty(w, http.StatusOK)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, adminPassBody{pass})
	return nil
}

func rebuildValue(mv microversion.Version) obj {
	props := obj{"name": pName, "imageRef": pUUID, "adminPass": obj{"type": "string"}, "metadata": pMetadata,
		"preserve_ephemeral": pBoolean, "OS-DCF:diskConfig": pDiskConfig,
		"accessIPv4": obj{"type": "string", "format": "ipv4"}, "accessIPv6": obj{"type": "string", "format": "ipv6"}}
	if !mv.AtLeast(2, 57) {
		props["personality"] = obj{"type": "array", "items": obj{"type": "object", "additionalProperties": false,
			"properties": obj{"path": obj{"type": "string"}, "contents": obj{"type": "string"}}}}
	} else {
		props["user_data"] = obj{"type": []any{"string", "null"}, "maxLength": 65535}
	}
	if mv.AtLeast(2, 19) {
		props["description"] = pDescription
	}
	if mv.AtLeast(2, 54) {
		props["key_name"] = obj{"oneOf": []any{pName, obj{"type": "null"}}}
	}
	if mv.AtLeast(2, 63) {
		props["trusted_image_certificates"] = obj{"type": []any{"array", "null"}, "minItems": 1, "maxItems": 50,
			"uniqueItems": true, "items": obj{"type": "string", "minLength": 1}}
	}
	if mv.AtLeast(2, 94) {
		props["hostname"] = pFQDN
	} else if mv.AtLeast(2, 90) {
		props["hostname"] = pHostname
	}
	return obj{"type": "object", "properties": props, "required": []any{"imageRef"}, "additionalProperties": false}
}

// rebuildRequest is the rebuild action's value (preserve_ephemeral and
// personality are accepted by the schema and ignored, as no server has
// an ephemeral disk or file injection).
type rebuildRequest struct {
	ImageRef     string                      `json:"imageRef"`
	AdminPass    string                      `json:"adminPass"`
	Name         Optional[string]            `json:"name"`
	AccessIPv4   Optional[string]            `json:"accessIPv4"`
	AccessIPv6   Optional[string]            `json:"accessIPv6"`
	DiskConfig   Optional[string]            `json:"OS-DCF:diskConfig"`
	Metadata     Optional[map[string]string] `json:"metadata"`
	Description  Nullable[string]            `json:"description"`                // 2.19
	KeyName      Nullable[string]            `json:"key_name"`                   // 2.54
	UserData     Nullable[string]            `json:"user_data"`                  // 2.57
	TrustedCerts Optional[[]string]          `json:"trusted_image_certificates"` // 2.63
	Hostname     Optional[string]            `json:"hostname"`                   // 2.90
}

// params checks what the schema cannot and builds the service's request.
func (q rebuildRequest) params(mv microversion.Version) (compute.RebuildParams, error) {
	if err := validName("name", q.Name.Value); err != nil {
		return compute.RebuildParams{}, err
	}
	if ud := q.UserData.Ptr(); ud != nil {
		if err := checkUserData(*ud); err != nil {
			return compute.RebuildParams{}, err
		}
	}
	return compute.RebuildParams{
		ImageRef: q.ImageRef, AdminPass: q.AdminPass, Name: q.Name.Ptr(), Metadata: q.Metadata.Value,
		AccessIPv4: canonicalIPChange(q.AccessIPv4), AccessIPv6: canonicalIPChange(q.AccessIPv6), AutoDiskConfig: diskConfig(q.DiskConfig),
		Description: q.Description.Change(), KeyName: q.KeyName.Change(), UserData: q.UserData.Change(),
		TrustedCerts: q.TrustedCerts.Ptr(), Hostname: q.Hostname.Ptr(), ReimageBootVolume: mv.AtLeast(2, 93),
	}, nil
}

// rebuildServer answers 202 with the server (the reduced view below 2.75)
// and its new admin password.
func (a *API) rebuildServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	mv := requestMV(r)
	req, err := actionRequest[rebuildRequest](act, mv, rebuildValue)
	if err != nil {
		return err
	}
	p, err := req.params(mv)
	if err != nil {
		return err
	}
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if p.TrustedCerts != nil && len(*p.TrustedCerts) > 0 {
		if err := policy.Authorize(c, act.rule+":trusted_certs", policy.Target{ProjectID: s.ProjectID}); err != nil {
			return err
		}
	}
	pass, info, err := a.svc.Compute.RebuildServer(r.Context(), c, s.ID, p)
	if err != nil {
		return err
	}
	view, err := a.rebuildView(r, info, s.ProjectID, pass)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, map[string]any{"server": view})
	return nil
}

// rebuildView is the rebuilt server: below 2.75 the reduced view, without
// the extended attributes or host status; from 2.75 GET's, those two as
// policy allows (Nova passes None for them there).
func (a *API) rebuildView(r *http.Request, info compute.ServerInfo, project, adminPass string) (httpx.RawJSON, error) {
	mv := requestMV(r)
	o := newServerView(r, project)
	o.serverGroups, o.noUserData = true, true
	// Rebuild shows the key (2.54) and the user data (2.57) to anyone
	// who may rebuild, whatever the view.
	o.rebuild, o.adminPass = true, adminPass
	if o.full = mv.AtLeast(2, 75); !o.full {
		o.extended, o.hostStatus = false, 0
	}
	if err := a.fillHostStatus(r, &info, o); err != nil {
		return nil, err
	}
	return a.serverDetail(r, info, o), nil
}

var createImageValue = obj{"type": "object", "properties": obj{"name": pName, "metadata": pMetadata},
	"required": []any{"name"}, "additionalProperties": false}

// imageCreated answers a snapshot action: 202 with the image's Location
// below 2.45, with {"image_id"} from 2.45.
func (a *API) imageCreated(w http.ResponseWriter, r *http.Request, imageID string) error {
	if requestMV(r).AtLeast(2, 45) {
		httpx.WriteJSON(w, http.StatusAccepted, struct {
			ImageID string `json:"image_id"`
		}{imageID})
		return nil
	}
	w.Header().Set("Location", httpx.BaseURL(r)+"/image/images/"+imageID)
	return accepted(w)
}

// snapshotRequest is the value of createImage and createBackup.
type snapshotRequest struct {
	Name       string            `json:"name"`
	Metadata   map[string]string `json:"metadata"`
	BackupType string            `json:"backup_type"` // createBackup's
	Rotation   looseInt          `json:"rotation"`    // createBackup's
}

func (a *API) createImage(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, err := actionRequest[snapshotRequest](act, requestMV(r), fixed(createImageValue))
	if err != nil {
		return err
	}
	return a.snapshot(w, r, q, act.rule, a.svc.Compute.CreateImage)
}

var createBackupValue = obj{"type": "object", "properties": obj{"name": pName, "backup_type": obj{"type": "string"},
	"rotation": obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]+$", "minimum": 0},
	"metadata": pMetadata}, "required": []any{"name", "backup_type", "rotation"}, "additionalProperties": false}

func (a *API) createBackup(w http.ResponseWriter, r *http.Request, act actionCall) error {
	q, err := actionRequest[snapshotRequest](act, requestMV(r), fixed(createBackupValue))
	if err != nil {
		return err
	}
	return a.snapshot(w, r, q, act.rule, a.svc.Compute.CreateBackup)
}

// snapshot is the rest of createImage and createBackup once their body
// is valid: the name's format, the policy, the image made, the answer.
func (a *API) snapshot(w http.ResponseWriter, r *http.Request, q snapshotRequest, rule string,
	create func(context.Context, *novalite.Caller, string, compute.SnapshotParams) (string, error)) error {
	if err := validName("name", q.Name); err != nil {
		return err
	}
	s, err := a.findServer(r, rule)
	if err != nil {
		return err
	}
	if q.Metadata == nil {
		q.Metadata = map[string]string{}
	}
	id, err := create(r.Context(), httpx.Caller(r.Context()), s.ID, compute.SnapshotParams{
		Name: q.Name, Metadata: q.Metadata, BackupType: q.BackupType, Rotation: int(q.Rotation)})
	if err != nil {
		return err
	}
	return a.imageCreated(w, r, id)
}

func unshelveValue(mv microversion.Version) obj {
	switch {
	case mv.AtLeast(2, 91):
		return obj{"type": []any{"object", "null"}, "properties": obj{
			"availability_zone": obj{"oneOf": []any{pName, obj{"type": "null"}}}, "host": pFQDN},
			"additionalProperties": false}
	case mv.AtLeast(2, 77):
		return obj{"type": []any{"object", "null"}, "properties": obj{"availability_zone": pName},
			"required": []any{"availability_zone"}, "additionalProperties": false}
	}
	// Before 2.77 Nova's schema takes any value and the handler reads none
	// of it.
	return obj{}
}

// unshelveRequest is the unshelve action's value from 2.77 (before, any
// value is accepted and none of it read).
type unshelveRequest struct {
	Zone Nullable[string] `json:"availability_zone"` // null (2.91): unpin
	Host string           `json:"host"`              // 2.91
}

func (a *API) unshelveServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	mv := requestMV(r)
	var q unshelveRequest
	var err error
	if mv.AtLeast(2, 77) {
		q, err = actionRequest[unshelveRequest](act, mv, unshelveValue)
	} else {
		_, err = act.value(mv, unshelveValue)
	}
	if err != nil {
		return err
	}
	p := compute.UnshelveParams{Zone: q.Zone.Change(), Host: q.Host}
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if p.Host != "" {
		if err := policy.Authorize(c, "os_compute_api:os-shelve:unshelve_to_host", policy.Target{ProjectID: s.ProjectID}); err != nil {
			return err
		}
	}
	if err := a.svc.Compute.UnshelveServer(r.Context(), c, s.ID, p); err != nil {
		return err
	}
	return accepted(w)
}
