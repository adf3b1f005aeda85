package app_test

import (
	"testing"

	"novalite/internal/api/schema"
	_ "novalite/internal/app" // every API's package-level schemas
)

// Schemas compile on first use (a start compiles none): this finds a bad
// one among all that the APIs make at package level.
func TestAllSchemasCompile(t *testing.T) {
	n, err := schema.CompileAll()
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Errorf("compiled %d schemas; the APIs make more than 30 at package level", n)
	}
}
