package compute

import (
	"context"
	"errors"
	"strings"

	"novalite"
	"novalite/internal/virt"
)

func notReady(id string) error {
	return novalite.Errorf(novalite.Conflict, "Instance %s is not ready", id)
}

var errNoConsole = novalite.Errorf(novalite.NotFound, "Guest does not have a console available.")

// ConsoleOutput is os-getConsoleOutput of server v (as the API found
// it): the last length lines of the guest's console log (all when
// length < 0), read from the driver of the server's host.
func (s *Service) ConsoleOutput(ctx context.Context, v novalite.Server, length int) (string, error) {
	if v.Host == "" {
		return "", notReady(v.ID)
	}
	if s.Consoles == nil {
		return "", errNoConsole
	}
	out, err := s.Consoles.ConsoleLog(ctx, v.Host, virt.Instance{ID: v.ID})
	if errors.Is(err, virt.ErrNotFound) || errors.Is(err, virt.ErrUnsupported) {
		return "", errNoConsole
	}
	if err != nil || length < 0 {
		return out, err
	}
	// Nova's _tail_log: the last length pieces of the log split on "\n".
	lines := strings.Split(out, "\n")
	if length == 0 {
		return "", nil
	}
	return strings.Join(lines[max(len(lines)-length, 0):], "\n"), nil
}

// CheckConsole answers whether a remote console of v can be opened: the
// server must be on a host. The simulated hosts have no console proxy
// behind the URL the API returns (docs/server-actions.md).
func CheckConsole(v novalite.Server) error {
	if v.Host == "" {
		return notReady(v.ID)
	}
	return nil
}
