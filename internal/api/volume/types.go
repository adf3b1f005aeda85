package volume

import (
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/volume"
)

// listTypes is GET /v3/types.
func (a *API) listTypes(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:type_get_all", ""); err != nil {
		return err
	}
	ts, err := a.svc.Types(r.Context(), httpx.Caller(r.Context()))
	if err != nil {
		return err
	}
	out := make([]any, 0, len(ts))
	for _, t := range ts {
		out = append(out, typeView(r, t))
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume_types": out})
	return nil
}

// authorizedType checks rule, then reads the type the path names.
func (a *API) authorizedType(r *http.Request, rule string) (novalite.VolumeType, error) {
	if err := authorize(r, rule, ""); err != nil {
		return novalite.VolumeType{}, err
	}
	return a.svc.Type(r.Context(), httpx.Caller(r.Context()), r.PathValue("id"))
}

// showType is GET /v3/types/{id} ("default" for the default type).
func (a *API) showType(w http.ResponseWriter, r *http.Request) error {
	t, err := a.authorizedType(r, "volume_extension:type_get")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume_type": typeView(r, t)})
	return nil
}

var typeSchema = mustSchema("type", obj{"type": "object", "required": []any{"volume_type"},
	"properties": obj{"volume_type": obj{"type": "object", "properties": obj{
		"name": obj{"type": "string", "minLength": 1, "maxLength": 255}, "description": pName,
		"os-volume-type-access:is_public": pBool, "is_public": pBool,
		"extra_specs": obj{"type": "object", "additionalProperties": obj{"type": "string", "maxLength": 255}}},
		"additionalProperties": false}}, "additionalProperties": false})

func typeParams(body map[string]any) (volume.TypeParams, error) {
	tb, _ := body["volume_type"].(map[string]any)
	p := volume.TypeParams{Name: strOrNil(tb, "name"), Description: strOrNil(tb, "description"),
		ExtraSpecs: stringMap(tb["extra_specs"])}
	for _, k := range []string{"os-volume-type-access:is_public", "is_public"} {
		if v, ok := tb[k]; ok {
			b, err := asBool(v)
			if err != nil {
				return p, err
			}
			p.IsPublic = &b
		}
	}
	return p, nil
}

// readType authorizes a type's create or update and reads its body.
func readType(r *http.Request) (volume.TypeParams, error) {
	if err := authorize(r, "volume_extension:types_manage", ""); err != nil {
		return volume.TypeParams{}, err
	}
	body, err := decode(r, typeSchema)
	if err != nil {
		return volume.TypeParams{}, err
	}
	return typeParams(body)
}

// createType is POST /v3/types (admins).
func (a *API) createType(w http.ResponseWriter, r *http.Request) error {
	p, err := readType(r)
	if err != nil {
		return err
	}
	if p.Name == nil {
		return novalite.Errorf(novalite.Invalid, "Invalid input received: Volume type name can not be empty.")
	}
	t, err := a.svc.CreateType(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume_type": managedTypeView(t, true)})
	return nil
}

// updateType is PUT /v3/types/{id} (admins).
func (a *API) updateType(w http.ResponseWriter, r *http.Request) error {
	p, err := readType(r)
	if err != nil {
		return err
	}
	t, err := a.svc.UpdateType(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"volume_type": managedTypeView(t, false)})
	return nil
}

// deleteType is DELETE /v3/types/{id} (admins).
func (a *API) deleteType(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:types_manage", ""); err != nil {
		return err
	}
	if err := a.svc.DeleteType(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

var specsSchema = mustSchema("extra-specs", obj{"type": "object", "required": []any{"extra_specs"},
	"properties":           obj{"extra_specs": obj{"type": "object", "additionalProperties": obj{"type": "string", "maxLength": 255}}},
	"additionalProperties": false})

// listSpecs is GET /v3/types/{id}/extra_specs.
func (a *API) listSpecs(w http.ResponseWriter, r *http.Request) error {
	t, err := a.authorizedType(r, "volume_extension:types_manage")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"extra_specs": t.ExtraSpecs})
	return nil
}

// setSpecs is POST /v3/types/{id}/extra_specs (merge).
func (a *API) setSpecs(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:types_manage", ""); err != nil {
		return err
	}
	body, err := decode(r, specsSchema)
	if err != nil {
		return err
	}
	specs := stringMap(body["extra_specs"])
	if _, err := a.svc.UpdateType(r.Context(), r.PathValue("id"), volume.TypeParams{ExtraSpecs: specs}); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{"extra_specs": specs})
	return nil
}

// showSpec is GET /v3/types/{id}/extra_specs/{key}.
func (a *API) showSpec(w http.ResponseWriter, r *http.Request) error {
	t, err := a.authorizedType(r, "volume_extension:types_manage")
	if err != nil {
		return err
	}
	v, ok := t.ExtraSpecs[r.PathValue("key")]
	if !ok {
		return novalite.Errorf(novalite.NotFound, "Volume Type %s has no extra specs with key %s.", t.ID, r.PathValue("key"))
	}
	httpx.WriteJSON(w, http.StatusOK, obj{r.PathValue("key"): v})
	return nil
}

// setSpec is PUT /v3/types/{id}/extra_specs/{key}: body {key: value}.
func (a *API) setSpec(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:types_manage", ""); err != nil {
		return err
	}
	var body map[string]any
	if _, err := httpx.ReadBody(r, &body, "Malformed request body"); err != nil {
		return err
	}
	v, ok := body[r.PathValue("key")].(string)
	if !ok || len(body) != 1 {
		return novalite.Errorf(novalite.Invalid, "Request body and URI mismatch")
	}
	if _, err := a.svc.UpdateType(r.Context(), r.PathValue("id"), volume.TypeParams{
		ExtraSpecs: map[string]string{r.PathValue("key"): v}}); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, obj{r.PathValue("key"): v})
	return nil
}

// deleteSpec is DELETE /v3/types/{id}/extra_specs/{key}.
func (a *API) deleteSpec(w http.ResponseWriter, r *http.Request) error {
	if err := authorize(r, "volume_extension:types_manage", ""); err != nil {
		return err
	}
	if _, err := a.svc.UpdateType(r.Context(), r.PathValue("id"), volume.TypeParams{DeleteSpec: r.PathValue("key")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
