package config

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// WriteDoc writes docs/configuration.md: every option of the one Config
// with its flag, variable, default and meaning, by flag name.
// The defaults are Default()'s, whatever the environment says.
func WriteDoc(w io.Writer) {
	c := Default()
	fs := flag.NewFlagSet("doc", flag.ContinueOnError)
	c.Flags(fs)
	fmt.Fprint(w, `# Configuration

Every option of novalite can be given three ways; a later one wins:

1. a TOML file named by `+"`--config FILE`"+` (or `+"`NOVALITE_CONFIG`"+`), whose keys are the
   flag names: `+"`listen = \"0.0.0.0:8774\"`, `hosts = 3`, `token-ttl = \"2h\"`"+`;
2. the environment variable of each option;
3. the flag on the command line.

An unknown key in the file is an error. Durations are Go durations (`+"`90s`, `2h`"+`).
This page is generated from the code (`+"`go run ./internal/tools/configdoc > docs/configuration.md`"+`;
a test fails when it is out of date).

| flag | environment | default | meaning |
| --- | --- | --- | --- |
`)
	fs.VisitAll(func(f *flag.Flag) {
		def := f.DefValue
		switch {
		case isBoolFunc(f):
			def = ""
		case def == "":
			def = "—"
		default:
			def = "`" + def + "`"
		}
		usage := strings.TrimSuffix(f.Usage, " (env "+EnvName(f.Name)+")")
		fmt.Fprintf(w, "| `--%s` | `%s` | %s | %s |\n", f.Name, EnvName(f.Name), def, strings.ReplaceAll(usage, "|", "\\|"))
	})
}

// isBoolFunc tells a flag that takes no value (BoolFunc) from the rest.
func isBoolFunc(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
