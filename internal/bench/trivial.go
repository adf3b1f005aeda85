package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// trivialBody is about the size of a server's show at 2.100: the JSON a
// bare handler returns, the yardstick of the ratio.
var trivialBody = func() []byte {
	b, _ := json.Marshal(map[string]any{"server": map[string]any{
		"id": "00000000-0000-4000-8000-000000000000", "name": "yardstick",
		"padding": strings.Repeat("x", 2900)}})
	return b
}()

// ServeTrivial answers every request with trivialBody until ctx is done
// (`novalite bench-trivial`, started by the harness as serve is).
func ServeTrivial(ctx context.Context, listen string, stdout io.Writer) error {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(trivialBody)
	})}
	fmt.Fprintf(stdout, "trivial handler listening on http://%s\n", l.Addr())
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(l); err != http.ErrServerClosed {
		return err
	}
	return nil
}
