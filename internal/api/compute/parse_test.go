package compute

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"novalite"
)

// TestOptionalNullable: left out, null and a value are three different
// things for Nullable; Optional tells left out from given.
func TestOptionalNullable(t *testing.T) {
	t.Parallel()
	type body struct {
		D Nullable[string] `json:"d"`
		O Optional[string] `json:"o"`
	}
	for _, tc := range []struct {
		name, in string
		change   novalite.Nullable[string]
		opt      *string
	}{
		{"left out", `{}`, novalite.Nullable[string]{}, nil},
		{"null", `{"d": null, "o": null}`, novalite.Nullable[string]{Set: true, Null: true}, new("")},
		{"values", `{"d": "x", "o": "y"}`, novalite.NullableOf("x"), new("y")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b body
			if err := unmarshal([]byte(tc.in), &b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.change, b.D.Change()); diff != "" {
				t.Errorf("Nullable.Change (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.opt, b.O.Ptr()); diff != "" {
				t.Errorf("Optional.Ptr (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateBodyDecodes: the loose scalars Nova accepts read as their
// values, networks as a mode or a list, and numbers inside untyped parts
// stay json.Number (the service stores block device mappings as given).
func TestCreateBodyDecodes(t *testing.T) {
	t.Parallel()
	in := `{"server": {"name": "vm", "flavorRef": 42, "min_count": "2", "max_count": 3,
		"config_drive": "Yes", "return_reservation_id": true, "networks": "none",
		"block_device_mapping_v2": [{"boot_index": 0, "volume_size": "1"}],
		"security_groups": [{"name": "web"}, {}]},
		"os:scheduler_hints": {"group": "g", "n": 5}}`
	var req createRequest
	if err := unmarshal([]byte(in), &req); err != nil {
		t.Fatal(err)
	}
	s := req.Server
	got := []any{string(s.FlavorRef), int(s.MinCount.Or(1)), int(s.MaxCount.Or(1)), bool(s.ConfigDrive),
		pyTruth(s.ReturnReservationID), s.Networks.Value.Mode, s.BDMv2.Value[0]["boot_index"], req.Hints.hints.Group, req.Hints.hints.Other["n"],
		len(s.SecurityGroups.Value), s.BDM.Set}
	want := []any{"42", 2, 3, true, true, "none", json.Number("0"), []string{"g"}, []string{"5"}, 2, false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	var list createRequest
	if err := unmarshal([]byte(`{"server": {"networks": [{"uuid": "u"}, {"port": null}]}}`), &list); err != nil {
		t.Fatal(err)
	}
	n := list.Server.Networks.Value
	if n.Mode != "list" || len(n.Items) != 2 || !n.Items[0].UUID.Set || n.Items[1].UUID.Set {
		t.Errorf("networks list = %+v", n)
	}
}

// TestLooseValues: the body values Nova takes in more than one JSON type
// decode as Nova stores them.
func TestLooseValues(t *testing.T) {
	t.Parallel()
	type body struct {
		Specs  map[string]specValue `json:"specs"`
		Meta   stringValues         `json:"meta"`
		Quotas quotaSetUpdate       `json:"quotas"`
	}
	var b body
	in := `{"specs": {"s": "x", "n": 2.50, "t": true, "f": false},
		"meta": {"s": "x", "n": 1, "o": {}, "z": null},
		"quotas": {"cores": "10", "ram": -1, "force": "True", "networks": 3}}`
	if err := unmarshal([]byte(in), &b); err != nil {
		t.Fatal(err)
	}
	want := body{
		Specs:  map[string]specValue{"s": "x", "n": "2.50", "t": "True", "f": "False"},
		Meta:   stringValues{"s": "x"},
		Quotas: quotaSetUpdate{Limits: map[string]int64{"cores": 10, "ram": -1}, Force: true, Networks: true},
	}
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}

// TestOnlyParams: a strict query schema names the unexpected parameters
// sorted, with the verb for their number.
func TestOnlyParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query string
		want  string // "" for no error
	}{
		{"limit=1&offset=2", ""},
		{"", ""},
		{"limit=1&foo=2", "Additional properties are not allowed ('foo' was unexpected)"},
		{"zed=1&foo=2&limit=3", "Additional properties are not allowed ('foo', 'zed' were unexpected)"},
	} {
		q, _ := url.ParseQuery(tc.query)
		got := ""
		if err := onlyParams(q, "limit", "offset"); err != nil {
			got = novalite.MessageOf(err)
		}
		if got != tc.want {
			t.Errorf("onlyParams(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
}

// TestImageDiskConfig: an image's auto_disk_config reads as Nova's image
// view reads it, with bool_from_string; the rows marked are those Go's
// strconv.ParseBool (used before) answered otherwise.
func TestImageDiskConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string
		want  string
	}{
		{"True", "AUTO"}, {"true", "AUTO"}, {"1", "AUTO"}, {"t", "AUTO"},
		{"yes", "AUTO"},    // ParseBool: MANUAL
		{"on", "AUTO"},     // ParseBool: MANUAL
		{"y", "AUTO"},      // ParseBool: MANUAL
		{" True ", "AUTO"}, // ParseBool: MANUAL
		{"tRuE", "AUTO"},   // ParseBool: MANUAL
		{"False", "MANUAL"}, {"0", "MANUAL"}, {"no", "MANUAL"}, {"", "MANUAL"},
		{"disabled", "MANUAL"}, {"2", "MANUAL"},
	} {
		got, ok := imageDiskConfig(map[string]string{"auto_disk_config": tc.value})
		if !ok || got != tc.want {
			t.Errorf("auto_disk_config %q: %q, %v; want %q", tc.value, got, ok, tc.want)
		}
	}
	if got, ok := imageDiskConfig(map[string]string{}); ok {
		t.Errorf("no auto_disk_config: %q shown", got)
	}
}

// TestPyTruth: the fields Nova tests for Python truth take every word as
// true, the false ones too; bool_from_string (boolValue) reads the words.
func TestPyTruth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in          any
		truth, word bool
	}{
		{true, true, true}, {false, false, false}, {nil, false, false},
		{"True", true, true}, {"yes", true, true},
		{"False", true, false}, {"0", true, false}, {"no", true, false}, {"OFF", true, false},
	} {
		w, _ := boolValue(tc.in)
		if got := pyTruth(tc.in); got != tc.truth || w != tc.word {
			t.Errorf("%#v: pyTruth %v, boolValue %v; want %v, %v", tc.in, got, w, tc.truth, tc.word)
		}
	}
}
