package fake

import "sync"

// Peers are the fake drivers of one process's hosts (serve --hosts N), by
// host name. A guest that migrates to a peer moves into its map, so that
// the destination host's driver has it afterwards, as a real
// hypervisor's would; a destination in another process (the agents of
// a deployment) is not reachable, and the guest stays where it was.
type Peers struct {
	mu sync.Mutex
	m  map[string]*Driver
}

// NewPeers returns an empty set; each app makes its own, since parallel
// tests run apps with the same host names in one process.
func NewPeers() *Peers { return &Peers{m: map[string]*Driver{}} }

func (p *Peers) add(host string, d *Driver) {
	if p == nil || host == "" {
		return
	}
	p.mu.Lock()
	p.m[host] = d
	p.mu.Unlock()
}

func (p *Peers) get(host string) *Driver {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[host]
}
