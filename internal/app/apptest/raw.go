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
// target goes on the request line unparsed and uncleaned (so "..",
// "//" and any byte reach the server as a hostile client sends them),
// and redirects are not followed.
func (s *Server) Raw(method, target string, headers map[string]string, body []byte) Response {
	s.t.Helper()
	host := strings.TrimPrefix(s.URL, "http://")
	conn, err := net.DialTimeout("tcp", host, 10*time.Second)
	if err != nil {
		s.t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, host)
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
