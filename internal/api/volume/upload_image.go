package volume

import (
	"encoding/json"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/schema"
	"novalite/internal/volume"
)

// Cinder's schemas for os-volume_upload_image
// (cinder/api/schemas/volume_actions.py): visibility and protected from
// 3.1.
var (
	uploadImageProps = obj{
		"image_name":       obj{"type": "string", "minLength": 1, "maxLength": 255},
		"force":            pBool,
		"disk_format":      obj{"type": "string", "enum": []any{"raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop"}},
		"container_format": obj{"type": "string", "enum": []any{"bare", "ovf", "ova", "aki", "ari", "ami", "docker", "compressed"}},
	}
	uploadImageSchema   = mustSchema("upload_image", uploadImageDoc(uploadImageProps))
	uploadImageSchema31 = mustSchema("upload_image_v31", uploadImageDoc(withProps(uploadImageProps, obj{
		"visibility": obj{"type": "string", "enum": []any{"community", "public", "private", "shared"}},
		"protected":  pBool,
	})))
)

func uploadImageDoc(props obj) obj {
	return obj{"type": "object", "properties": obj{"os-volume_upload_image": obj{"type": "object", "properties": props,
		"required": []any{"image_name"}, "additionalProperties": false}},
		"required": []any{"os-volume_upload_image"}, "additionalProperties": false}
}

func withProps(base, extra obj) obj {
	out := obj{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// uploadImageAction is os-volume_upload_image: 202 with the volume and
// the new image as Cinder's copy_volume_to_image answers them.
func uploadImageAction(a *API, w http.ResponseWriter, r *http.Request, v novalite.Volume, arg map[string]any) error {
	sch := uploadImageSchema
	if requestMV(r).AtLeast(3, 1) {
		sch = uploadImageSchema31
	}
	b, _ := json.Marshal(map[string]any{"os-volume_upload_image": arg})
	doc, err := schema.Decode(b)
	if err != nil {
		return novalite.Errorf(novalite.Invalid, "Malformed request body")
	}
	if err := sch.Validate(doc); err != nil {
		return err
	}
	p := volume.UploadParams{ImageName: str(arg, "image_name"), DiskFormat: "raw", ContainerFormat: "bare"}
	if s := str(arg, "disk_format"); s != "" {
		p.DiskFormat = s
	}
	if s := str(arg, "container_format"); s != "" {
		p.ContainerFormat = s
	}
	if f, ok := arg["force"]; ok {
		if p.Force, err = asBool(f); err != nil {
			return err
		}
	}
	if requestMV(r).AtLeast(3, 1) {
		p.Visibility = "private"
		if s := str(arg, "visibility"); s != "" {
			p.Visibility = s
		}
		prot := false
		if x, ok := arg["protected"]; ok {
			if prot, err = asBool(x); err != nil {
				return err
			}
		}
		p.Protected = &prot
		if p.Visibility == "public" {
			if err := authorize(r, "volume_extension:volume_actions:upload_public", v.ProjectID); err != nil {
				return err
			}
		}
	}
	c := httpx.Caller(r.Context())
	up, err := a.svc.UploadToImage(r.Context(), c, v.ID, p)
	if err != nil {
		return err
	}
	vt := a.uploadVolumeType(r, up.Volume.TypeID)
	httpx.WriteJSON(w, http.StatusAccepted, map[string]any{"os-volume_upload_image": map[string]any{
		"id": up.Volume.ID, "updated_at": cinderTime(up.Volume.UpdatedAt), "status": novalite.VolumeUploading,
		"display_description": up.Volume.Description, "size": up.Volume.Size, "volume_type": vt,
		"image_id": up.Image.ID, "container_format": up.Image.ContainerFormat, "disk_format": up.Image.DiskFormat,
		"image_name": up.Image.Name, "protected": up.Image.Protected, "visibility": up.Image.Visibility,
	}})
	return nil
}

// uploadVolumeType is the volume's type as copy_volume_to_image answers
// it: the VolumeType object serialized whole, as Cinder's JSON encoder
// writes it.
func (a *API) uploadVolumeType(r *http.Request, id string) any {
	t, err := a.svc.Type(r.Context(), httpx.Caller(r.Context()), id)
	if id == "" || err != nil {
		return nil
	}
	return obj{"id": t.ID, "name": t.Name, "description": ptr(t.Description), "is_public": t.IsPublic,
		"projects": []any{}, "extra_specs": t.ExtraSpecs, "qos_specs_id": nil, "qos_specs": nil,
		"deleted": false, "deleted_at": nil}
}
