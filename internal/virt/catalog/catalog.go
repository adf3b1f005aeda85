// Package catalog lists the virt drivers novalite can run, in one map.
// Adding a driver is adding a line here.
package catalog

import (
	"fmt"
	"sort"
	"time"

	"novalite/internal/virt"
	"novalite/internal/virt/fake"
	"novalite/internal/virt/qemu"
)

// Params configure a driver for one host.
type Params struct {
	Host string
	// Dir is where the driver may keep per-instance files.
	Dir  string
	Fake fake.Config
	// Images reads the image service (drivers of real guests).
	Images virt.Images
	// ShutdownTimeout and ForceConfigDrive are Nova's options of the
	// same names (qemu).
	ShutdownTimeout  time.Duration
	ForceConfigDrive bool
	// RemoveUnusedBaseAge is Nova's
	// remove_unused_original_minimum_age_seconds (qemu).
	RemoveUnusedBaseAge time.Duration
}

// drivers maps a driver name (--driver) to its constructor.
var drivers = map[string]func(Params) (virt.Driver, error){
	"fake": func(p Params) (virt.Driver, error) { return fake.New(p.Fake), nil },
	"qemu": func(p Params) (virt.Driver, error) {
		return qemu.New(qemu.Config{Dir: p.Dir, Images: p.Images, ShutdownTimeout: p.ShutdownTimeout,
			ForceConfigDrive: p.ForceConfigDrive, RemoveUnusedAge: p.RemoveUnusedBaseAge})
	},
}

// New builds the driver named name.
func New(name string, p Params) (virt.Driver, error) {
	f, ok := drivers[name]
	if !ok {
		return nil, fmt.Errorf("unknown virt driver %q (have %v)", name, names())
	}
	return f(p)
}

// names lists the known drivers, sorted.
func names() []string {
	out := make([]string, 0, len(drivers))
	for n := range drivers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
