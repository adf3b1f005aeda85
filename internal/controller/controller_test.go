package controller

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"novalite"
	"novalite/internal/store/storetest"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// TestJobs runs one pass of each periodic job with the controller's
// clock before and after the job's window, over a real store: a server
// idle in the job's state for longer than the window is handed to its
// agent with the job's task; one inside the window, one with a task
// already, or one in another state is left alone.
func TestJobs(t *testing.T) {
	t.Parallel()
	const window = time.Hour
	for _, c := range []struct {
		name    string
		opts    Options
		vm      novalite.VMState
		task    novalite.TaskState // the server's task before the pass
		elapsed time.Duration      // since the server entered its state
		want    novalite.TaskState // "" = left alone
	}{
		{name: "reclaim due", opts: Options{Reclaim: window}, vm: novalite.VMSoftDeleted, elapsed: window,
			want: novalite.TaskDeleting},
		{name: "reclaim early", opts: Options{Reclaim: window}, vm: novalite.VMSoftDeleted, elapsed: window - time.Second},
		{name: "reclaim of a restoring server", opts: Options{Reclaim: window}, vm: novalite.VMSoftDeleted,
			task: novalite.TaskRestoring, elapsed: 2 * window},
		{name: "reclaim disabled", opts: Options{ResizeConfirmWindow: window}, vm: novalite.VMSoftDeleted, elapsed: 2 * window},
		{name: "resize confirm due", opts: Options{ResizeConfirmWindow: window}, vm: novalite.VMResized, elapsed: window,
			want: novalite.TaskResizeConfirming},
		{name: "resize confirm early", opts: Options{ResizeConfirmWindow: window}, vm: novalite.VMResized, elapsed: time.Minute},
		{name: "resize reverting", opts: Options{ResizeConfirmWindow: window}, vm: novalite.VMResized,
			task: novalite.TaskResizeReverting, elapsed: 2 * window},
		{name: "offload due", opts: Options{ShelvedOffloadTime: window}, vm: novalite.VMShelved, elapsed: 2 * window,
			want: novalite.TaskShelvingOffload},
		{name: "offload early", opts: Options{ShelvedOffloadTime: window}, vm: novalite.VMShelved, elapsed: window - time.Second},
		{name: "active server", opts: Options{Reclaim: window, ResizeConfirmWindow: window, ShelvedOffloadTime: window},
			vm: novalite.VMActive, elapsed: 10 * window},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t)
			v := novalite.Server{VMState: c.vm, TaskState: c.task, Host: "h1", Node: "h1", CreatedAt: t0, UpdatedAt: t0, LaunchedAt: t0}
			if c.vm == novalite.VMSoftDeleted {
				v.DeletedAt = t0
			}
			v = storetest.Server(t, db, v)
			woken := 0
			o := c.opts
			o.Now = func() time.Time { return t0.Add(c.elapsed) }
			o.Reclaimed = func() { woken++ }
			o.Log = slog.New(slog.DiscardHandler)
			n, err := New(db, o).RunOnce(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			wantN, wantTask := 0, c.task
			if c.want != novalite.TaskNone {
				wantN, wantTask = 1, c.want
			}
			if n != wantN || woken != wantN {
				t.Errorf("pass handed %d servers and woke agents %d times, want %d", n, woken, wantN)
			}
			if got := storetest.Get(t, db, v.ID); got.TaskState != wantTask || got.VMState != c.vm {
				t.Errorf("server %s/%q after the pass, want %s/%q", got.VMState, got.TaskState, c.vm, wantTask)
			}
		})
	}
}

// TestPeriod: the jobs run as often as their shortest window asks, at
// least every second and at most every minute, unless told.
func TestPeriod(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		o    Options
		want time.Duration
	}{
		{"nothing enabled", Options{}, time.Minute},
		{"long windows", Options{Reclaim: time.Hour, ResizeConfirmWindow: 2 * time.Hour}, time.Minute},
		{"shortest window", Options{Reclaim: time.Hour, ShelvedOffloadTime: 10 * time.Second}, 10 * time.Second},
		{"under a second", Options{ResizeConfirmWindow: time.Millisecond}, time.Second},
		{"given", Options{Reclaim: time.Hour, Period: 5 * time.Second}, 5 * time.Second},
	} {
		if got := New(nil, c.o).o.Period; got != c.want {
			t.Errorf("%s: period %v, want %v", c.name, got, c.want)
		}
	}
}
