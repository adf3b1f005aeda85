package compute

import (
	"encoding/json"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/compute"
	"novalite/internal/policy"
)

// actionCall is what a server action's handler gets: its name, the
// policy rule of its row and the value under its key (raw JSON).
type actionCall struct {
	name novalite.Action
	rule string
	raw  json.RawMessage
}

// actionFunc handles one server action.
type actionFunc func(a *API, w http.ResponseWriter, r *http.Request, act actionCall) error

// serverAction is a row of the action table: the microversions the
// action exists in, the policy rule its handler authorizes with (the
// rules that depend on the body, such as ":host", extend it), and the
// handler.
type serverAction struct {
	in     versions
	rule   string
	handle actionFunc
}

// serverActions is every action of POST /servers/{id}/action, one row
// each (nova/api/openstack/compute/*.py, nova/policies/*.py).
var serverActions = map[novalite.Action]serverAction{
	novalite.ActionReboot:            {always, "os_compute_api:servers:reboot", (*API).rebootServer},
	novalite.ActionStart:             {always, "os_compute_api:servers:start", taskAction},
	novalite.ActionStop:              {always, "os_compute_api:servers:stop", taskAction},
	novalite.ActionPause:             {always, "os_compute_api:os-pause-server:pause", taskAction},
	novalite.ActionUnpause:           {always, "os_compute_api:os-pause-server:unpause", taskAction},
	novalite.ActionSuspend:           {always, "os_compute_api:os-suspend-server:suspend", taskAction},
	novalite.ActionResume:            {always, "os_compute_api:os-suspend-server:resume", taskAction},
	novalite.ActionRescue:            {always, "os_compute_api:os-rescue", (*API).rescueServer},
	novalite.ActionUnrescue:          {always, "os_compute_api:os-unrescue", taskAction},
	novalite.ActionChangePassword:    {always, "os_compute_api:os-admin-password", (*API).changePassword},
	novalite.ActionResetState:        {always, "os_compute_api:os-admin-actions:reset_state", (*API).resetState},
	novalite.ActionInjectNetworkInfo: {always, "os_compute_api:os-admin-actions:inject_network_info", (*API).injectNetworkInfo},
	novalite.ActionTriggerCrashDump:  {since(2, 17), "os_compute_api:servers:trigger_crash_dump", (*API).triggerCrashDump},
	novalite.ActionLock:              {always, "os_compute_api:os-lock-server:lock", (*API).lockServer},
	novalite.ActionUnlock:            {always, "os_compute_api:os-lock-server:unlock", (*API).unlockServer},
	novalite.ActionRestore: {always, "os_compute_api:os-deferred-delete:restore",
		noArgAction(http.StatusAccepted, (*compute.Service).RestoreServer)},
	novalite.ActionForceDelete: {always, "os_compute_api:os-deferred-delete:force",
		noArgAction(http.StatusAccepted, (*compute.Service).ForceDeleteServer)},

	novalite.ActionResize: {always, "os_compute_api:servers:resize", (*API).resizeServer},
	novalite.ActionConfirmResize: {always, "os_compute_api:servers:confirm_resize",
		noArgAction(http.StatusNoContent, (*compute.Service).ConfirmResize)}, // 204, as Nova
	novalite.ActionRevertResize: {always, "os_compute_api:servers:revert_resize",
		noArgAction(http.StatusAccepted, (*compute.Service).RevertResize)},
	novalite.ActionMigrate:      {always, "os_compute_api:os-migrate-server:migrate", (*API).migrateServer},
	novalite.ActionLiveMigrate:  {always, "os_compute_api:os-migrate-server:migrate_live", (*API).liveMigrateServer},
	novalite.ActionEvacuate:     {always, "os_compute_api:os-evacuate", (*API).evacuateServer},
	novalite.ActionRebuild:      {always, "os_compute_api:servers:rebuild", (*API).rebuildServer},
	novalite.ActionCreateImage:  {always, "os_compute_api:servers:create_image", (*API).createImage},
	novalite.ActionCreateBackup: {always, "os_compute_api:os-create-backup", (*API).createBackup},
	novalite.ActionShelve: {always, "os_compute_api:os-shelve:shelve",
		noArgAction(http.StatusAccepted, (*compute.Service).ShelveServer)},
	novalite.ActionShelveOffload: {always, "os_compute_api:os-shelve:shelve_offload", taskAction},
	novalite.ActionUnshelve:      {always, "os_compute_api:os-shelve:unshelve", (*API).unshelveServer},

	novalite.ActionConsoleOutput: {always, "os_compute_api:os-console-output", (*API).consoleOutput},
	// The console actions before os-remote-consoles (2.6).
	novalite.ActionVNCConsole:    {until(2, 5), "os_compute_api:os-remote-consoles", oldConsole("vnc", "novnc", "xvpvnc")},
	novalite.ActionSPICEConsole:  {until(2, 5), "os_compute_api:os-remote-consoles", oldConsole("spice", "spice-html5")},
	novalite.ActionRDPConsole:    {until(2, 5), "os_compute_api:os-remote-consoles", oldConsole("rdp", "rdp-html5")},
	novalite.ActionSerialConsole: {until(2, 5), "os_compute_api:os-remote-consoles", oldConsole("serial", "serial")},

	novalite.ActionAddSecurityGroup:    {always, "os_compute_api:os-security-groups:add", secGroupAction(true)},
	novalite.ActionRemoveSecurityGroup: {always, "os_compute_api:os-security-groups:remove", secGroupAction(false)},
	// Network proxy actions, gone at 2.44.
	novalite.ActionAddFloatingIP:    {until(2, 43), "os_compute_api:os-floating-ips:add", (*API).addFloatingIP},
	novalite.ActionRemoveFloatingIP: {until(2, 43), "os_compute_api:os-floating-ips:remove", (*API).removeFloatingIP},
	novalite.ActionAddFixedIP:       {until(2, 43), "os_compute_api:os-multinic:add", (*API).addFixedIP},
	novalite.ActionRemoveFixedIP:    {until(2, 43), "os_compute_api:os-multinic:remove", (*API).removeFixedIP},
	// Removed with nova-network; the rule is never checked.
	novalite.ActionResetNetwork: {always, "os_compute_api:os-admin-actions:reset_state", (*API).resetNetwork},
}

