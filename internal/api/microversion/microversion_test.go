package microversion

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"novalite"
)

var nova = regexp.MustCompile(`^([1-9]\d*)\.([1-9]\d*|0)$`)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
		ok   bool
	}{
		{"2.1", Version{2, 1}, true},
		{"2.104", Version{2, 104}, true},
		{"2.0", Version{2, 0}, true},
		{"10.10", Version{10, 10}, true},
		{"latest", Max, true},
		{"Latest", Version{}, false},
		{"2", Version{}, false},
		{"2.", Version{}, false},
		{".1", Version{}, false},
		{"02.1", Version{}, false},
		{"2.01", Version{}, false},
		{"0.1", Version{}, false},
		{"2.1.0", Version{}, false},
		{" 2.1", Version{}, false},
		{"2.x", Version{}, false},
		{"", Version{}, false},
		{"2.1\n", Version{}, false},
		{"+2.1", Version{}, false},
		{"2.+1", Version{}, false},
		{"2.1 ", Version{}, false},
		{"2.-1", Version{}, false},
		{"٢.1", Version{}, false},                    // an Arabic-Indic digit: \d is ASCII
		{"99999999999999999999.1", Version{}, false}, // Nova's format past an int: ParseIn answers 406
		{"2.0000", Version{}, false},
		{"2..1", Version{}, false},
	} {
		// Nova's pattern, which parse checks by hand.
		if matched := nova.MatchString(tc.in) && !strings.HasPrefix(tc.in, "9999"); matched != tc.ok && tc.in != "latest" {
			t.Errorf("%q: Nova's pattern matches %v, the case says %v", tc.in, matched, tc.ok)
		}
		got, err := parse(tc.in)
		if tc.ok != (err == nil) || (tc.ok && got != tc.want) {
			t.Errorf("parse(%q) = %v, %v", tc.in, got, err)
		}
		if !tc.ok {
			want := "API Version String " + tc.in + " is of invalid format. Must be of format MajorNum.MinorNum."
			if !novalite.IsKind(err, novalite.Invalid) || novalite.MessageOf(err) != want {
				t.Errorf("parse(%q) error %v", tc.in, err)
			}
		}
	}
}

func TestCompare(t *testing.T) {
	v := Version{2, 47}
	for _, tc := range []struct {
		major, minor    int
		atLeast, atMost bool
	}{
		{2, 46, true, false}, {2, 47, true, true}, {2, 48, false, true},
		{1, 99, true, false}, {3, 0, false, true},
	} {
		if got := v.AtLeast(tc.major, tc.minor); got != tc.atLeast {
			t.Errorf("2.47 AtLeast %d.%d = %v", tc.major, tc.minor, got)
		}
		if got := v.AtMost(tc.major, tc.minor); got != tc.atMost {
			t.Errorf("2.47 AtMost %d.%d = %v", tc.major, tc.minor, got)
		}
	}
	if !(Version{2, 9}).Less(Version{2, 10}) || (Version{2, 10}).Less(Version{2, 9}) || v.Less(v) {
		t.Error("Less compares minors as numbers")
	}
	if Min.String() != "2.1" || Max.String() != "2.104" {
		t.Errorf("range %s..%s", Min, Max)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.Header
		want Version
		kind novalite.Kind
	}{
		{"none", http.Header{}, Min, 0},
		{"legacy", http.Header{"X-Openstack-Nova-Api-Version": {"2.37"}}, Version{2, 37}, 0},
		{"new", http.Header{"Openstack-Api-Version": {"compute 2.60"}}, Version{2, 60}, 0},
		{"new wins", http.Header{"Openstack-Api-Version": {"compute 2.60"}, "X-Openstack-Nova-Api-Version": {"2.3"}}, Version{2, 60}, 0},
		{"other service", http.Header{"Openstack-Api-Version": {"volume 3.1"}}, Min, 0},
		{"repeated header", http.Header{"Openstack-Api-Version": {"compute 2.5", "compute 2.6"}}, Version{2, 6}, 0},
		{"list", http.Header{"Openstack-Api-Version": {"compute 2.5,image 2.1, compute 2.8"}}, Version{2, 8}, 0},
		{"legacy repeated", http.Header{"X-Openstack-Nova-Api-Version": {"2.5", "2.9"}}, Version{2, 9}, 0},
		{"latest", http.Header{"Openstack-Api-Version": {"compute latest"}}, Max, 0},
		{"three words", http.Header{"Openstack-Api-Version": {"compute 2.5 x, compute"}}, Min, 0},
		{"tabs and case", http.Header{"Openstack-Api-Version": {" Compute\t2.7 "}}, Version{2, 7}, 0},
		{"malformed", http.Header{"Openstack-Api-Version": {"compute two"}}, Version{}, novalite.Invalid},
		{"too new", http.Header{"X-Openstack-Nova-Api-Version": {"2.105"}}, Version{}, novalite.NotAcceptable},
		{"too old", http.Header{"X-Openstack-Nova-Api-Version": {"2.0"}}, Version{}, novalite.NotAcceptable},
		{"v1", http.Header{"X-Openstack-Nova-Api-Version": {"1.1"}}, Version{}, novalite.NotAcceptable},
		{"major past an int", http.Header{"X-Openstack-Nova-Api-Version": {"99999999999999999999.1"}}, Version{}, novalite.NotAcceptable},
		{"minor past an int", http.Header{"Openstack-Api-Version": {"compute 2.99999999999999999999"}}, Version{}, novalite.NotAcceptable},
	} {
		got, err := Negotiate(tc.h)
		if tc.kind != 0 {
			if !novalite.IsKind(err, tc.kind) {
				t.Errorf("%s: %v, want kind %v", tc.name, err, tc.kind)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %v, %v, want %v", tc.name, got, err, tc.want)
		}
	}
	_, err := Negotiate(http.Header{"X-Openstack-Nova-Api-Version": {"2.200"}})
	if want := "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.104."; novalite.MessageOf(err) != want {
		t.Errorf("406 message %q", novalite.MessageOf(err))
	}
}

// TestSetHeaders: for every version (and one past Max, written the slow
// way), with and without a Vary already set, the headers are those of
// http.Header's methods; an Add after them leaves the shared values be.
func TestSetHeaders(t *testing.T) {
	h := http.Header{}
	SetHeaders(h, Version{2, 42})
	if h.Get("OpenStack-API-Version") != "compute 2.42" || h.Get("X-OpenStack-Nova-API-Version") != "2.42" {
		t.Errorf("headers %v", h)
	}
	if v := h.Values("Vary"); len(v) != 2 || v[0] != "OpenStack-API-Version" || v[1] != "X-OpenStack-Nova-API-Version" {
		t.Errorf("Vary %v", v)
	}
	for minor := 0; minor <= Max.Minor+1; minor++ {
		for _, before := range []http.Header{{}, {"Vary": {"X-Auth-Token"}}} {
			got, want := before.Clone(), before.Clone()
			SetHeaders(got, Version{2, minor})
			setHeaders(want, Version{2, minor})
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("2.%d after %v: %v, want %v", minor, before, got, want)
			}
			got.Add("Vary", "Accept")
			got.Add("X-OpenStack-Nova-API-Version", "9.9")
		}
	}
	if len(vary) != 2 || len(echoes[1].novaVersion) != 1 || echoes[1].novaVersion[0] != "2.1" {
		t.Errorf("shared values written: %v %v", vary, echoes[1])
	}
}
