package testguest

import (
	"debug/elf"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// modulePaths finds every .ko under dir by module name.
func modulePaths(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".ko") {
			return err
		}
		name := strings.ReplaceAll(strings.TrimSuffix(d.Name(), ".ko"), "-", "_")
		out[name] = p
		return nil
	})
	return out, err
}

// depends reads the "depends=" entry of a module's .modinfo section (the
// unpacked package has no modules.dep: depmod runs on install).
func depends(path string) ([]string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := f.Section(".modinfo")
	if s == nil {
		return nil, fmt.Errorf("%s: no .modinfo", path)
	}
	b, err := s.Data()
	if err != nil {
		return nil, err
	}
	for _, kv := range strings.Split(string(b), "\x00") {
		if v, ok := strings.CutPrefix(kv, "depends="); ok {
			if v == "" {
				return nil, nil
			}
			return strings.Split(strings.ReplaceAll(v, "-", "_"), ","), nil
		}
	}
	return nil, nil
}

// loadOrder lists the module files to insmod for want, dependencies first.
func loadOrder(dir string, want []string) ([]string, error) {
	paths, err := modulePaths(dir)
	if err != nil {
		return nil, err
	}
	var order []string
	seen := map[string]bool{}
	var visit func(name string) error
	visit = func(name string) error {
		if seen[name] {
			return nil
		}
		seen[name] = true
		p, ok := paths[name]
		if !ok {
			return fmt.Errorf("kernel module %s not found under %s", name, dir)
		}
		deps, err := depends(p)
		if err != nil {
			return err
		}
		for _, d := range deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		order = append(order, p)
		return nil
	}
	for _, w := range want {
		if err := visit(w); err != nil {
			return nil, err
		}
	}
	return order, nil
}
