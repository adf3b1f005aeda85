package bench

import (
	"net/url"
	"testing"
)

func TestPlainOnLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"ipv4 loopback", "postgres://postgres@127.0.0.1:5432/db", "postgres://postgres@127.0.0.1:5432/db?sslmode=disable"},
		{"ipv6 loopback", "postgres://postgres@[::1]:5432/db", "postgres://postgres@[::1]:5432/db?sslmode=disable"},
		{"localhost", "postgres://localhost/db?application_name=x", "postgres://localhost/db?application_name=x&sslmode=disable"},
		{"sslmode given", "postgres://127.0.0.1/db?sslmode=require", "postgres://127.0.0.1/db?sslmode=require"},
		{"remote", "postgres://db.example.com/db", "postgres://db.example.com/db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			plainOnLoopback(u)
			if got := u.String(); got != tt.want {
				t.Errorf("plainOnLoopback(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
