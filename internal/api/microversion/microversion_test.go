package microversion_test

import (
	"net/http"
	"testing"

	"novalite"
	"novalite/internal/api/microversion"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want microversion.Version
		ok   bool
	}{
		{"2.1", microversion.Version{Major: 2, Minor: 1}, true},
		{"2.0", microversion.Version{Major: 2, Minor: 0}, true},
		{"2.104", microversion.Version{Major: 2, Minor: 104}, true},
		{"10.10", microversion.Version{Major: 10, Minor: 10}, true},
		{"latest", microversion.Max, true},
		{"Latest", microversion.Version{}, false},
		{"2", microversion.Version{}, false},
		{"2.", microversion.Version{}, false},
		{".1", microversion.Version{}, false},
		{"02.1", microversion.Version{}, false},
		{"2.01", microversion.Version{}, false},
		{"0.1", microversion.Version{}, false},
		{"2.1.1", microversion.Version{}, false},
		{" 2.1", microversion.Version{}, false},
		{"2.99999999999999999999", microversion.Version{}, false},
	}
	for _, tt := range tests {
		got, err := microversion.Parse(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !novalite.IsKind(err, novalite.Invalid) {
			t.Errorf("Parse(%q): kind %v", tt.in, novalite.KindOf(err))
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	v := microversion.Version{Major: 2, Minor: 47}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"AtLeast same", v.AtLeast(2, 47), true},
		{"AtLeast lower", v.AtLeast(2, 3), true},
		{"AtLeast higher", v.AtLeast(2, 48), false},
		{"AtLeast higher major", v.AtLeast(3, 0), false},
		{"AtMost same", v.AtMost(2, 47), true},
		{"AtMost higher", v.AtMost(2, 100), true},
		{"AtMost lower", v.AtMost(2, 46), false},
		{"Less", v.Less(microversion.Version{Major: 2, Minor: 100}), true},
		{"not Less", microversion.Max.Less(v), false},
		{"numeric, not lexical", microversion.Version{Major: 2, Minor: 9}.Less(microversion.Version{Major: 2, Minor: 10}), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v", tt.name, tt.got)
		}
	}
	if s := microversion.Max.String(); s != "2.104" {
		t.Errorf("Max %s", s)
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers [][2]string
		want    string
		kind    novalite.Kind // when an error is expected
	}{
		{"none", nil, "2.1", 0},
		{"legacy", [][2]string{{"X-OpenStack-Nova-API-Version", "2.5"}}, "2.5", 0},
		{"standard wins", [][2]string{{"X-OpenStack-Nova-API-Version", "2.5"}, {"OpenStack-API-Version", "compute 2.6"}}, "2.6", 0},
		{"repeated standard: last wins", [][2]string{{"OpenStack-API-Version", "compute 2.6"}, {"OpenStack-API-Version", "compute 2.8"}}, "2.8", 0},
		{"repeated legacy: last wins", [][2]string{{"X-OpenStack-Nova-API-Version", "2.6"}, {"X-OpenStack-Nova-API-Version", "2.9"}}, "2.9", 0},
		{"entry without version ignored", [][2]string{{"OpenStack-API-Version", "compute"}, {"X-OpenStack-Nova-API-Version", "2.3"}}, "2.3", 0},
		{"empty header", [][2]string{{"OpenStack-API-Version", ""}}, "2.1", 0},
		{"latest", [][2]string{{"OpenStack-API-Version", "compute latest"}}, "2.104", 0},
		{"out of range", [][2]string{{"OpenStack-API-Version", "compute 2.105"}}, "", novalite.NotAcceptable},
		{"malformed", [][2]string{{"OpenStack-API-Version", "compute 2.x"}}, "", novalite.Invalid},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, kv := range tt.headers {
			h.Add(kv[0], kv[1])
		}
		v, err := microversion.Negotiate(h)
		switch {
		case tt.kind != 0:
			if !novalite.IsKind(err, tt.kind) {
				t.Errorf("%s: %v, want kind %v", tt.name, err, tt.kind)
			}
		case err != nil || v.String() != tt.want:
			t.Errorf("%s: %v %v, want %s", tt.name, v, err, tt.want)
		}
	}
}

func TestSetHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	microversion.SetHeaders(h, microversion.Version{Major: 2, Minor: 60})
	if h.Get("OpenStack-API-Version") != "compute 2.60" || h.Get("X-OpenStack-Nova-API-Version") != "2.60" {
		t.Errorf("headers %v", h)
	}
	if v := h.Values("Vary"); len(v) != 2 || v[0] != "OpenStack-API-Version" || v[1] != "X-OpenStack-Nova-API-Version" {
		t.Errorf("Vary %v", v)
	}
}
