package qemu

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// TestQMPExecute: a command's reply is the first line that is not an
// event, its "return" intact after later lines are read; a QMP error is
// its description; the command goes out as one JSON line.
func TestQMPExecute(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, lines, want, wantErr string
	}{
		{"reply", `{"return": [{"name": "vol-1"}]}` + "\n", `[{"name": "vol-1"}]`, ""},
		{"events first", `{"event": "DEVICE_DELETED", "data": {"device": "vol-1"}}` + "\n" +
			`{"return": []}` + "\n" + `{"event": "SHUTDOWN", "data": {}}` + "\n", `[]`, ""},
		{"error", `{"error": {"class": "DeviceNotFound", "desc": "Device 'x' not found"}}` + "\n", "", "Device 'x' not found"},
		{"closed", `{"event": "STOP"}` + "\n", "", "EOF"},
	} {
		var sent bytes.Buffer
		r := bufio.NewReader(strings.NewReader(c.lines))
		ret, err := qmpExecute(&sent, r, "qom-list", map[string]any{"path": "/machine/peripheral"})
		if c.wantErr != "" {
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("%s: err %v, want %s", c.name, err, c.wantErr)
			}
			continue
		}
		_, _ = r.ReadBytes('\n') // a later read must not change the reply
		if err != nil || string(ret) != c.want {
			t.Errorf("%s: %s, %v; want %s", c.name, ret, err, c.want)
		}
		if got := sent.String(); got != `{"execute":"qom-list","arguments":{"path":"/machine/peripheral"}}`+"\n" {
			t.Errorf("%s: sent %q", c.name, got)
		}
	}
}
