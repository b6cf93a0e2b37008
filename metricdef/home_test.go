package metricdef

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoFamilyNameOutsideHome fails when a non-test Go file outside this
// package spells a family's name in a string: such a file must use the
// declaration (metricdef.TunnelUp.Name, or %s with the Family), so that a
// rename is one edit and cannot leave a query behind.
func TestNoFamilyNameOutsideHome(t *testing.T) {
	names := make([]string, 0, len(All()))
	for _, f := range All() {
		names = append(names, regexp.QuoteMeta(f.Name))
	}
	// A name stands alone: not part of a longer name or of a recording
	// rule's level:metric:operations.
	spelled := regexp.MustCompile(`(^|[^a-zA-Z0-9_:])(` + strings.Join(names, "|") + `)($|[^a-zA-Z0-9_:])`)
	root := ".."
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "metricdef" || name == "testdata" || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		// A standalone program (//go:build ignore, such as the SLO
		// benchmark's tool, built in a module of its own) cannot import
		// this package.
		if ignoredByBuild(f) {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if m := spelled.FindStringSubmatch(lit.Value); m != nil {
					t.Errorf("%s spells %s: use metricdef's declaration", fset.Position(lit.Pos()), m[2])
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFamiliesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All() {
		if seen[f.Name] || !strings.HasPrefix(f.Name, Namespace+"_") || f.Help == "" {
			t.Errorf("family %q: duplicate, outside the namespace, or without help", f.Name)
		}
		seen[f.Name] = true
	}
}

// ignoredByBuild reports whether f carries the //go:build ignore constraint.
func ignoredByBuild(f *ast.File) bool {
	for _, g := range f.Comments {
		if g.Pos() >= f.Package {
			break
		}
		for _, c := range g.List {
			if strings.TrimSpace(c.Text) == "//go:build ignore" {
				return true
			}
		}
	}
	return false
}
