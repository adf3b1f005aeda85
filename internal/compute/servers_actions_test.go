package compute

import (
	"context"
	"testing"

	"novalite"
)

// TestIntentTable checks each intent on its own: a word for the 409 and
// the instance action, a task to set, and states that allow it.
func TestIntentTable(t *testing.T) {
	t.Parallel()
	all := map[string]intent{"reboot HARD": hardReboot}
	for act, in := range intents {
		all[string(act)] = in
	}
	for name, in := range all {
		if in.word == "" || in.to == novalite.TaskNone || len(in.check.vm) == 0 || len(in.check.task) == 0 {
			t.Errorf("%s: incomplete intent %+v", name, in)
		}
	}
}

// TestStartTaskUnknownAction checks that an action without an intent is
// refused before anything is read or written (it used to run as a zero
// intent: task_state NULL, no state guard).
func TestStartTaskUnknownAction(t *testing.T) {
	t.Parallel()
	var s Service // no store: the refusal must come first
	err := s.startTask(context.Background(), &novalite.Caller{}, "id", novalite.ActionLock, nil)
	if err == nil {
		t.Fatal("startTask(lock) = nil, want an error: lock has no intent")
	}
	if novalite.IsKind(err, novalite.Conflict) || novalite.IsKind(err, novalite.NotFound) {
		t.Errorf("startTask(lock) = %v: a client error for a programming error", err)
	}
}
