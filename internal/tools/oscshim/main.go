// oscshim is `openstack` (and, by the name it is called by, `nova`) for the
// client tests (test/clients): it hands the command to the fork server
// test/clients/oscd.py named by NOVALITE_OSCD, with this process's argv,
// environment, working directory and standard streams, and exits with the
// command's status. Without a server it runs the packaged client
// (/usr/bin/openstack or /usr/bin/nova) in its place.
//
// It is Go rather than Python for its start: the suites make thousands of
// calls, and a Python shim's start (the interpreter, json, socket) cost
// about 40 ms of CPU of each call's 190. `make clients` and the other client
// targets build it into bin/clients.
package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	prog := "openstack"
	if filepath.Base(os.Args[0]) == "nova" {
		prog = "nova"
	}
	path := os.Getenv("NOVALITE_OSCD")
	if path == "" {
		packaged(prog)
	}
	// Plain system calls, not the net package: the call waits in a
	// blocking read, with no poller to run meanwhile.
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		packaged(prog)
	}
	if err := syscall.Connect(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		packaged(prog) // a server that stopped, or never got to listen
	}
	os.Exit(run(fd, prog))
}

// packaged runs the Debian package's client in this process's place.
func packaged(prog string) {
	bin := "/usr/bin/" + prog
	err := syscall.Exec(bin, append([]string{prog}, os.Args[1:]...), os.Environ())
	fmt.Fprintf(os.Stderr, "%s: %v\n", bin, err)
	os.Exit(127)
}

// request is what oscd.py's serve_one reads: the length (4 bytes, big
// endian), then this as JSON; the standard streams go along as file
// descriptors with the first bytes.
type request struct {
	Prog string            `json:"prog"`
	Argv []string          `json:"argv"`
	Env  map[string]string `json:"env"`
	Cwd  string            `json:"cwd"`
}

// run sends the command and returns its status (1 if the server's child
// died without one).
func run(fd int, prog string) int {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "oscshim:", err)
		return 1
	}
	body, err := json.Marshal(request{Prog: prog, Argv: os.Args[1:], Env: env, Cwd: cwd})
	if err != nil {
		fmt.Fprintln(os.Stderr, "oscshim:", err)
		return 1
	}
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	msg = append(msg, body...)
	n, err := syscall.SendmsgN(fd, msg, syscall.UnixRights(0, 1, 2), nil, 0)
	for err == nil && n < len(msg) {
		var m int
		m, err = syscall.Write(fd, msg[n:])
		n += m
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "oscshim:", err)
		return 1
	}
	var rc [4]byte
	for got := 0; got < len(rc); {
		m, err := syscall.Read(fd, rc[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || m == 0 {
			return 1 // the command's process died without a status
		}
		got += m
	}
	return int(binary.BigEndian.Uint32(rc[:]) & 0xFF)
}
