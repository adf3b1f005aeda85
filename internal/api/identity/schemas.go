package identity

import (
	"fmt"
	"strings"

	"novalite"
	"novalite/internal/api/schema"
)

// Keystone's JSON schemas for the bodies novalite serves, from
// keystone/common/validation/parameter_types.py and the schema.py of
// keystone/resource, identity, assignment and auth. Unknown attributes are
// allowed (Keystone keeps them as extra).
const (
	ksName        = `{"type": "string", "minLength": 1, "maxLength": 255, "pattern": "[\\S]+"}`
	ksName64      = `{"type": "string", "minLength": 1, "maxLength": 64, "pattern": "[\\S]+"}`
	ksID          = `{"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[a-zA-Z0-9-]+$"}`
	ksNullableID  = `{"type": ["string", "null"], "minLength": 1, "maxLength": 64, "pattern": "^[a-zA-Z0-9-]+$"}`
	ksBool        = `{"type": "boolean"}`
	ksDescription = `{"type": ["string", "null"]}`
	ksTags        = `{"type": "array", "maxItems": 80, "uniqueItems": true,
		"items": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^,/]*$"}}`
	ksOptions = `{"type": "object"}`
)

func entitySchema(name, props string, create bool) *schema.Schema {
	extra := `"minProperties": 1`
	if create {
		extra = `"required": ["name"]`
	}
	return schema.New(name, `{"type": "object", "additionalProperties": true, `+extra+`, "properties": {`+props+`}}`)
}

var projectProps = `"name": ` + ksName64 + `, "description": ` + ksDescription + `, "domain_id": ` + ksNullableID +
	`, "enabled": ` + ksBool + `, "is_domain": ` + ksBool + `, "parent_id": ` + ksNullableID + `, "tags": ` + ksTags +
	`, "options": ` + ksOptions

var domainProps = `"name": ` + ksName64 + `, "description": ` + ksDescription + `, "enabled": ` + ksBool +
	`, "tags": ` + ksTags + `, "options": ` + ksOptions

var userProps = `"name": ` + ksName + `, "description": ` + ksDescription + `, "domain_id": ` + ksID +
	`, "default_project_id": ` + ksNullableID + `, "enabled": ` + ksBool + `, "password": {"type": ["string", "null"]}` +
	`, "options": ` + ksOptions

var roleProps = `"name": ` + ksName + `, "description": ` + ksDescription + `, "options": ` + ksOptions

var (
	projectCreate  = entitySchema("project_create", projectProps, true)
	projectUpdate  = entitySchema("project_update", projectProps, false)
	domainCreate   = entitySchema("domain_create", domainProps, true)
	domainUpdate   = entitySchema("domain_update", domainProps, false)
	userCreate     = entitySchema("user_create", userProps, true)
	userUpdate     = entitySchema("user_update", userProps, false)
	roleCreate     = entitySchema("role_create", roleProps+`, "domain_id": `+ksNullableID, true)
	roleUpdate     = entitySchema("role_update", roleProps, false)
	passwordChange = schema.New("password_change", `{"type": "object", "additionalProperties": true,
		"required": ["original_password", "password"], "properties": {
		"original_password": {"type": "string"}, "password": {"type": "string"}}}`)
)

// authSchema is keystone/auth/schema.py's token_issue.
var authSchema = schema.New("token_issue", `{"type": "object", "required": ["identity"], "properties": {
	"identity": {"type": "object", "required": ["methods"], "properties": {
		"methods": {"type": "array", "items": {"type": "string"}},
		"password": {"type": "object", "properties": {"user": {"type": "object", "properties": {
			"id": {"type": "string"}, "name": {"type": "string"}, "password": {"type": "string"},
			"domain": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}}}}},
		"token": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}},
	"scope": {"type": ["object", "string"], "properties": {
		"project": {"type": "object", "properties": {"name": {"type": "string"}, "id": {"type": "string"},
			"domain": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}}},
		"domain": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
		"OS-TRUST:trust": {"type": "object", "properties": {"id": {"type": "string"}}},
		"system": {"type": "object", "properties": {"all": {"type": "boolean"}}}}}}}`)

// validate checks an entity (the object under the body's key) against a
// Keystone schema and words a failure as Keystone's SchemaValidationError:
// "Invalid input for field '<path>': <jsonschema message>", or the bare
// message when the entity itself fails (a required attribute missing).
func validate(s *schema.Schema, entity any) error {
	loc, msg, failed := s.Explain(entity)
	if !failed {
		return nil
	}
	if len(loc) > 0 {
		msg = fmt.Sprintf("Invalid input for field '%s': %s", strings.Join(loc, "/"), msg)
	}
	return &novalite.Error{Kind: novalite.Invalid, Message: msg}
}
