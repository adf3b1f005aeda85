package agent

import (
	"context"
	"strings"
	"testing"
	"time"

	"novalite"
	"novalite/internal/virt/fake"
)

// TestHungCall: a driver call that never returns ends at the agent's
// per-call timeout and fails the task like any driver error (a hung
// spawn leaves the server in ERROR with a fault, its claim given back).
func TestHungCall(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Config{Hang: map[string]bool{fake.OpSpawn: true}}, func(o *Options) { o.Timeout = time.Millisecond })
	v := b.server(t, novalite.VMBuilding, novalite.TaskSpawning, "", nil)
	if n, err := b.ag.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	got := b.get(t, v.ID)
	if got.VMState != novalite.VMError || got.Fault == nil || !strings.Contains(got.Fault.Message, "deadline") {
		t.Errorf("after a hung spawn: %s, fault %+v; want error with a deadline fault", got.VMState, got.Fault)
	}
}

// TestRunningCallsAreNotStartedAgain: the work query leaves out the
// tasks whose driver call still runs, so a pass neither starts a second
// call for them nor counts them as work.
func TestRunningCallsAreNotStartedAgain(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Config{})
	running := b.server(t, novalite.VMActive, novalite.TaskPausing, "", nil)
	idle := b.server(t, novalite.VMActive, novalite.TaskPoweringOff, "", nil)
	b.ag.inflight[taskKey{running.InternalID, novalite.TaskPausing}] = true
	if n, err := b.ag.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v; want only the server without a running call", n, err)
	}
	if got := b.get(t, running.ID); got.TaskState != novalite.TaskPausing || got.VMState != novalite.VMActive {
		t.Errorf("server with a running call: %s/%s, want it untouched", got.VMState, got.TaskState)
	}
	if got := b.get(t, idle.ID); got.VMState != novalite.VMStopped {
		t.Errorf("other server: %s, want stopped", got.VMState)
	}
}

// TestOutcomeWrites checks the guard and the context of outcome writes:
// an outcome is written only over the task it started from (a newer
// intent wins), and it is written even when the agent is stopping (the
// guest did change).
func TestOutcomeWrites(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		rowTask  novalite.TaskState // the task on the row when the outcome is written
		cancel   bool
		wantVM   novalite.VMState
		wantTask novalite.TaskState
	}{
		{name: "same task", rowTask: novalite.TaskPausing, wantVM: novalite.VMPaused},
		{name: "newer intent wins", rowTask: novalite.TaskDeleting, wantVM: novalite.VMActive, wantTask: novalite.TaskDeleting},
		{name: "agent stopping", rowTask: novalite.TaskPausing, cancel: true, wantVM: novalite.VMPaused},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, fake.Config{})
			v := b.server(t, novalite.VMActive, c.rowTask, "", nil)
			started := v
			started.TaskState = novalite.TaskPausing
			ctx, cancel := context.WithCancel(context.Background())
			if c.cancel {
				cancel()
			}
			defer cancel()
			r := result{job: job{v: started}, act: actions[novalite.TaskPausing], start: t0, end: t0}
			if err := b.ag.write(ctx, []result{r}); err != nil {
				t.Fatal(err)
			}
			if got := b.get(t, v.ID); got.VMState != c.wantVM || got.TaskState != c.wantTask {
				t.Errorf("after the write: %s/%q, want %s/%q", got.VMState, got.TaskState, c.wantVM, c.wantTask)
			}
		})
	}
}

// TestAnsweringClaims: a call is taken once while it is being answered
// and once answered, even when a wake-up that listed it before its answer
// committed offers it again; an answer that failed to be written is taken
// again; answered ids are forgotten after callKeep.
func TestAnsweringClaims(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	var s answering
	steps := []struct {
		do   string // claim, done (answer written), failed (answer not written)
		id   int64
		at   time.Time
		want bool // claim's result
	}{
		{"claim", 1, t0, true},
		{"claim", 1, t0, false}, // being answered
		{"done", 1, t0, false},
		{"claim", 1, t0.Add(time.Second), false}, // answered: a stale listing
		{"claim", 2, t0, true},
		{"failed", 2, t0, false},
		{"claim", 2, t0, true}, // its answer was lost: answer again
		{"done", 2, t0.Add(callKeep + time.Second), false},
		{"claim", 1, t0, true}, // forgotten when 2 was answered
		{"claim", 2, t0, false},
	}
	for i, st := range steps {
		switch st.do {
		case "claim":
			if got := s.claim(st.id); got != st.want {
				t.Errorf("step %d: claim(%d) = %v, want %v", i, st.id, got, st.want)
			}
		case "done", "failed":
			s.release(st.id, st.do == "done", st.at)
		}
	}
}
