package apptest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
)

// Recorded reads a response of the real service recorded in file (a
// status line, headers, a blank line and a JSON body), with each old,
// new pair of replace applied to it first (the recording's base URL and
// versions for the server's own): status, headers and decoded body.
func Recorded(t *testing.T, file string, replace ...string) (int, http.Header, any) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.NewReplacer(replace...).Replace(string(raw)))
	head, text, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	if len(text) == 0 {
		head, text, _ = bytes.Cut(raw, []byte("\n\n"))
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(append(head, "\r\n\r\n"...))), nil)
	if err != nil {
		t.Fatal(err)
	}
	var body any
	if err := json.Unmarshal(text, &body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}
