//go:build ignore

// structure-figures prints the figures issue 10 asks for, as recorded in
// docs/structure.md. Run from the module root:
//
//	go run scripts/structure-figures.go
//
// Method, all by parsing the source (go/parser), no type checking:
//   - map[string]any and type assertions: occurrences in the non-test
//     files of internal/api/compute (a type switch's x.(type) counts as
//     one assertion).
//   - exported-but-unused: exported top-level consts, vars, types and
//     funcs (not methods or fields, which syntax alone cannot resolve)
//     that no file of another package names as pkg.Name; a package's
//     external tests (package x_test) count as another package, since
//     they see only exported names. Packages main are left out. A type
//     can be used without being named (the result of an exported
//     func), so the count of types is an upper bound.
//   - test lines: lines of *_test.go files per directory.
//   - longest functions: non-test funcs and methods, first to last line.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const module = "novalite"

type file struct {
	dir, pkg string
	test     bool
	ast      *ast.File
	lines    int
}

func main() {
	fset := token.NewFileSet()
	var files []file
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || filepath.Dir(path) == "scripts" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, file{dir: filepath.Dir(path), pkg: f.Name.Name,
			test: strings.HasSuffix(path, "_test.go"), ast: f, lines: fset.File(f.Pos()).LineCount()})
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	apiCompute(fset, files)
	unusedExports(files)
	testLines(files)
	longest(fset, files)
}

// apiCompute counts map[string]any and type assertions in the non-test
// files of internal/api/compute.
func apiCompute(fset *token.FileSet, files []file) {
	maps, asserts := 0, 0
	for _, f := range files {
		if f.dir != "internal/api/compute" || f.test {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.MapType:
				k, kok := n.Key.(*ast.Ident)
				v, vok := n.Value.(*ast.Ident)
				if kok && vok && k.Name == "string" && v.Name == "any" {
					maps++
				}
			case *ast.TypeAssertExpr:
				asserts++
			}
			return true
		})
	}
	fmt.Printf("internal/api/compute (non-test): map[string]any %d, type assertions %d\n", maps, asserts)
}

// unusedExports lists exported top-level names no other package names.
func unusedExports(files []file) {
	type key struct{ path, name string }
	declared := map[key]string{} // the kind: const, var, type, func
	for _, f := range files {
		if f.test || f.pkg == "main" {
			continue
		}
		path := importPath(f.dir)
		for _, d := range f.ast.Decls {
			kind, names := declNames(d)
			for _, name := range names {
				if ast.IsExported(name) {
					declared[key{path, name}] = kind
				}
			}
		}
	}
	used := map[key]bool{}
	for _, f := range files {
		self := importPath(f.dir)
		if strings.HasSuffix(f.pkg, "_test") {
			self = "" // an external test package is another package
		}
		imports := map[string]string{} // local name -> path
		for _, im := range f.ast.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			name := p[strings.LastIndex(p, "/")+1:]
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[name] = p
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok {
				if p, ok := imports[x.Name]; ok && p != self {
					used[key{p, sel.Sel.Name}] = true
				}
			}
			return true
		})
	}
	var unused []string
	byKind := map[string]int{}
	for k, kind := range declared {
		if !used[k] {
			unused = append(unused, kind+" "+k.path+"."+k.name)
			byKind[kind]++
		}
	}
	sort.Strings(unused)
	fmt.Printf("exported top-level names no other package uses: %d of %d (const %d, var %d, func %d, type %d)\n",
		len(unused), len(declared), byKind["const"], byKind["var"], byKind["func"], byKind["type"])
	if os.Getenv("VERBOSE") != "" {
		for _, u := range unused {
			fmt.Println("  ", u)
		}
	}
}

func importPath(dir string) string {
	if dir == "." {
		return module
	}
	return module + "/" + filepath.ToSlash(dir)
}

func declNames(d ast.Decl) (kind string, names []string) {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			return "func", []string{d.Name.Name}
		}
	case *ast.GenDecl:
		kind = d.Tok.String()
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
			}
		}
	}
	return kind, names
}

// testLines prints the lines of _test.go files per directory.
func testLines(files []file) {
	test, code := map[string]int{}, map[string]int{}
	for _, f := range files {
		if f.test {
			test[f.dir] += f.lines
		} else {
			code[f.dir] += f.lines
		}
	}
	dirs := make([]string, 0, len(code))
	for d := range code {
		dirs = append(dirs, d)
	}
	for d := range test {
		if _, ok := code[d]; !ok {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	fmt.Println("test lines / code lines per package:")
	for _, d := range dirs {
		fmt.Printf("  %-34s %6d / %6d\n", d, test[d], code[d])
	}
}

// longest prints the five longest non-test functions.
func longest(fset *token.FileSet, files []file) {
	type fn struct {
		name  string
		lines int
	}
	var fns []fn
	for _, f := range files {
		if f.test {
			continue
		}
		for _, d := range f.ast.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				name = recvName(fd.Recv.List[0].Type) + "." + name
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			fns = append(fns, fn{f.dir + ":" + name, n})
		}
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].lines > fns[j].lines })
	fmt.Println("longest functions (non-test):")
	for _, f := range fns[:min(5, len(fns))] {
		fmt.Printf("  %4d %s\n", f.lines, f.name)
	}
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}
