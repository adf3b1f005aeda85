package compute_test

import (
	"net/http"
	"testing"
)

// TestReturnReservationIDTruth: Nova answers the reservation id whenever
// return_reservation_id is a true value in Python's sense, so for every
// word its boolean schema takes, "False" and "0" included.
func TestReturnReservationIDTruth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		value       any
		reservation bool
	}{
		{true, true}, {false, false}, {"True", true},
		{"False", true}, {"0", true}, {"no", true}, // Nova's answer; bool_from_string would say false
	} {
		r := b.do("POST", "/servers", b.demo, "2.100", map[string]any{"server": map[string]any{
			"name": "rr", "imageRef": b.image, "flavorRef": "1", "networks": "none", "return_reservation_id": tc.value}})
		if r.Status != http.StatusAccepted {
			t.Fatalf("%#v: %d %s", tc.value, r.Status, r.Body)
		}
		_, got := r.JSON(t)["reservation_id"]
		if got != tc.reservation {
			t.Errorf("return_reservation_id %#v: reservation id answered %v, want %v (%s)", tc.value, got, tc.reservation, r.Body)
		}
	}
}

// TestAttachDeleteOnTerminationTruth: an attach stores bool() of
// delete_on_termination (a BooleanField) and, from 2.79 to 2.100, echoes
// it as sent; the update (2.85) reads it with bool_from_string.
func TestAttachDeleteOnTerminationTruth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vm", nil)
	b.launch(t, id)
	base := "/servers/" + id + "/os-volume_attachments"
	for _, tc := range []struct {
		sent   any
		stored bool
	}{
		{true, true}, {false, false}, {"True", true},
		{"False", true}, {"no", true}, // Nova's answer; bool_from_string would say false
	} {
		v := b.vol(t, b.demo, map[string]any{"size": 1})
		r := b.do("POST", base, b.demo, "2.79", map[string]any{"volumeAttachment": map[string]any{"volumeId": v,
			"delete_on_termination": tc.sent}})
		if r.Status != http.StatusOK {
			t.Fatalf("attach %#v: %d %s", tc.sent, r.Status, r.Body)
		}
		if got := r.JSON(t)["volumeAttachment"].(map[string]any)["delete_on_termination"]; got != tc.sent {
			t.Errorf("attach %#v: answered %#v, want it echoed", tc.sent, got)
		}
		show := b.do("GET", base+"/"+v, b.demo, "2.79", nil).JSON(t)["volumeAttachment"].(map[string]any)
		if show["delete_on_termination"] != tc.stored {
			t.Errorf("attach %#v: stored %v, want %v", tc.sent, show["delete_on_termination"], tc.stored)
		}
		if tc.sent != "False" {
			continue
		}
		if r := b.do("PUT", base+"/"+v, b.demo, "2.85", map[string]any{"volumeAttachment": map[string]any{"volumeId": v,
			"delete_on_termination": "False"}}); r.Status != http.StatusAccepted {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		show = b.do("GET", base+"/"+v, b.demo, "2.85", nil).JSON(t)["volumeAttachment"].(map[string]any)
		if show["delete_on_termination"] != false {
			t.Errorf("update \"False\": stored %v, want false", show["delete_on_termination"])
		}
	}
}

// TestForcedMoveWithoutHost: force (a strict bool_from_string, so any of
// the schema's words) with no destination is Nova's 400, for
// os-migrateLive from 2.30 and evacuate from 2.29.
func TestForcedMoveWithoutHost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vm", nil)
	b.launch(t, id)
	const refused = "Can't force to a non-provided destination"
	for _, tc := range []struct {
		name, mv string
		body     map[string]any
		refused  bool
	}{
		{"live true", "2.30", map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto", "force": true}}, true},
		{"live yes", "2.67", map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto", "force": "yes"}}, true},
		{"live no", "2.30", map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto", "force": "no"}}, false},
		{"evacuate On", "2.29", map[string]any{"evacuate": map[string]any{"force": "On"}}, true},
		{"evacuate false", "2.29", map[string]any{"evacuate": map[string]any{"force": false}}, false},
	} {
		r := b.do("POST", "/servers/"+id+"/action", b.admin, tc.mv, tc.body)
		status, msg := fault(t, r)
		if got := status == http.StatusBadRequest && msg == refused; got != tc.refused {
			t.Errorf("%s: %d %q; refused as forced without a host: %v, want %v", tc.name, status, msg, got, tc.refused)
		}
	}
}

// TestLooseBooleanRefusals: what Nova's parameter_types.boolean ({"type":
// ["boolean", "string"]} and its words) refuses, in its jsonschema
// message: a number is a type failure naming the types in the schema's
// order, a word not in the enum an enum failure; os-migrateLive's
// block_migration from 2.25 is the same enum with "auto" appended
// (schemas/migrate_server.py), so "AUTO" fails against that one list.
func TestLooseBooleanRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.create(t, b.demo, "vm", nil)
	b.launch(t, id)
	const words = "True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', " +
		"False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'"
	create := func(k string, v any) map[string]any {
		return map[string]any{"server": map[string]any{"name": "b", "imageRef": b.image, "flavorRef": "1", "networks": "none", k: v}}
	}
	action := "/servers/" + id + "/action"
	for _, tc := range []struct {
		name, path, mv string
		body           map[string]any
		msg            string
	}{
		{"config_drive number", "/servers", "2.37", create("config_drive", 1),
			"Invalid input for field/attribute config_drive. Value: 1. 1 is not of type 'boolean', 'string'"},
		{"return_reservation_id number", "/servers", "2.37", create("return_reservation_id", 0),
			"Invalid input for field/attribute return_reservation_id. Value: 0. 0 is not of type 'boolean', 'string'"},
		{"config_drive t", "/servers", "2.37", create("config_drive", "t"),
			"Invalid input for field/attribute config_drive. Value: t. 't' is not one of [" + words + "]"},
		// positive_integer is ["integer", "string"] in Nova too.
		{"max_count boolean", "/servers", "2.37", create("max_count", true),
			"Invalid input for field/attribute max_count. Value: True. True is not of type 'integer', 'string'"},
		{"block_migration auto before 2.25", action, "2.24",
			map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "auto", "disk_over_commit": false}},
			"Invalid input for field/attribute block_migration. Value: auto. 'auto' is not one of [" + words + "]"},
		{"block_migration AUTO", action, "2.25", map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": "AUTO"}},
			"Invalid input for field/attribute block_migration. Value: AUTO. 'AUTO' is not one of [" + words + ", 'auto']"},
		{"block_migration number", action, "2.25", map[string]any{"os-migrateLive": map[string]any{"host": nil, "block_migration": 1}},
			"Invalid input for field/attribute block_migration. Value: 1. 1 is not of type 'boolean', 'string'"},
		{"onSharedStorage number", action, "2.1", map[string]any{"evacuate": map[string]any{"onSharedStorage": 1}},
			"Invalid input for field/attribute onSharedStorage. Value: 1. 1 is not of type 'boolean', 'string'"},
		{"quota force number", "/os-quota-sets/" + b.project(t, b.demo), "2.1", nil,
			"Invalid input for field/attribute force. Value: 1. 1 is not of type 'boolean', 'string'"},
	} {
		method, body := "POST", tc.body
		if body == nil {
			method, body = "PUT", map[string]any{"quota_set": map[string]any{"force": 1, "cores": 5}}
		}
		status, msg := fault(t, b.do(method, tc.path, b.admin, tc.mv, body))
		expect(t, tc.name, http.StatusBadRequest, tc.msg, status, msg)
	}
}
