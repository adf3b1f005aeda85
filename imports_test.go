package novalite_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// goPackage is what `go list -json` says of one package.
type goPackage struct {
	ImportPath                         string
	Imports, TestImports, XTestImports []string
	Deps                               []string
	Standard                           bool
}

// importRule forbids the packages from matches to import what to matches
// (patterns as go list's: "a/..." is a and everything below it).
// Direct rules look at the package's own imports, its tests' included
// (api → compute → store is the intended path, so "api never imports
// store" can only be about direct edges); transitive rules look at every
// dependency of the package's non-test code.
type importRule struct {
	from, to   string
	transitive bool
	why        string
}

// inwardRules are STYLE.md's "imports point inward".
var inwardRules = []importRule{
	{"novalite", "novalite/...", false, "the root vocabulary imports nothing of ours"},
	{"novalite/internal/api/...", "novalite/internal/store/...", false, "handlers never touch SQL"},
	{"novalite/internal/api/...", "database/sql", false, "handlers never touch SQL"},
	{"novalite/internal/store", "net/http", true, "the store never knows HTTP"},
	{"novalite/internal/store", "novalite/internal/...", true, "the store sits under every layer but the root"},
	{"novalite/internal/virt/...", "novalite/internal/store/...", true, "drivers never touch the database"},
	{"novalite/internal/virt/...", "database/sql", true, "drivers never touch the database"},
	{"novalite/internal/compute/...", "novalite/internal/api/...", true, "the domain does not know HTTP"},
	{"novalite/internal/identity/...", "novalite/internal/api/...", true, "the domain does not know HTTP"},
	{"novalite/internal/image/...", "novalite/internal/api/...", true, "the domain does not know HTTP"},
	{"novalite/internal/network/...", "novalite/internal/api/...", true, "the domain does not know HTTP"},
	{"novalite/internal/volume/...", "novalite/internal/api/...", true, "the domain does not know HTTP"},
}

// match reports whether path is what pattern names: the package itself,
// or for "a/..." a and every package below it.
func match(path, pattern string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == base || strings.HasPrefix(path, base+"/")
	}
	return path == pattern
}

// forbiddenEdges lists every import in pkgs that a rule forbids, as
// "from → to (why)".
func forbiddenEdges(pkgs []goPackage, rules []importRule) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !match(p.ImportPath, r.from) {
				continue
			}
			imports := slices.Concat(p.Imports, p.TestImports, p.XTestImports)
			if r.transitive {
				imports = p.Deps
			}
			for _, imp := range imports {
				if match(imp, r.to) && imp != p.ImportPath {
					out = append(out, p.ImportPath+" → "+imp+" ("+r.why+")")
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// listPackages runs `go list -deps -json ./...` on the module and keeps
// its own packages.
func listPackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-json", "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if !p.Standard && match(p.ImportPath, "novalite/...") {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages of ours", len(pkgs))
	}
	return pkgs
}

// TestImportsPointInward fails on any import edge STYLE.md forbids.
func TestImportsPointInward(t *testing.T) {
	t.Parallel()
	if bad := forbiddenEdges(listPackages(t), inwardRules); len(bad) > 0 {
		t.Errorf("imports that point outward:\n%s", strings.Join(bad, "\n"))
	}
}

// TestForbiddenEdges: the check finds each kind of edge the rules forbid
// and lets the intended ones through.
func TestForbiddenEdges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		pkg  goPackage
		want []string
	}{
		{"api imports the store", goPackage{ImportPath: "novalite/internal/api/compute",
			Imports: []string{"novalite", "novalite/internal/compute", "novalite/internal/store"}},
			[]string{"novalite/internal/api/compute → novalite/internal/store (handlers never touch SQL)"}},
		{"an api test imports the store", goPackage{ImportPath: "novalite/internal/api/image",
			XTestImports: []string{"novalite/internal/store"}},
			[]string{"novalite/internal/api/image → novalite/internal/store (handlers never touch SQL)"}},
		{"api reaches the store through the domain", goPackage{ImportPath: "novalite/internal/api/compute",
			Imports: []string{"novalite/internal/compute"}, Deps: []string{"database/sql", "novalite/internal/store"}}, nil},
		{"store reaches net/http", goPackage{ImportPath: "novalite/internal/store",
			Imports: []string{"novalite"}, Deps: []string{"mime/multipart", "net/http"}},
			[]string{"novalite/internal/store → net/http (the store never knows HTTP)"}},
		{"a driver reaches the store", goPackage{ImportPath: "novalite/internal/virt/fake",
			Deps: []string{"novalite/internal/store"}},
			[]string{"novalite/internal/virt/fake → novalite/internal/store (drivers never touch the database)"}},
		{"the domain reaches the API", goPackage{ImportPath: "novalite/internal/network",
			Deps: []string{"novalite/internal/api/httpx"}},
			[]string{"novalite/internal/network → novalite/internal/api/httpx (the domain does not know HTTP)"}},
		{"the root imports a package of ours", goPackage{ImportPath: "novalite",
			Imports: []string{"time", "novalite/internal/policy"}},
			[]string{"novalite → novalite/internal/policy (the root vocabulary imports nothing of ours)"}},
		{"the agent uses store and driver", goPackage{ImportPath: "novalite/internal/agent",
			Imports: []string{"novalite/internal/store", "novalite/internal/virt"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := forbiddenEdges([]goPackage{tc.pkg}, inwardRules)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("forbidden edges (-want +got):\n%s", diff)
			}
		})
	}
}
