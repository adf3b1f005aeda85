package compute

import (
	"net/url"
	"testing"

	"novalite"
	"novalite/internal/api/microversion"
	"novalite/internal/api/schema"
)

// FuzzServerListQuery: any query string of GET /servers is accepted or
// refused as Invalid (Nova's 400), at the oldest and newest versions.
func FuzzServerListQuery(f *testing.F) {
	for _, s := range []string{"name=web&status=ACTIVE", "limit=-1", "limit=99999999999999999999", "sort_key=x&sort_dir=up",
		"changes-since=2026-13-45", "all_tenants=1&deleted=yes", "ip=%5E10%5C.", "tags=a,b&not-tags-any=c", "flavor=%00",
		"marker=", "locked=maybe", "availability_zone=&&&"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, newest bool) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // refused at the edge
		}
		mv := microversion.Min
		if newest {
			mv = microversion.Max
		}
		if err := validateListQuery(q, mv); err != nil && novalite.KindOf(err) != novalite.Invalid {
			t.Fatalf("%q: kind %v: %v", raw, novalite.KindOf(err), err)
		}
	})
}

// FuzzServerCreateBody: any body of POST /servers is accepted by the
// schema of its version or refused as Invalid with a message, never a
// panic or another kind.
func FuzzServerCreateBody(f *testing.F) {
	for _, s := range []string{
		`{"server": {"name": "vm", "imageRef": "70a599e0-31e7-49b7-b260-868f441e862b", "flavorRef": "1", "networks": "auto"}}`,
		`{"server": {"name": "vm", "flavorRef": "1", "block_device_mapping_v2": [{"boot_index": 0, "uuid": "x", "source_type": "image", "volume_size": 99999999999999999999}]}}`,
		`{"server": {"name": "", "min_count": -1, "max_count": 1e308, "metadata": {"k": 1}}}`,
		`{"server": {"name": "vm", "networks": [{"uuid": "not-a-uuid", "fixed_ip": "999.1.1.1"}], "security_groups": [{}]}}`,
		`{"server": {"name": "vm", "user_data": "!!!", "key_name": null, "OS-DCF:diskConfig": "BAD"}}`,
		`{"server": {"name": "vm", "flavorRef": "1"}, "os:scheduler_hints": {"group": [], "same_host": 1}}`,
		`[]`, `{"server": [[[[[[[[[[]]]]]]]]]]}`,
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(103))
	}
	f.Fuzz(func(t *testing.T, body string, minor uint8) {
		mv := microversion.Version{Major: 2, Minor: 1 + int(minor)%microversion.Max.Minor}
		doc, err := schema.Decode([]byte(body))
		if err != nil {
			return // ReadBody's 400
		}
		err = schemaFor("server_create", mv, createSchemaDoc).Validate(doc)
		if err != nil && (novalite.KindOf(err) != novalite.Invalid || novalite.MessageOf(err) == "") {
			t.Fatalf("%s at %s: %v", body, mv, err)
		}
	})
}

// bodySchemas are the schemas of the compute API's request bodies, each
// built for the version asked.
var bodySchemas = []struct {
	name string
	doc  func(microversion.Version) obj
}{
	{"create", createSchemaDoc}, {"update", updateSchemaDoc},
	{"aggregate-create", aggregateSchemaDoc(true)}, {"aggregate-update", aggregateSchemaDoc(false)},
	{"aggregate-action", aggregateActionSchemaDoc}, {"aggregate-images", aggregateImagesSchemaDoc},
	{"flavor-action", flavorActionSchemaDoc}, {"flavor-create", flavorCreateSchemaDoc}, {"flavor-update", flavorUpdateSchemaDoc},
	{"extra-spec-update", extraSpecUpdateSchemaDoc}, {"extra-specs-create", extraSpecsCreateSchemaDoc},
	{"host-update", hostUpdateSchemaDoc}, {"keypair-create", keypairCreateSchemaDoc},
	{"quota-class-update", quotaClassUpdateSchemaDoc}, {"quota-update", quotaUpdateSchemaDoc},
	{"remote-console", remoteConsoleSchema}, {"server-external-events", externalEventsSchemaDoc},
	{"server-group-create", serverGroupCreateSchemaDoc}, {"service-update", serviceUpdateSchemaDoc},
	{"volume-attach", volumeAttachSchemaDoc}, {"volume-attachment-update", volumeUpdateSchemaDoc},
}

// FuzzBodySchemas: any body against any of the compute API's body schemas,
// at any version, is accepted or refused as Invalid with a message.
func FuzzBodySchemas(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `null`, `{"flavor": {"name": "x", "ram": -1, "vcpus": 1e400, "disk": "1"}}`,
		`{"quota_set": {"instances": "99999999999999999999999"}}`, `{"keypair": {"name": "\u0000", "type": "x"}}`,
		`{"addHost": {"host": ""}}`, `{"events": [{"name": "network-changed", "server_uuid": 1}]}`,
		`{"remote_console": {"protocol": "vnc", "type": "novnc"}}`, `{"volumeAttachment": {"volumeId": "x", "tag": []}}`} {
		for i := range bodySchemas {
			f.Add(s, uint8(i), uint8(99))
		}
	}
	f.Fuzz(func(t *testing.T, body string, which, minor uint8) {
		sc := bodySchemas[int(which)%len(bodySchemas)]
		mv := microversion.Version{Major: 2, Minor: 1 + int(minor)%microversion.Max.Minor}
		doc, err := schema.Decode([]byte(body))
		if err != nil {
			return // ReadBody's 400
		}
		err = schemaFor(sc.name, mv, sc.doc).Validate(doc)
		if err != nil && (novalite.KindOf(err) != novalite.Invalid || novalite.MessageOf(err) == "") {
			t.Fatalf("%s %s at %s: %v", sc.name, body, mv, err)
		}
	})
}
