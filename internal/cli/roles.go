package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"novalite/internal/app"
	"novalite/internal/config"
)

// openRole parses the flags of a role and opens its app on a database
// that `novalite migrate` has prepared.
func openRole(ctx context.Context, name string, args []string, stderr io.Writer,
	extra ...func(*config.Config, *flag.FlagSet)) (*app.App, error) {
	cfg, err := parse(name, args, stderr, extra...)
	if err != nil {
		return nil, err
	}
	return app.OpenShared(ctx, cfg, logger(cfg, stderr).With("role", name))
}

// api runs the HTTP APIs only.
func api(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openRole(ctx, "api", args, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "novalite listening on %s (identity %s/identity/v3, compute %s/compute/v2.1)\n",
		a.PublicURL(), a.PublicURL(), a.PublicURL())
	return a.ServeAPI(ctx)
}

// agentCmd runs one compute host.
func agentCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openRole(ctx, "agent", args, stderr, (*config.Config).AgentFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.RunAgent(ctx, func() {
		fmt.Fprintf(stdout, "novalite agent %s registered (driver %s)\n", a.Config.Host, a.Config.Driver)
	})
}

// controllerCmd runs a scheduler and, while it leads, the periodic jobs.
func controllerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openRole(ctx, "controller", args, stderr, (*config.Config).ControllerFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(stdout, "novalite controller started")
	return a.RunController(ctx)
}