// serverAction is POST /servers/{id}/action: exactly one key, naming an
// action that exists at this microversion.
func (a *API) serverAction(w http.ResponseWriter, r *http.Request) error {
	var body map[string]json.RawMessage
	isNull, err := httpx.ReadBody(r, &body, "Malformed request body")
	if err != nil {
		return err
	}
	if isNull || len(body) != 1 {
		return novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	for name, raw := range body {
		row, ok := serverActions[novalite.Action(name)]
		if !ok {
			return novalite.Errorf(novalite.Invalid, "There is no such action: %s", name)
		}
		if !row.in.has(requestMV(r)) {
			return errNotFound
		}
		return row.handle(a, w, r, actionCall{name: novalite.Action(name), rule: row.rule, raw: raw})
	}
	return nil
}

var lockSchema = schema.New("lock_v273", `{"type": "object", "properties": {"lock": {
	"type": ["object", "null"], "properties": {"locked_reason": {"type": "string", "minLength": 1, "maxLength": 255}},
	"additionalProperties": false}}, "required": ["lock"], "additionalProperties": false}`)

// lockServer is the lock action; 2.73 adds an optional locked_reason.
func (a *API) lockServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	var reason *string
	if requestMV(r).AtLeast(2, 73) {
		q, err := actionValue[*struct {
			Reason Optional[string] `json:"locked_reason"`
		}](act, lockSchema)
		if err != nil {
			return err
		}
		if q != nil {
			reason = q.Reason.Ptr()
		}
	}
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if err := a.svc.Compute.LockServer(r.Context(), c, s.Server, reason); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}

// unlockServer is the unlock action; undoing the other party's lock
// (an owner undoing an admin's) also needs unlock_override.
func (a *API) unlockServer(w http.ResponseWriter, r *http.Request, act actionCall) error {
	s, err := a.findServer(r, act.rule)
	if err != nil {
		return err
	}
	c := httpx.Caller(r.Context())
	if s.LockedBy != "" && s.LockedBy != compute.LockedBy(c, s.ProjectID) {
		if err := policy.Authorize(c, act.rule+":unlock_override",
			policy.Target{ProjectID: s.ProjectID}); err != nil {
			return err
		}
	}
	if err := a.svc.Compute.UnlockServer(r.Context(), c, s.Server); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusAccepted)
	return nil
}
