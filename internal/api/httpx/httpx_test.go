package httpx

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestWriteJSONLength: every JSON answer says its length, as Nova's do,
// also past net/http's 2 KB buffer, where it would otherwise be chunked.
func TestWriteJSONLength(t *testing.T) {
	tests := []struct {
		name   string
		status int
		size   int // bytes of the string value
	}{
		{"small", http.StatusOK, 10},
		{"past the buffer", http.StatusOK, 3000},
		{"a page", http.StatusAccepted, 200 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := map[string]any{"k": strings.Repeat("x", tt.size)}
			url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { WriteJSON(w, tt.status, v) }))
			resp, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			want := len(`{"k":""}`) + tt.size
			if resp.StatusCode != tt.status || len(body) != want {
				t.Fatalf("%d, %d bytes; want %d, %d", resp.StatusCode, len(body), tt.status, want)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(want) || len(resp.TransferEncoding) != 0 {
				t.Errorf("Content-Length %q, Transfer-Encoding %v; want %d and none", got, resp.TransferEncoding, want)
			}
		})
	}
}
