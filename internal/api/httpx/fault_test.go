package httpx

import (
	"errors"
	"net/http"
	"testing"

	"novalite"
)

// TestFaults: Nova's and Cinder's tables differ only in OverLimit, and
// every kind of the webob table has a fault of the same status.
func TestFaults(t *testing.T) {
	t.Parallel()
	nova, cinder := Faults(http.StatusTooManyRequests), Faults(http.StatusRequestEntityTooLarge)
	for k, f := range nova {
		want := f
		if k == novalite.OverLimit {
			want.Status = http.StatusRequestEntityTooLarge
		}
		if cinder[k] != want {
			t.Errorf("kind %v: Cinder %+v, want %+v", k, cinder[k], want)
		}
	}
	for k, status := range kindStatus {
		if nova[k].Status != status {
			t.Errorf("kind %v: fault status %d, webob status %d", k, nova[k].Status, status)
		}
	}
}

// TestStatusOf: a kind's webob status; an error of no kind is a 500.
func TestStatusOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		err    error
		status int
		ok     bool
	}{
		{"not found", novalite.Errorf(novalite.NotFound, "x"), 404, true},
		{"conflict", novalite.Errorf(novalite.Conflict, "x"), 409, true},
		{"unavailable", novalite.Errorf(novalite.Unavailable, "x"), 503, true},
		{"plain error", errors.New("boom"), 0, false},
	} {
		status, ok := StatusOf(tc.err)
		if status != tc.status || ok != tc.ok {
			t.Errorf("%s: StatusOf = %d, %v; want %d, %v", tc.name, status, ok, tc.status, tc.ok)
		}
	}
}
