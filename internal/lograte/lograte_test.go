package lograte_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"novalite/internal/lograte"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	h := lograte.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), 3, time.Second,
		func() time.Time { return now })
	log := slog.New(h).With("request_id", "r") // derived loggers share the budget
	for range 1000 {
		log.Error("request failed")
		slog.New(h).Error("request failed")
		log.Info("request")
		log.Warn("other")
	}
	count := func(s string) int { return strings.Count(buf.String(), s) }
	cases := []struct {
		what string
		got  int
		want int
	}{
		{"errors in the first second", count(`msg="request failed"`), 3},
		{"other warnings", count(`msg=other`), 3},
		{"info lines (not limited)", count(`msg=request `), 1000},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %d lines, want %d", c.what, c.got, c.want)
		}
	}
	buf.Reset()
	now = now.Add(time.Second)
	log.Error("request failed")
	if !strings.Contains(buf.String(), `msg="log lines suppressed"`) || !strings.Contains(buf.String(), `suppressed=1997`) ||
		count(`msg="request failed"`) != 1 {
		t.Errorf("next interval:\n%s", buf.String())
	}
}
