package novalite

// Host calls: the API asks a server's host for what only its agent can do
// (read a console log, measure a guest, relay VNC, plug a volume) by a
// row the agent answers (docs/host-calls.md). The compute service writes
// the calls and the agent answers them; neither imports the other, so the
// kinds, the answers' error codes and the arguments are named here once.
const (
	HostCallConsoleLog   = "console_log"
	HostCallDiagnostics  = "diagnostics" // answered with virt.Diagnostics in JSON
	HostCallVNCOpen      = "vnc_open"
	HostCallVNCIO        = "vnc_io"        // args: VNCIO
	HostCallVolumeAttach = "volume_attach" // args: VolumeCall
	HostCallVolumeDetach = "volume_detach" // args: VolumeCall
	HostCallVolumeExtend = "volume_extend" // args: VolumeCall
)

// The error codes of a host call's answer; any other is a failure's text.
const (
	HostCallNotFound    = "not_found"   // the host has no such guest
	HostCallUnsupported = "unsupported" // the host's driver cannot do it
	// HostCallClosed answers an I/O call of a VNC session that has ended
	// (the guest closed its side, or the session expired).
	HostCallClosed = "closed"
)

// VNCIO is the arguments of a HostCallVNCIO call.
type VNCIO struct {
	Session string `json:"s"`
	Data    []byte `json:"d,omitempty"` // the client's bytes (base64 in JSON)
	Close   bool   `json:"c,omitempty"` // the client has left: end the session
}

// VolumeCall is the arguments of a volume host call; the agent finds the
// volume's file in its own volume directory.
type VolumeCall struct {
	VolumeID string `json:"volume_id"`
	Device   string `json:"device,omitempty"`
	Size     int64  `json:"size,omitempty"` // extend: the new size in bytes
}
