package apptest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Raw sends one request exactly as given, over its own TCP connection:
// r.Path goes on the request line unparsed and uncleaned (so "..",
// "//" and any byte reach the server as a hostile client sends them),
// and redirects are not followed. Its body is a []byte or string, sent
// as it is (no Content-Type); a nil body sends no Content-Length.
func (s *Server) Raw(r Request) Response {
	s.t.Helper()
	method, target, headers := r.Method, r.Path, r.Headers
	var body []byte
	switch b := r.Body.(type) {
	case string:
		body = []byte(b)
	case []byte:
		body = b
	}
	host := strings.TrimPrefix(s.URL, "http://")
	conn, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		s.t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, host)
	if r.Token != "" {
		fmt.Fprintf(&b, "X-Auth-Token: %s\r\n", r.Token)
	}
	for k, v := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		s.t.Fatalf("%s %q: write: %v", method, target, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		s.t.Fatalf("%s %q: %v", method, target, err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("%s %q: read: %v", method, target, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: rb}
}
