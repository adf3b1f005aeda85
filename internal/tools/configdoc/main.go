// Command configdoc prints docs/configuration.md from the one Config.
package main

import (
	"os"
	"strings"

	"novalite/internal/config"
)

func main() {
	// The documented defaults are the code's, not this shell's.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "NOVALITE_") {
			os.Unsetenv(k)
		}
	}
	config.WriteDoc(os.Stdout)
}
