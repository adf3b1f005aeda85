package compute

import (
	"bytes"
	"encoding/json"
	"net/http"

	"novalite"
	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
	"novalite/internal/policy"
)

// Extra specs bodies (nova/api/openstack/compute/schemas/flavors_extraspecs.py):
// keys of the metadata format, values strings or numbers of ≤255.
var (
	extraSpecKey   = "^[a-zA-Z0-9-_:. ]{1,255}$"
	extraSpecValue = obj{"type": []any{"string", "number", "boolean"}, "minLength": 0, "maxLength": 255}
)

func extraSpecsCreateSchemaDoc(microversion.Version) obj {
	return obj{"type": "object", "properties": obj{"extra_specs": obj{"type": "object",
		"patternProperties": obj{extraSpecKey: extraSpecValue}, "additionalProperties": false}},
		"required": []any{"extra_specs"}, "additionalProperties": false}
}

func extraSpecUpdateSchemaDoc(microversion.Version) obj {
	return obj{"type": "object", "patternProperties": obj{extraSpecKey: extraSpecValue},
		"additionalProperties": false, "minProperties": 1, "maxProperties": 1}
}

// specValue is an extra spec's value stored as Nova stores it: numbers
// and booleans as their Python str() (a number's text as sent).
type specValue string

// UnmarshalJSON reads a string, a number or a boolean.
func (s *specValue) UnmarshalJSON(b []byte) error {
	switch b = bytes.TrimSpace(b); {
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, (*string)(s))
	case string(b) == "true":
		*s = "True"
	case string(b) == "false":
		*s = "False"
	case string(b) == "null":
		*s = ""
	default:
		*s = specValue(b)
	}
	return nil
}

// flavorSpecs authorizes rule (against the caller's own project) and
// returns the extra specs of a flavor the caller may see.
func (a *API) flavorSpecs(r *http.Request, rule string) (map[string]string, error) {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, rule, policy.Target{}); err != nil {
		return nil, err
	}
	f, err := a.svc.Compute.GetFlavor(r.Context(), c, r.PathValue("id"))
	return f.ExtraSpecs, err
}

// extraSpecsBody is the body of a flavor's extra specs.
type extraSpecsBody struct {
	ExtraSpecs map[string]string `json:"extra_specs"`
}

// listExtraSpecs is GET /flavors/{id}/os-extra_specs.
func (a *API) listExtraSpecs(w http.ResponseWriter, r *http.Request) error {
	specs, err := a.flavorSpecs(r, "os_compute_api:os-flavor-extra-specs:index")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, extraSpecsBody{specs})
	return nil
}

// showExtraSpec is GET /flavors/{id}/os-extra_specs/{key}.
func (a *API) showExtraSpec(w http.ResponseWriter, r *http.Request) error {
	specs, err := a.flavorSpecs(r, "os_compute_api:os-flavor-extra-specs:show")
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	v, ok := specs[key]
	if !ok {
		return novalite.Errorf(novalite.NotFound, "Flavor %s has no extra specs with key %s.", r.PathValue("id"), key)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{key: v})
	return nil
}

// createExtraSpecs is POST /flavors/{id}/os-extra_specs (admin): merged
// in, the request body echoed.
func (a *API) createExtraSpecs(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-flavor-extra-specs:create", policy.Target{}); err != nil {
		return err
	}
	body, err := decodeRequest[struct {
		ExtraSpecs map[string]specValue `json:"extra_specs"`
	}](r, schemaFor("extra-specs-create", requestMV(r), extraSpecsCreateSchemaDoc))
	if err != nil {
		return err
	}
	specs := specStrings(body.ExtraSpecs)
	if err := validateExtraSpecs(requestMV(r), specs); err != nil {
		return err
	}
	if err := a.svc.Compute.SetFlavorExtraSpecs(r.Context(), c, r.PathValue("id"), specs); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, extraSpecsBody{specs})
	return nil
}

// specStrings is a body's specs as the strings they are stored as.
func specStrings(body map[string]specValue) map[string]string {
	specs := make(map[string]string, len(body))
	for k, v := range body {
		specs[k] = string(v)
	}
	return specs
}

// updateExtraSpec is PUT /flavors/{id}/os-extra_specs/{key} (admin).
func (a *API) updateExtraSpec(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-flavor-extra-specs:update", policy.Target{}); err != nil {
		return err
	}
	body, err := decodeRequest[map[string]specValue](r, schemaFor("extra-spec-update", requestMV(r), extraSpecUpdateSchemaDoc))
	if err != nil {
		return err
	}
	// The body's one spec (the schema's maxProperties) is checked before
	// it is matched with the key, in Nova's order.
	if err := validateExtraSpecs(requestMV(r), specStrings(body)); err != nil {
		return err
	}
	key := r.PathValue("key")
	v, ok := body[key]
	if !ok {
		return novalite.Errorf(novalite.Invalid, "Request body and URI mismatch")
	}
	spec := map[string]string{key: string(v)}
	if err := a.svc.Compute.SetFlavorExtraSpecs(r.Context(), c, r.PathValue("id"), spec); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, spec)
	return nil
}

// deleteExtraSpec is DELETE /flavors/{id}/os-extra_specs/{key} (admin):
// 200 without a body.
func (a *API) deleteExtraSpec(w http.ResponseWriter, r *http.Request) error {
	c := httpx.Caller(r.Context())
	if err := policy.Authorize(c, "os_compute_api:os-flavor-extra-specs:delete", policy.Target{}); err != nil {
		return err
	}
	if err := a.svc.Compute.DeleteFlavorExtraSpec(r.Context(), c, r.PathValue("id"), r.PathValue("key")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}
