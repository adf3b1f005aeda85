package fake_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"novalite/internal/virt"
	"novalite/internal/virt/fake"
	"novalite/internal/virt/virttest"
)

func TestContract(t *testing.T) {
	virttest.Run(t, func(*testing.T) virt.Driver { return fake.New(fake.Config{}) })
}

func TestKnobs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     fake.Config
		md      map[string]string
		timeout time.Duration
		wantErr string
		hang    bool
	}{
		{name: "none"},
		{name: "fail from metadata", md: map[string]string{"fake:fail_spawn": "true"}, wantErr: "Fake driver: injected spawn failure"},
		{name: "fail with message", md: map[string]string{"fake:fail_spawn": "disk on fire"}, wantErr: "disk on fire"},
		{name: "fail from config", cfg: fake.Config{Fail: map[string]string{"spawn": "nope"}}, wantErr: "nope"},
		{name: "other op failing", md: map[string]string{"fake:fail_destroy": "x"}},
		{name: "hang", md: map[string]string{"fake:hang_spawn": ""}, timeout: time.Millisecond, hang: true},
		{name: "delay past deadline", md: map[string]string{"fake:delay_spawn": "1h"}, timeout: time.Millisecond, hang: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			d := fake.New(tt.cfg)
			err := d.Spawn(ctx, virt.Instance{ID: "i1", Metadata: tt.md})
			switch {
			case tt.hang:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want deadline exceeded", err)
				}
			case tt.wantErr != "":
				if err == nil || err.Error() != tt.wantErr || !fake.IsInjected(err) {
					t.Errorf("err = %v, want injected %q", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("err = %v", err)
			}
		})
	}
}
