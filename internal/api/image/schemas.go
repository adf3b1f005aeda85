package image

import (
	"net/http"

	"novalite/internal/api/httpx"
	"novalite/internal/image"
)

// The schema documents of /v2/schemas/{image,images,member,members}.
// python-glanceclient fetches them before every image call and checks each
// image it receives against the image schema (warlock), so their shape is
// Glance's: glance/api/v2/images.py get_schema (a PermissiveSchema: extra
// properties are strings) and image_members.py (served "minimal", without
// additionalProperties or the item links). No schema-image.json custom
// properties are merged in, as on a Glance deployed without that file.

const uuidPattern = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"

type obj = map[string]any

func prop(typ any, desc string, extra ...any) obj {
	p := obj{"type": typ, "description": desc}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i].(string)] = extra[i+1]
	}
	return p
}

func nullOr(t string) []string { return []string{"null", t} }

func enumWithNull(vals []string) []any {
	out := []any{nil}
	for _, v := range vals {
		out = append(out, v)
	}
	return out
}

func imageSchema() obj {
	ro := "readOnly"
	return obj{
		"name": "image",
		"properties": obj{
			"id":         prop("string", "The image's identifier (a UUID).", "pattern", uuidPattern),
			"name":       prop(nullOr("string"), "The image's name.", "maxLength", 255),
			"status":     prop("string", "Where the image is in its life cycle.", ro, true, "enum", []string{"queued", "saving", "active", "killed", "deleted", "uploading", "importing", "pending_delete", "deactivated"}),
			"visibility": prop("string", "Who may see the image.", "enum", []string{"community", "public", "private", "shared"}),
			"protected":  prop("boolean", "Whether deleting the image is refused."),
			"os_hidden":  prop("boolean", "Whether the image is left out of default lists."),
			"checksum":   prop(nullOr("string"), "MD5 of the image data.", ro, true, "maxLength", 32),
			"os_hash_algo": prop(nullOr("string"), "The hash algorithm behind os_hash_value.",
				ro, true, "maxLength", 64),
			"os_hash_value": prop(nullOr("string"), "Hex digest of the image data under os_hash_algo.",
				ro, true, "maxLength", 128),
			"owner":            prop(nullOr("string"), "The owning project.", "maxLength", 255),
			"size":             prop(nullOr("integer"), "Bytes of image data.", ro, true),
			"virtual_size":     prop(nullOr("integer"), "Bytes of the virtual disk.", ro, true),
			"container_format": prop(nullOr("string"), "The container format.", "enum", enumWithNull(image.ContainerFormats())),
			"disk_format":      prop(nullOr("string"), "The disk format.", "enum", enumWithNull(image.DiskFormats())),
			"created_at":       prop("string", "When the image was created.", ro, true),
			"updated_at":       prop("string", "When the image last changed.", ro, true),
			"tags": prop("array", "Tags on the image.",
				"items", obj{"type": "string", "maxLength": 255}),
			"direct_url": prop("string", "Where the data lives in its store.", ro, true),
			"min_ram":    prop("integer", "RAM (MiB) needed to boot the image."),
			"min_disk":   prop("integer", "Disk (GiB) needed to boot the image."),
			"self":       prop("string", "The image's URL.", ro, true),
			"file":       prop("string", "The image data's URL.", ro, true),
			"stores":     prop("string", "Stores holding the data (multi-store only), comma-separated.", ro, true),
			"schema":     prop("string", "This schema's URL.", ro, true),
			"locations": prop("array", "Where the image data is kept.", "items", obj{
				"type": "object",
				"properties": obj{
					"url":      obj{"type": "string", "maxLength": 255},
					"metadata": obj{"type": "object"},
					"validation_data": obj{
						"description":          "Hash values the location's data must match.",
						"type":                 "object",
						"writeOnly":            true,
						"additionalProperties": false,
						"properties": obj{
							"checksum":      obj{"type": "string", "minLength": 32, "maxLength": 32},
							"os_hash_algo":  obj{"type": "string", "maxLength": 64},
							"os_hash_value": obj{"type": "string", "maxLength": 128},
						},
						"required": []string{"os_hash_algo", "os_hash_value"},
					},
				},
				"required": []string{"url", "metadata"},
			}),
		},
		"additionalProperties": obj{"type": "string"},
		"links": []obj{
			{"rel": "self", "href": "{self}"},
			{"rel": "enclosure", "href": "{file}"},
			{"rel": "describedby", "href": "{schema}"},
		},
	}
}

func memberSchema() obj {
	return obj{
		"name": "member",
		"properties": obj{
			"member_id":  prop("string", "The project the image is shared with."),
			"image_id":   prop("string", "The shared image's identifier.", "pattern", uuidPattern),
			"created_at": prop("string", "When the membership was created."),
			"updated_at": prop("string", "When the membership last changed."),
			"status":     prop("string", "The member's answer to the share.", "enum", []string{"pending", "accepted", "rejected"}),
			"schema":     obj{"readOnly": true, "type": "string"},
		},
	}
}

// imagesSchema is Glance's schema of an image list.
func imagesSchema() obj {
	return obj{
		"name": "images",
		"properties": obj{
			"images": obj{"type": "array", "items": imageSchema()},
			"first":  obj{"type": "string"},
			"next":   obj{"type": "string"},
			"schema": obj{"type": "string"},
		},
		"links": []obj{
			{"rel": "first", "href": "{first}"},
			{"rel": "next", "href": "{next}"},
			{"rel": "describedby", "href": "{schema}"},
		},
	}
}

// membersSchema is Glance's schema of a member list.
func membersSchema() obj {
	return obj{
		"name": "members",
		"properties": obj{
			"members": obj{"type": "array", "items": memberSchema()},
			"schema":  obj{"type": "string"},
		},
		"links": []obj{{"rel": "describedby", "href": "{schema}"}},
	}
}

// serveSchema answers GET /v2/schemas/… with one of the schemas.
func serveSchema(schema func() obj) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		httpx.WriteJSON(w, http.StatusOK, schema())
		return nil
	}
}
