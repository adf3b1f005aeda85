// Command testguest builds the QEMU test guest (internal/virt/qemu/testguest)
// into a directory and prints its files as shell assignments, for scripts
// that upload it as Nova users upload a kernel-booted image (tempest.sh
// with NOVALITE_DRIVER=qemu):
//
//	eval "$(go run ./internal/tools/testguest DIR)"   # KERNEL INITRD DISK CMDLINE
package main

import (
	"fmt"
	"os"

	"novalite/internal/virt/qemu/testguest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: testguest DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(os.Args[1], 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "testguest:", err)
		os.Exit(1)
	}
	g, err := testguest.Build(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "testguest:", err)
		os.Exit(1)
	}
	fmt.Printf("KERNEL=%q\nINITRD=%q\nDISK=%q\nCMDLINE=%q\n", g.Kernel, g.Initrd, g.Disk, testguest.CommandLine)
}
