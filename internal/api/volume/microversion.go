package volume

import (
	"context"
	"net/http"
	"strings"

	"novalite/internal/api/httpx"
	"novalite/internal/api/microversion"
)

// Cinder's microversions: 3.0 to 3.71, the maximum of every release
// since 2024.1 (the Cinder beside Nova's 2.96 and later).
var (
	minVersion = microversion.Version{Major: 3, Minor: 0}
	maxVersion = microversion.Version{Major: 3, Minor: 71}
)

type mvKey struct{}

// requestMV is the negotiated microversion of a request.
func requestMV(r *http.Request) microversion.Version {
	v, ok := r.Context().Value(mvKey{}).(microversion.Version)
	if !ok {
		return minVersion
	}
	return v
}

// negotiate reads OpenStack-API-Version: volume X.Y (the last value
// naming volume wins): none is 3.0, "latest" the maximum, a bad string
// 400 and one out of range 406, as Cinder answers.
func negotiate(h http.Header) (microversion.Version, error) {
	var s string
	for _, line := range h.Values("OpenStack-API-Version") {
		for _, part := range strings.Split(line, ",") {
			if f := strings.Fields(part); len(f) == 2 && strings.EqualFold(f[0], "volume") {
				s = f[1]
			}
		}
	}
	switch s {
	case "":
		return minVersion, nil
	case "latest":
		return maxVersion, nil
	}
	return microversion.ParseIn(s, minVersion, maxVersion)
}

// versioned negotiates the microversion, echoes it, and checks a
// project id in the URL, before h runs.
func versioned(h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := negotiate(r.Header)
		if err != nil {
			return err
		}
		w.Header().Set("OpenStack-API-Version", "volume "+v.String())
		w.Header().Add("Vary", "OpenStack-API-Version")
		if err := checkProject(r); err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), mvKey{}, v)))
	}
}
