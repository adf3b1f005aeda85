package compute

import (
	"encoding/json"
	"sync"

	"novalite/internal/api/microversion"
	"novalite/internal/api/schema"
)

// JSON Schemas of the servers API, built per microversion from the
// parameter types of nova/api/validation/parameter_types.py and the
// create/update schemas of nova/api/openstack/compute/schemas/servers.py.

type obj = map[string]any

var (
	pName        = obj{"type": "string", "minLength": 1, "maxLength": 255}
	pDescription = obj{"type": []any{"string", "null"}, "minLength": 0, "maxLength": 255}
	pUUID        = obj{"type": "string", "format": "uuid"}
	pBoolean     = obj{"type": []any{"boolean", "string"}, "enum": []any{true, "True", "TRUE", "true", "1", "ON", "On", "on",
		"YES", "Yes", "yes", false, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"}}
	pPositiveInt = obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]*$", "minimum": 1, "minLength": 1}
	pIP          = obj{"type": "string", "oneOf": []any{obj{"format": "ipv4"}, obj{"format": "ipv6"}}}
	pTag         = obj{"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60}
	pFQDN        = obj{"type": "string", "pattern": "^[a-zA-Z0-9-._]*$", "minLength": 1, "maxLength": 255}
	pHostname    = obj{"type": "string", "pattern": "^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$", "minLength": 2, "maxLength": 63}
	pDiskConfig  = obj{"type": "string", "enum": []any{"AUTO", "MANUAL"}}
	pMetadata    = obj{"type": "object", "patternProperties": obj{"^[a-zA-Z0-9-_:. ]{1,255}$": obj{"type": "string", "maxLength": 255}},
		"additionalProperties": false}
)

// singleParam is Nova's parameter_types.single_param: a query parameter
// given at most once, each value valid against item.
func singleParam(item obj) obj { return obj{"type": "array", "maxItems": 1, "items": item} }

func bdmItem(mv microversion.Version) obj {
	props := obj{
		"virtual_name": obj{"type": "string", "maxLength": 255}, "volume_id": pUUID, "snapshot_id": pUUID,
		"volume_size":           obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]+$", "minimum": 1, "maximum": 0x7FFFFFFF},
		"device_name":           obj{"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._/-]*$"},
		"delete_on_termination": pBoolean, "no_device": obj{},
		"connection_info":  obj{"type": "string", "maxLength": 16777215},
		"source_type":      obj{"type": "string", "enum": []any{"volume", "image", "snapshot", "blank"}},
		"uuid":             obj{"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._-]*$"},
		"image_id":         pUUID,
		"destination_type": obj{"type": "string", "enum": []any{"local", "volume"}},
		"guest_format":     obj{"type": "string", "maxLength": 255},
		"device_type":      obj{"type": "string", "maxLength": 255},
		"disk_bus":         obj{"type": "string", "maxLength": 255},
		"boot_index":       obj{"type": []any{"integer", "string", "null"}, "pattern": "^-?[0-9]+$"},
	}
	if mv.AtLeast(2, 32) && !(mv.AtLeast(2, 33) && mv.AtMost(2, 41)) {
		props["tag"] = pTag
	}
	if mv.AtLeast(2, 67) {
		props["volume_type"] = obj{"type": []any{"string", "null"}, "minLength": 0, "maxLength": 255}
	}
	return obj{"type": "object", "properties": props, "additionalProperties": false}
}

func networksSchema(mv microversion.Version) obj {
	item := obj{"fixed_ip": pIP, "port": obj{"type": []any{"string", "null"}, "format": "uuid"}, "uuid": obj{"type": "string"}}
	if mv.AtLeast(2, 32) && mv.AtMost(2, 36) || mv.AtLeast(2, 42) {
		item["tag"] = pTag
	}
	if !mv.AtLeast(2, 37) {
		return obj{"type": "array", "items": obj{"type": "object", "properties": item, "additionalProperties": false}}
	}
	item["uuid"] = pUUID
	return obj{"oneOf": []any{
		obj{"type": "array", "items": obj{"type": "object", "properties": item, "additionalProperties": false}},
		obj{"type": "string", "enum": []any{"none", "auto"}},
	}}
}

func hintsSchema() obj {
	uuidOrList := obj{"oneOf": []any{pUUID, obj{"type": "array", "items": pUUID}}}
	return obj{"type": "object", "additionalProperties": true, "properties": obj{
		"group": uuidOrList, "different_host": uuidOrList,
		"same_host":          obj{"type": []any{"string", "array"}, "items": pUUID},
		"query":              obj{"type": []any{"string", "object"}},
		"target_cell":        pName,
		"different_cell":     obj{"type": []any{"string", "array"}, "items": obj{"type": "string"}},
		"build_near_host_ip": pIP,
		"cidr":               obj{"type": "string", "pattern": "^/[0-9a-f.:]+$"},
	}}
}

func createSchemaDoc(mv microversion.Version) obj {
	server := obj{
		"name":      pName,
		"imageRef":  obj{"oneOf": []any{pUUID, obj{"type": "string", "maxLength": 0}}},
		"flavorRef": obj{"type": []any{"string", "integer"}, "minLength": 1},
		"adminPass": obj{"type": "string"}, "metadata": pMetadata, "networks": networksSchema(mv),
		"OS-DCF:diskConfig": pDiskConfig,
		"accessIPv4":        obj{"type": "string", "format": "ipv4"}, "accessIPv6": obj{"type": "string", "format": "ipv6"},
		"availability_zone": pName,
		"block_device_mapping": obj{"type": "array", "items": obj{"type": "object", "additionalProperties": false,
			"properties": obj{"virtual_name": obj{"type": "string", "maxLength": 255}, "volume_id": pUUID,
				"snapshot_id": pUUID, "volume_size": obj{"type": []any{"integer", "string"}, "pattern": "^[0-9]+$", "minimum": 1},
				"device_name":           obj{"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._/-]*$"},
				"delete_on_termination": pBoolean, "no_device": obj{}, "connection_info": obj{"type": "string"}}}},
		"block_device_mapping_v2": obj{"type": "array", "items": bdmItem(mv)},
		"config_drive":            pBoolean, "key_name": pName,
		"min_count": pPositiveInt, "max_count": pPositiveInt, "return_reservation_id": pBoolean,
		"security_groups": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"name": pName},
			"additionalProperties": false}},
		"user_data": obj{"type": "string", "maxLength": 65535},
	}
	if !mv.AtLeast(2, 57) {
		server["personality"] = obj{"type": "array", "items": obj{"type": "object", "additionalProperties": false,
			"properties": obj{"path": obj{"type": "string"}, "contents": obj{"type": "string"}}}}
	}
	if mv.AtLeast(2, 19) {
		server["description"] = pDescription
	}
	if mv.AtLeast(2, 52) {
		server["tags"] = obj{"type": "array", "items": pTag, "maxItems": 50}
	}
	if mv.AtLeast(2, 63) {
		server["trusted_image_certificates"] = obj{"type": []any{"array", "null"}, "minItems": 1, "maxItems": 50,
			"uniqueItems": true, "items": obj{"type": "string", "minLength": 1}}
	}
	if mv.AtLeast(2, 74) {
		server["host"], server["hypervisor_hostname"] = pFQDN, pFQDN
	}
	if mv.AtLeast(2, 94) {
		server["hostname"] = pFQDN
	} else if mv.AtLeast(2, 90) {
		server["hostname"] = pHostname
	}
	required := []any{"name", "flavorRef"}
	if mv.AtLeast(2, 37) {
		required = append(required, "networks")
	}
	return obj{"type": "object", "required": []any{"server"}, "additionalProperties": false, "properties": obj{
		"server":                     obj{"type": "object", "properties": server, "required": required, "additionalProperties": false},
		"os:scheduler_hints":         hintsSchema(),
		"OS-SCH-HNT:scheduler_hints": hintsSchema(),
	}}
}

