// Command novalite is the OpenStack Compute API in one binary.
package main

import (
	"os"

	"novalite/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
