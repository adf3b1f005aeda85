package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// The shim speaks oscd.py's protocol: the request's length and JSON, the
// standard streams passed along; the status it gets back is its own.
func TestHandsTheCommandToTheServer(t *testing.T) {
	dir := t.TempDir()
	shim := filepath.Join(dir, "nova")
	if out, err := exec.Command("go", "build", "-o", shim, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan request, 1)
	go func() {
		conn, err := l.AcceptUnix()
		if err != nil {
			return
		}
		defer conn.Close()
		buf, oob := make([]byte, 1<<20), make([]byte, syscall.CmsgSpace(3*4))
		n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
		if err != nil || n < 4 {
			return
		}
		size := int(binary.BigEndian.Uint32(buf))
		for n < 4+size {
			m, err := conn.Read(buf[n:])
			if err != nil {
				return
			}
			n += m
		}
		var req request
		if err := json.Unmarshal(buf[4:n], &req); err != nil {
			return
		}
		msgs, _ := syscall.ParseSocketControlMessage(oob[:oobn])
		if len(msgs) == 1 {
			if fds, err := syscall.ParseUnixRights(&msgs[0]); err == nil && len(fds) == 3 {
				syscall.Write(fds[1], []byte("from the server\n")) // the caller's stdout
				for _, fd := range fds {
					syscall.Close(fd)
				}
			}
		}
		got <- req
		conn.Write(binary.BigEndian.AppendUint32(nil, 259)) // exits 259 & 0xFF
	}()
	cmd := exec.Command(shim, "flavor-show", "m1 tiny")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NOVALITE_OSCD="+sock, "OSCSHIM_TEST=a=b")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("shim: %v, want exit status 3", err)
	}
	if stdout.String() != "from the server\n" {
		t.Errorf("stdout %q, want what the server wrote to the stream it was passed", stdout.String())
	}
	req := <-got
	if req.Prog != "nova" || len(req.Argv) != 2 || req.Argv[0] != "flavor-show" || req.Argv[1] != "m1 tiny" {
		t.Errorf("prog %q argv %q, want nova [flavor-show, m1 tiny]", req.Prog, req.Argv)
	}
	if req.Env["OSCSHIM_TEST"] != "a=b" || req.Cwd != dir {
		t.Errorf("env OSCSHIM_TEST=%q cwd %q, want a=b and %s", req.Env["OSCSHIM_TEST"], req.Cwd, dir)
	}
}
