// Package console is novalite's noVNC proxy, nova-novncproxy's part:
// on the API's listener it serves the page a console URL names and the
// websocket that page (or any RFB-over-websocket client) opens, which
// relays bytes to the guest's VNC server once the URL's token checks out.
package console

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"novalite/internal/compute"
)

// Proxy serves the console pages and websockets, mounted at
// compute.NoVNCPath with the prefix stripped.
type Proxy struct {
	svc *compute.Service
	log *slog.Logger
	mux *http.ServeMux
}

// New returns the proxy over the compute service's tokens and consoles.
func New(svc *compute.Service, log *slog.Logger) *Proxy {
	p := &Proxy{svc: svc, log: log, mux: http.NewServeMux()}
	p.mux.HandleFunc("GET /vnc_auto.html", p.page)
	p.mux.HandleFunc("GET /vnc_lite.html", p.page)
	p.mux.HandleFunc("GET /websockify", p.websocket)
	return p
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// page is the document a console URL names. novalite does not ship the
// noVNC viewer: the page opens the websocket and says whether the guest's
// VNC server answered; a full viewer can be pointed at the same
// websocket (its path is the URL's path parameter).
func (p *Proxy) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, pageHTML)
}

// websocket checks the token (query parameter token, or the cookie of
// the same name that noVNC before 1.1 sends), connects to the guest and
// relays. A bad or expired token, or a guest without a console, is
// refused before the upgrade and the connection closed.
func (p *Proxy) websocket(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if c, err := r.Cookie("token"); token == "" && err == nil {
		token = c.Value
	}
	guest, auth, err := p.svc.OpenConsole(r.Context(), token)
	if err != nil {
		// The token is a secret: never logged.
		p.log.Info("console refused", "instance", auth.InstanceUUID, "err", err)
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusForbidden)
		return
	}
	defer guest.Close()
	// The listener's read and write timeouts are for requests; a console
	// stays open as long as its user does.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"binary"}})
	if err != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	client := websocket.NetConn(ctx, ws, websocket.MessageBinary)
	defer client.Close()
	relay(client, guest)
}

// relay copies both ways until either side ends, then ends the other.
func relay(a, b net.Conn) {
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go cp(a, b)
	go cp(b, a)
	<-done
	a.Close()
	b.Close()
	<-done
}

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>noVNC console (novalite)</title>
</head>
<body>
<p id="status">Connecting to the console…</p>
<p>novalite serves the noVNC websocket, not the noVNC viewer: point a
noVNC client at this page's websocket (the <code>path</code> parameter).</p>
<script>
(function () {
  var q = new URLSearchParams(window.location.search);
  var path = q.get("path") || "";
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var ws = new WebSocket(scheme + window.location.host + "/" + path, ["binary"]);
  var status = document.getElementById("status");
  ws.binaryType = "arraybuffer";
  ws.onmessage = function (e) {
    var v = new TextDecoder().decode(new Uint8Array(e.data).slice(0, 12));
    status.textContent = "The guest's VNC server answered: " + v.trim();
    ws.close();
  };
  ws.onerror = function () { status.textContent = "The console is not available (token expired?)."; };
})();
</script>
</body>
</html>
`
