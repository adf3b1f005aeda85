package httpx

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"novalite"
)

// TestAppendJSONIsMarshal: appendJSON's bytes are json.Marshal's for the
// shapes views build and for what it hands over to json.Marshal.
func TestAppendJSONIsMarshal(t *testing.T) {
	str := "x"
	for _, c := range []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"strings", []any{"", "plain", `q"uote`, `back\slash`, "<b>&amp;</b>", "tab\tnew\nline", "\x00\x1f\x7f",
			"héllo ☃", "\u2028\u2029", "bad \xff utf-8"}},
		{"numbers", []any{0, -1, int64(math.MaxInt64), int64(math.MinInt64), 1.5, 1e21, 0.000001, float32(0.1), uint8(7)}},
		{"bools", []any{true, false}},
		{"nil maps and slices", map[string]any{"m": map[string]any(nil), "ms": map[string]string(nil), "a": []any(nil),
			"s": []string(nil), "sm": []map[string]any(nil), "addr": map[string][]map[string]any(nil)}},
		{"empty maps and slices", map[string]any{"m": map[string]any{}, "ms": map[string]string{}, "a": []any{},
			"s": []string{}, "sm": []map[string]any{}, "addr": map[string][]map[string]any{}}},
		{"sorted keys", map[string]any{"b": 1, "a": 2, "B": 3, "OS-EXT-STS:vm_state": "active", "os-extended-volumes:volumes_attached": []any{},
			"<": 4, "é": 5, "": 6}},
		{"named and pointer types", map[string]any{"state": novalite.VMActive, "p": &str, "nilp": (*string)(nil),
			"t": time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), "limits": novalite.QuotaLimits{"cores": 20}}},
		{"server", map[string]any{"server": map[string]any{
			"id": "00000000-0000-4000-8000-000000000001", "name": "vm <1>", "metadata": map[string]string{"role": "web", "k&": "v>"},
			"addresses": map[string][]map[string]any{"private": {{"addr": "10.0.0.5", "version": 4, "OS-EXT-IPS:type": "fixed"}}},
			"links":     []map[string]any{{"rel": "self", "href": "http://127.0.0.1:8774/compute/v2.1/servers/x"}},
			"tags":      []string{"a", "b"}, "locked": false, "key_name": nil, "progress": 0,
			"flavor": map[string]any{"vcpus": 1, "ram": 128, "extra_specs": map[string]string{}}}}},
	} {
		want, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, c.v)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s (%v)\nwant %s", c.name, got, err, want)
		}
	}
}

// FuzzAppendJSON compares appendJSON with json.Marshal for any strings as
// keys and values.
func FuzzAppendJSON(f *testing.F) {
	f.Add("key", "value", 1)
	f.Add("<&>", "\u2028\xff\"\\", -5)
	f.Fuzz(func(t *testing.T, k, v string, n int) {
		x := map[string]any{k: v, v: []any{k, n, map[string]string{k: v}}, "s": []string{v, k}}
		want, _ := json.Marshal(x)
		got, err := appendJSON(nil, x)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("got %s (%v)\nwant %s", got, err, want)
		}
	})
}
