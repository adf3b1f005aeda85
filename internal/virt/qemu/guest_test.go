package qemu

import "testing"

func TestExitingQEMU(t *testing.T) {
	for _, c := range []struct {
		name, stat string
		want       bool
	}{
		{"killed qemu, memory gone", "4242 (qemu-system-x86) R 1 4242 4242 0 -1 4194564 912 0 0 0", true},
		{"running qemu", "4242 (qemu-system-x86) S 1 4242 4242 0 -1 4194560 912 0 0 0", false},
		{"another exiting process", "4242 (bash) R 1 4242 4242 0 -1 4194564 912 0 0 0", false},
		{"a name with spaces and parentheses", "4242 (qemu (x) y) R 1 4242 4242 0 -1 4194564 912", true},
		{"kernel thread", "4242 (kworker/0:1) I 2 0 0 0 -1 69238880 0 0 0 0", false},
		{"truncated", "4242 (qemu-system-x86) R 1", false},
		{"garbage", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := exitingQEMU([]byte(c.stat)); got != c.want {
				t.Errorf("exitingQEMU(%q) = %v, want %v", c.stat, got, c.want)
			}
		})
	}
}
