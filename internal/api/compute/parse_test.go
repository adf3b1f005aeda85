package compute

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"novalite"
)

// TestBoolFromString: oslo's words, in any case and trimmed; anything
// else is unknown.
func TestBoolFromString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in           string
		value, known bool
	}{
		{"1", true, true}, {"t", true, true}, {" TRUE ", true, true}, {"On", true, true},
		{"y", true, true}, {"yes", true, true},
		{"0", false, true}, {"f", false, true}, {"False", false, true}, {"off", false, true},
		{"n", false, true}, {"NO", false, true},
		{"", false, false}, {"2", false, false}, {"yep", false, false}, {"none", false, false},
	} {
		v, known := boolFromString(tc.in)
		if v != tc.value || known != tc.known {
			t.Errorf("boolFromString(%q) = %v, %v; want %v, %v", tc.in, v, known, tc.value, tc.known)
		}
	}
}

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
		bool(s.ReturnReservationID), s.Networks.Value.Mode, s.BDMv2.Value[0]["boot_index"], req.Hints.hints.Group, req.Hints.hints.Other["n"],
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
