package controller

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// TestRunJobs: each job runs on the first pass, then again only once its
// Every has passed; a failed job is retried on the next pass.
func TestRunJobs(t *testing.T) {
	now := t0
	runs := map[string]int{}
	fail := true
	c := New(nil, Options{Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler),
		Jobs: []Job{
			{Name: "minutely", Every: time.Minute, Run: func(context.Context) (int64, error) { runs["minutely"]++; return 1, nil }},
			{Name: "hourly", Every: time.Hour, Run: func(context.Context) (int64, error) { runs["hourly"]++; return 0, nil }},
			{Name: "flaky", Every: time.Hour, Run: func(context.Context) (int64, error) {
				runs["flaky"]++
				if fail {
					fail = false
					return 0, errors.New("database away")
				}
				return 0, nil
			}},
		}})
	if c.o.Period != time.Minute {
		t.Errorf("period %v, want the shortest job's (1m)", c.o.Period)
	}
	ctx := context.Background()
	for _, step := range []struct {
		advance time.Duration
		want    map[string]int
	}{
		{0, map[string]int{"minutely": 1, "hourly": 1, "flaky": 1}},
		{30 * time.Second, map[string]int{"minutely": 1, "hourly": 1, "flaky": 2}},
		{30 * time.Second, map[string]int{"minutely": 2, "hourly": 1, "flaky": 2}},
		{time.Hour, map[string]int{"minutely": 3, "hourly": 2, "flaky": 3}},
	} {
		now = now.Add(step.advance)
		c.RunJobs(ctx)
		for name, want := range step.want {
			if runs[name] != want {
				t.Errorf("after %v: %s ran %d times, want %d", now.Sub(t0), name, runs[name], want)
			}
		}
	}
}
