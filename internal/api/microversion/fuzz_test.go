package microversion

import (
	"net/http"
	"testing"

	"novalite"
)

// FuzzNegotiate: any version header negotiates a version within
// [Min, Max] or is refused with Nova's 400 or 406.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"compute 2.1", "compute 2.104", "compute latest", "compute 2.999", "2.10",
		"compute 1.0", "volume 3.0, compute 2.60", "compute 2.", "compute -2.-1", "compute 99999999999999999999.1"} {
		f.Add(s, "")
	}
	f.Add("", "2.37")
	f.Fuzz(func(t *testing.T, api, legacy string) {
		h := http.Header{}
		if api != "" {
			h.Set("OpenStack-API-Version", api)
		}
		if legacy != "" {
			h.Set("X-OpenStack-Nova-API-Version", legacy)
		}
		v, err := Negotiate(h)
		if err != nil {
			if k := novalite.KindOf(err); k != novalite.Invalid && k != novalite.NotAcceptable {
				t.Fatalf("%q/%q: kind %v", api, legacy, k)
			}
			return
		}
		if v.Less(Min) || Max.Less(v) {
			t.Fatalf("%q/%q negotiated %s", api, legacy, v)
		}
	})
}