func updateSchemaDoc(mv microversion.Version) obj {
	server := obj{"name": pName, "OS-DCF:diskConfig": pDiskConfig,
		"accessIPv4": obj{"type": "string", "format": "ipv4"}, "accessIPv6": obj{"type": "string", "format": "ipv6"}}
	if mv.AtLeast(2, 19) {
		server["description"] = pDescription
	}
	if mv.AtLeast(2, 94) {
		server["hostname"] = pFQDN
	} else if mv.AtLeast(2, 90) {
		server["hostname"] = pHostname
	}
	if mv.AtLeast(2, 104) {
		server["pinned_availability_zone"] = obj{"oneOf": []any{pName, obj{"type": "null"}}}
	}
	return obj{"type": "object", "required": []any{"server"}, "additionalProperties": false, "properties": obj{
		"server": obj{"type": "object", "properties": server, "additionalProperties": false}}}
}

var schemaCache sync.Map // name@mv → *schema.Schema

// schemaFor compiles (once per microversion) the schema built by doc.
func schemaFor(name string, mv microversion.Version, doc func(microversion.Version) obj) *schema.Schema {
	key := name + "@" + mv.String()
	if s, ok := schemaCache.Load(key); ok {
		return s.(*schema.Schema)
	}
	b, err := json.Marshal(doc(mv))
	if err != nil {
		panic(err)
	}
	s, _ := schemaCache.LoadOrStore(key, schema.New(key, string(b)))
	return s.(*schema.Schema)
}
