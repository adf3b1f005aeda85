package policy_test

import (
	"testing"

	"novalite/internal/policy"
)

// BenchmarkAuthorize is the policy check every request makes: a member
// showing a server of its own project.
func BenchmarkAuthorize(b *testing.B) {
	c := caller("member", "p1", "u1")
	t := policy.Target{ProjectID: "p1", UserID: "u1"}
	for b.Loop() {
		if err := policy.Authorize(c, "os_compute_api:servers:show", t); err != nil {
			b.Fatal(err)
		}
	}
}
