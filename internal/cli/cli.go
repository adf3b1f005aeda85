// Package cli holds novalite's subcommands: serve, the roles of a
// deployment on PostgreSQL (api, agent, controller), migrate, bootstrap.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"novalite/internal/app"
	"novalite/internal/config"
)

const usage = `usage: novalite <command> [flags]

commands:
  serve       run every API, the scheduler and simulated compute hosts in one process (SQLite)
  api         the HTTP APIs only, stateless: run as many replicas as you like (PostgreSQL)
  agent       one compute host: --host NAME --driver fake (PostgreSQL)
  controller  the scheduler, and the periodic jobs while it leads (PostgreSQL)
  migrate     create or upgrade the database schema, then exit
  bootstrap   migrate, create the first users, projects, roles and defaults, write clouds.yaml, then exit
  bench       measure: serve on a scratch database under fixed loads, beside a bare net/http handler
  bench-trivial  the bare handler bench compares with (started by bench)
  version     print the version (commit and date of the build) and Go's

Run 'novalite <command> -h' for the flags of a command.
`

// commands are the subcommands that run, by name (usage lists them).
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"serve": serve, "api": api, "agent": agentCmd, "controller": controllerCmd, "migrate": migrate,
	"bootstrap": bootstrap, "bench": benchCmd, "bench-trivial": benchTrivial,
}

// Main runs the command in args and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve", "api", "agent", "controller":
		tuneGC()
	}
	switch args[0] {
	case "version", "--version":
		fmt.Fprintln(stdout, versionLine())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "novalite: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "novalite %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// parse reads the flags of command name: the common ones and those
// extra registers.
func parse(name string, args []string, stderr io.Writer, extra ...func(*config.Config, *flag.FlagSet)) (config.Config, error) {
	cfg := config.Default()
	fs := flag.NewFlagSet("novalite "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Flags(fs)
	for _, f := range extra {
		f(&cfg, fs)
	}
	if path := config.ConfigPath(args); path != "" {
		if err := config.ApplyFile(fs, path); err != nil {
			return cfg, err
		}
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func logger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" || cfg.LogFormat == "auto" && !isTerminal(w) {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// isTerminal tells whether w is a character device (a terminal): people
// read text logs, log collectors read JSON.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// openApp opens the store (migrated) with the flags of command name,
// for the commands that run once and exit; the caller closes it.
func openApp(ctx context.Context, name string, args []string, stderr io.Writer) (*app.App, error) {
	cfg, err := parse(name, args, stderr)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg, logger(cfg, stderr))
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openApp(ctx, "migrate", args, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	// The URL is not printed: it may hold a password.
	fmt.Fprintf(stdout, "database schema is up to date (version %d)\n", a.DB.KnownSchemaVersion())
	return nil
}

func bootstrap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openApp(ctx, "bootstrap", args, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Bootstrap(ctx)
	if err != nil {
		return err
	}
	report(stdout, res)
	return nil
}

func report(w io.Writer, res app.BootstrapResult) {
	if res.Created {
		fmt.Fprintf(w, "bootstrapped: users admin, demo and alt_demo; credentials in %s and %s\n", res.CloudsYAML, res.OpenRC)
		return
	}
	fmt.Fprintf(w, "already bootstrapped; credentials in %s and %s\n", res.CloudsYAML, res.OpenRC)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	cfg, err := parse("serve", args, stderr)
	if err != nil {
		return err
	}
	log := logger(cfg, stderr)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return err
	}
	// The version documents answer while bootstrap hashes the first
	// users' passwords; requests that need them wait (App.ServeAfter).
	return a.ServeAfter(ctx, func(ctx context.Context) error {
		res, err := a.Bootstrap(ctx)
		if err != nil {
			return err
		}
		report(stdout, res)
		fmt.Fprintf(stdout, "novalite listening on %s (identity %s/identity/v3, compute %s/compute/v2.1) ready in %s\n",
			a.PublicURL(), a.PublicURL(), a.PublicURL(), time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(stdout, "try: OS_CLIENT_CONFIG_FILE=%s openstack --os-cloud novalite server list\n", res.CloudsYAML)
		return nil
	})
}
