package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// EnvName is the environment variable of a flag: NOVALITE_ and the flag's
// name in capitals with '_' for '-' (--host-ram-mb: NOVALITE_HOST_RAM_MB).
func EnvName(flagName string) string {
	return "NOVALITE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// ApplyFile sets the flags of fs from the TOML file at path, whose keys
// are flag names (listen = "0.0.0.0:8774", hosts = 2, fake-delays = "…").
// The environment and the command line come after: a key whose variable
// is set is left alone here, and flags parsed later override both. An
// unknown key is an error, so that a typo is not silently ignored.
func ApplyFile(fs *flag.FlagSet, path string) error {
	var kv map[string]any
	md, err := toml.DecodeFile(path, &kv)
	if err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	keys := md.Keys()
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, k.String())
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		v, ok := kv[name]
		if !ok { // a table: nested keys are not options
			errs = append(errs, fmt.Errorf("config file %s: %q is not an option", path, name))
			continue
		}
		if fs.Lookup(name) == nil || name == "config" {
			errs = append(errs, fmt.Errorf("config file %s: unknown option %q", path, name))
			continue
		}
		if _, set := os.LookupEnv(EnvName(name)); set {
			continue
		}
		if err := fs.Set(name, fmt.Sprint(v)); err != nil {
			errs = append(errs, fmt.Errorf("config file %s: %s: %w", path, name, err))
		}
	}
	return errors.Join(errs...)
}

// ConfigPath finds --config (or -config, or NOVALITE_CONFIG) before the
// flags are parsed, since the file's values must come first.
func ConfigPath(args []string) string {
	path := os.Getenv("NOVALITE_CONFIG")
	for i, a := range args {
		if a == "--" {
			break
		}
		for _, p := range []string{"--config", "-config"} {
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				path = v
			} else if a == p && i+1 < len(args) {
				path = args[i+1]
			}
		}
	}
	return path
}
