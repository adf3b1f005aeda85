package app

import (
	"context"
	"fmt"
)

// bootstrapResources creates, when missing, what a fresh cloud needs to
// boot a server: the public image cirros and (see network) the networks
// private and public, and the default volume type. Each step is idempotent.
func (a *App) bootstrapResources(ctx context.Context, adminProject string) error {
	if err := a.Image.Bootstrap(ctx, adminProject); err != nil {
		return fmt.Errorf("bootstrap image: %w", err)
	}
	if err := a.Network.Bootstrap(ctx, adminProject); err != nil {
		return fmt.Errorf("bootstrap network: %w", err)
	}
	if err := a.Compute.BootstrapFlavors(ctx); err != nil {
		return fmt.Errorf("bootstrap flavors: %w", err)
	}
	if err := a.Volume.Bootstrap(ctx); err != nil {
		return fmt.Errorf("bootstrap volume types: %w", err)
	}
	return nil
}
