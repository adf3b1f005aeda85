package volume

import (
	"net/http"
	"slices"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

// volumeActionFunc runs one action of POST /v3/volumes/{id}/action on a
// volume the caller may see; arg is the action's value.
type volumeActionFunc func(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error

// volumeActions are the actions served: Cinder's rule and handler.
var volumeActions = map[string]struct {
	rule string
	fn   volumeActionFunc
}{
	"os-extend":                {"volume:extend", extendAction},
	"os-set_bootable":          {"volume_extension:volume_actions:set_bootable", bootableAction},
	"os-update_readonly_flag":  {"volume:update_readonly_flag", readonlyAction},
	"os-reserve":               {"volume_extension:volume_actions:reserve", reserveAction},
	"os-unreserve":             {"volume_extension:volume_actions:unreserve", unreserveAction},
	"os-begin_detaching":       {"volume_extension:volume_actions:begin_detaching", beginDetachingAction},
	"os-roll_detaching":        {"volume_extension:volume_actions:roll_detaching", rollDetachingAction},
	"os-attach":                {"volume_extension:volume_actions:attach", attachAction},
	"os-detach":                {"volume_extension:volume_actions:detach", detachAction},
	"os-initialize_connection": {"volume_extension:volume_actions:initialize_connection", initConnectionAction},
	"os-terminate_connection":  {"volume_extension:volume_actions:terminate_connection", accepted},
	"os-reset_status":          {"volume_extension:volume_admin_actions:reset_status", resetStatusAction},
	"os-force_delete":          {"volume_extension:volume_admin_actions:force_delete", forceDeleteAction},
	"os-force_detach":          {"volume_extension:volume_admin_actions:force_detach", detachAction},
	"os-set_image_metadata":    {"volume_extension:volume_image_metadata:set", imageMetadataAction(false)},
	"os-unset_image_metadata":  {"volume_extension:volume_image_metadata:remove", imageMetadataAction(true)},
	"os-show_image_metadata":   {"volume_extension:volume_image_metadata:show", showImageMetadataAction},
	"os-volume_upload_image":   {"volume_extension:volume_actions:upload_image", uploadImageAction},
}

// volumeAction is POST /v3/volumes/{id}/action.
func (a *API) volumeAction(w http.ResponseWriter, r *http.Request) error {
	var body map[string]any
	if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
		return err
	}
	if len(body) != 1 {
		return novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	var name string
	for k := range body {
		name = k
	}
	act, ok := volumeActions[name]
	if !ok || act.fn == nil {
		return novalite.Errorf(novalite.Invalid, "There is no such action: %s", name)
	}
	c := httpx.Caller(r.Context())
	v, err := a.svc.Get(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := authorize(r, act.rule, v.ProjectID); err != nil {
		return err
	}
	arg, _ := body[name].(map[string]any)
	if arg == nil {
		arg = map[string]any{}
	}
	return act.fn(a, w, r, v, arg)
}

func accepted(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func extendAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
	n, ok := asInt(arg["new_size"])
	if !ok || n < 1 {
		return novalite.Errorf(novalite.Invalid, "Invalid input for field/attribute new_size. Value: %v. %v is not of type 'integer', 'string'",
			arg["new_size"], arg["new_size"])
	}
	if err := a.svc.Extend(r.Context(), httpx.Caller(r.Context()), v.ID, volume.ExtendParams{NewSize: n, InUseOK: requestMV(r).AtLeast(3, 42)}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// flagAction sets one of a volume's flags from arg[name] (Cinder
// answers set_bootable 200, update_readonly_flag 202).
func flagAction(name string, status int, flags func(*bool) volume.Flags) volumeActionFunc {
	return func(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
		if _, ok := arg[name]; !ok {
			return novalite.Errorf(novalite.Invalid, "Invalid input received: Must specify %s in request.", name)
		}
		b, err := asBool(arg[name])
		if err != nil {
			return err
		}
		if err := a.svc.SetFlags(r.Context(), httpx.Caller(r.Context()), v.ID, flags(&b)); err != nil {
			return err
		}
		w.WriteHeader(status)
		return nil
	}
}

var (
	bootableAction = flagAction("bootable", http.StatusOK, func(b *bool) volume.Flags { return volume.Flags{Bootable: b} })
	readonlyAction = flagAction("readonly", http.StatusAccepted, func(b *bool) volume.Flags { return volume.Flags{ReadOnly: b} })
)

func reserveAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, _ map[string]any) error {
	return noContent(w, a.svc.Reserve(r.Context(), httpx.Caller(r.Context()), v.ID))
}

func unreserveAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, _ map[string]any) error {
	return noContent(w, a.svc.Unreserve(r.Context(), httpx.Caller(r.Context()), v.ID))
}

func beginDetachingAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, _ map[string]any) error {
	return noContent(w, a.svc.BeginDetaching(r.Context(), httpx.Caller(r.Context()), v.ID))
}

func rollDetachingAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, _ map[string]any) error {
	return noContent(w, a.svc.RollDetaching(r.Context(), httpx.Caller(r.Context()), v.ID))
}

func attachAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
	inst, host := str(arg, "instance_uuid"), str(arg, "host_name")
	if inst == "" && host == "" {
		return novalite.Errorf(novalite.Invalid, "Invalid request to attach volume to an invalid target")
	}
	mode := str(arg, "mode")
	if mode != "" && mode != "rw" && mode != "ro" {
		return novalite.Errorf(novalite.Invalid, "Invalid request to attach volume with an invalid mode. Attaching mode should be 'rw' or 'ro'")
	}
	return noContent(w, a.svc.Attach(r.Context(), httpx.Caller(r.Context()), volume.AttachParams{VolumeID: v.ID,
		ServerID: inst, Host: host, Mountpoint: str(arg, "mountpoint"), Mode: mode}))
}

func detachAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
	return noContent(w, a.svc.Detach(r.Context(), httpx.Caller(r.Context()), v.ID, str(arg, "attachment_id")))
}

func initConnectionAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
	if _, ok := arg["connector"].(map[string]any); !ok {
		return novalite.Errorf(novalite.Invalid, "Must specify 'connector'")
	}
	mode := "rw"
	if v.ReadOnly {
		mode = "ro"
	}
	info := a.svc.ConnectionInfo(v, novalite.VolumeAttachment{Mode: mode})
	httpx.WriteJSON(w, http.StatusOK, obj{"connection_info": info})
	return nil
}

// volumeStatuses are the statuses os-reset_status accepts.
var volumeStatuses = []string{"available", "error", "creating", "deleting", "in-use", "attaching", "detaching",
	"error_deleting", "maintenance", "reserved", "error_extending", "extending", "downloading", "uploading",
	"retyping", "backing-up", "restoring-backup", "error_restoring", "awaiting-transfer", "error_managing"}

func resetStatusAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
	status, attach := str(arg, "status"), str(arg, "attach_status")
	if status == "" && attach == "" && str(arg, "migration_status") == "" {
		return novalite.Errorf(novalite.Invalid, "Must specify 'status', 'attach_status' or 'migration_status' for update.")
	}
	if status != "" && !slices.Contains(volumeStatuses, status) {
		return novalite.Errorf(novalite.Invalid, "Invalid input for field/attribute status. Value: %s.", status)
	}
	if attach != "" && attach != novalite.AttachAttached && attach != novalite.AttachDetached {
		return novalite.Errorf(novalite.Invalid, "Must specify a valid attach status")
	}
	if err := a.svc.ResetStatus(r.Context(), httpx.Caller(r.Context()), v.ID, volume.StatusReset{Status: status, AttachStatus: attach}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func forceDeleteAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, _ map[string]any) error {
	if err := a.svc.Delete(r.Context(), httpx.Caller(r.Context()), v.ID, volume.DeleteParams{Cascade: true, Force: true}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func imageMetadataAction(unset bool) volumeActionFunc {
	return func(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
		m := stringMap(arg["metadata"])
		if unset {
			k, ok := arg["key"].(string)
			if !ok {
				return novalite.Errorf(novalite.Invalid, "Malformed request body")
			}
			m = map[string]string{k: ""}
		}
		if m == nil {
			return novalite.Errorf(novalite.Invalid, "Malformed request body")
		}
		out, err := a.svc.SetImageMetadata(r.Context(), httpx.Caller(r.Context()), v.ID, volume.MetadataUpdate{Metadata: m, Unset: unset})
		if err != nil {
			return err
		}
		if unset {
			w.WriteHeader(http.StatusOK)
			return nil
		}
		httpx.WriteJSON(w, http.StatusOK, obj{"metadata": out})
		return nil
	}
}

func showImageMetadataAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, _ map[string]any) error {
	httpx.WriteJSON(w, http.StatusOK, obj{"metadata": v.ImageMetadata})
	return nil
}
