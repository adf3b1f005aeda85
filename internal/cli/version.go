package cli

import (
	"runtime/debug"
	"strings"
)

// buildVersion is set by `make build` (-ldflags -X) from git describe,
// for builds where the toolchain stamps no VCS data (-buildvcs=false).
var buildVersion string

// versionLine describes this binary: the version make stamped, else the commit
// (with "-dirty" for uncommitted changes) and its date as the Go toolchain
// stamped them, else "devel"; and the Go version.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "novalite devel"
	}
	if buildVersion != "" {
		return "novalite " + buildVersion + " " + info.GoVersion
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	v := "devel"
	if rev := settings["vcs.revision"]; rev != "" {
		v = rev[:min(12, len(rev))]
		if settings["vcs.modified"] == "true" {
			v += "-dirty"
		}
		if t := settings["vcs.time"]; t != "" {
			v += " (" + t + ")"
		}
	}
	return strings.Join([]string{"novalite", v, info.GoVersion}, " ")
}
