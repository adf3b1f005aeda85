package config

import (
	"flag"
	"strings"
	"time"
)

// envFlags registers flags that default to their environment variable
// when it is set (NOVALITE_ and the flag's name in capitals, - as _),
// else to the value already in place; the usage names the variable.
type envFlags struct{ fs *flag.FlagSet }

func envName(flag string) string {
	return "NOVALITE_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

func (f envFlags) str(p *string, name, usage string) {
	f.fs.StringVar(p, name, envOr(envName(name), *p), usage+" (env "+envName(name)+")")
}

func (f envFlags) dur(p *time.Duration, name, usage string) {
	f.fs.DurationVar(p, name, envDuration(envName(name), *p), usage+" (env "+envName(name)+")")
}

func (f envFlags) integer(p *int, name, usage string) {
	f.fs.IntVar(p, name, int(envInt(envName(name), int64(*p))), usage+" (env "+envName(name)+")")
}

func (f envFlags) int64(p *int64, name, usage string) {
	f.fs.Int64Var(p, name, envInt(envName(name), *p), usage+" (env "+envName(name)+")")
}

func (f envFlags) boolean(p *bool, name, usage string) {
	f.fs.BoolVar(p, name, envBool(envName(name), *p), usage+" (env "+envName(name)+")")
}
