package agent

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// Host calls: questions the API asks this host through the database
// (console output), answered on each wake-up or poll. Their kinds and
// error codes are the root package's (host_call.go), shared with the
// compute service that asks.
const (
	// callTimeout bounds one answer; the caller gives up after its own
	// timeout anyway.
	callTimeout = 5 * time.Second
	// callKeep is how long an unread answer (its caller died) stays.
	callKeep = time.Minute
)

// answerCalls answers the open calls of the host, each in its own
// goroutine so that a slow driver delays no other answer.
func (a *Agent) answerCalls(ctx context.Context) error {
	var calls []store.HostCall
	err := a.db.View(ctx, func(tx *store.Tx) error {
		var err error
		calls, err = tx.HostCallListOpen(ctx, a.o.Host, a.o.Batch)
		return err
	})
	if err != nil {
		return err
	}
	for _, c := range calls {
		// A call still being answered is listed again by the next
		// wake-up: answering it twice would relay a console's bytes
		// twice.
		if !a.answering.claim(c.ID) {
			continue
		}
		a.calls.Add(1)
		go func() {
			defer a.calls.Done()
			result, code := a.answer(ctx, c)
			wctx := context.WithoutCancel(ctx)
			err := a.db.Tx(wctx, func(tx *store.Tx) error {
				return tx.HostCallAnswer(wctx, store.HostCall{ID: c.ID, Result: result, Error: code}, a.o.Now().UTC())
			})
			if err != nil {
				// Unwritten: a later wake-up answers it again.
				a.o.Log.Error("host call answer failed", "call", c.ID, "err", err)
			}
			a.answering.release(c.ID, err == nil, time.Now())
		}()
	}
	return nil
}

// answer runs one call against the driver.
func (a *Agent) answer(ctx context.Context, c store.HostCall) (result, code string) {
	switch c.Kind {
	case novalite.HostCallVNCOpen:
		return a.openConsole(ctx, c)
	case novalite.HostCallVNCIO:
		return a.consoleIO(c)
	case novalite.HostCallVolumeAttach, novalite.HostCallVolumeDetach, novalite.HostCallVolumeExtend:
		return a.volumeCall(ctx, c)
	case novalite.HostCallDiagnostics:
		return a.diagnostics(ctx, c)
	case novalite.HostCallConsoleLog:
		return askDriver(ctx, a, c, virt.ConsoleLogger.ConsoleLog)
	}
	return "", novalite.HostCallUnsupported
}

// askDriver asks the driver's optional interface D about the call's
// guest within callTimeout; a driver without D answers unsupported.
func askDriver[D, R any](ctx context.Context, a *Agent, c store.HostCall, call func(D, context.Context, virt.Instance) (R, error)) (R, string) {
	var none R
	d, ok := a.o.Driver.(D)
	if !ok {
		return none, novalite.HostCallUnsupported
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	r, err := call(d, cctx, virt.Instance{ID: c.InstanceUUID})
	if err != nil {
		return none, callError(err)
	}
	return r, ""
}

// diagnostics measures a guest; the answer is virt.Diagnostics in JSON.
func (a *Agent) diagnostics(ctx context.Context, c store.HostCall) (string, string) {
	d, code := askDriver(ctx, a, c, virt.Diagnoser.Diagnostics)
	if code != "" {
		return "", code
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err.Error()
	}
	return string(b), ""
}

// callError is the error a host call answers for a driver's err: the
// kinds the API maps to Nova's faults, else the driver's own text.
func callError(err error) string {
	switch {
	case errors.Is(err, virt.ErrNotFound):
		return novalite.HostCallNotFound
	case errors.Is(err, virt.ErrUnsupported):
		return novalite.HostCallUnsupported
	}
	return err.Error()
}
