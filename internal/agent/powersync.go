package agent

import (
	"context"
	"errors"

	"novalite"
	"novalite/internal/store"
	"novalite/internal/virt"
)

// SyncPower is Nova's power state sync (_sync_power_states) for the
// idle servers of the host: it records the power state the driver
// reports, and a server that should run but whose guest stopped or
// vanished on its own (killed, crashed, powered off from inside) becomes
// SHUTOFF, as Nova stops it. Each write is guarded by the server having
// no task, so an intent that arrives meanwhile wins.
func (a *Agent) SyncPower(ctx context.Context) error {
	var servers []novalite.Server
	err := a.db.View(ctx, func(tx *store.Tx) error {
		var err error
		servers, err = tx.InstancesOnHosts(ctx, []string{a.o.Host})
		return err
	})
	if err != nil {
		return err
	}
	var writes []store.InstanceOutcomeParams
	for _, v := range servers {
		if v.TaskState != novalite.TaskNone {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, a.o.Timeout)
		pw, err := a.o.Driver.State(cctx, a.instance(v))
		cancel()
		if errors.Is(err, virt.ErrNotFound) {
			pw, err = novalite.PowerNoState, nil
		}
		if err != nil {
			a.o.Log.Warn("power state sync", "server", v.ID, "err", err)
			continue
		}
		if p, ok := syncOutcome(v, pw); ok {
			p.Now = a.o.Now().UTC()
			writes = append(writes, p)
		}
	}
	if len(writes) == 0 {
		return nil
	}
	return a.db.Tx(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		for _, p := range writes {
			if _, err := tx.InstanceOutcome(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// syncOutcome decides what the sync writes for server v whose guest is
// in power state pw, if anything (nova/compute/manager.py,
// _sync_instance_power_state).
func syncOutcome(v novalite.Server, pw novalite.PowerState) (store.InstanceOutcomeParams, bool) {
	p := store.InstanceOutcomeParams{InternalID: v.InternalID, From: novalite.TaskNone, VM: v.VMState, Power: power(pw)}
	switch v.VMState {
	case novalite.VMActive, novalite.VMPaused, novalite.VMRescued:
		if pw == novalite.PowerShutdown || pw == novalite.PowerCrashed || pw == novalite.PowerNoState {
			p.VM = novalite.VMStopped
			return p, true
		}
	case novalite.VMStopped, novalite.VMSuspended, novalite.VMShelved:
	default:
		return p, false // building, deleted, error, offloaded …: nothing to sync
	}
	return p, pw != v.PowerState
}
