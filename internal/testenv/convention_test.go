package testenv

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestOneShortConvention holds every test of the repository to the one
// way of being an end-to-end test: testenv.Need. A test elsewhere that
// reads testing.Short or skips itself would be a second convention, and
// could skip in the full suite, where a missing tool must fail under CI.
// Every test in e2e/ is end to end, so each begins with testenv.Need.
func TestOneShortConvention(t *testing.T) {
	root := RepoRoot()
	self := filepath.Join(root, "internal", "testenv")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (path == self || strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, bad := range secondConventions(f) {
			t.Errorf("%s:%d: %s: an end-to-end test calls testenv.Need as its first statement instead", rel, fset.Position(bad.Pos()).Line, bad.what)
		}
		if filepath.Dir(rel) == "e2e" {
			for _, name := range testsWithoutNeed(f) {
				t.Errorf("%s: %s does not begin with testenv.Need", rel, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type misuse struct {
	ast.Node
	what string
}

// secondConventions finds testing.Short and the Skip methods of a test.
func secondConventions(f *ast.File) []misuse {
	var found []misuse
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == "testing" && sel.Sel.Name == "Short" {
			found = append(found, misuse{sel, "testing.Short"})
		}
		switch sel.Sel.Name {
		case "Skip", "Skipf", "SkipNow":
			found = append(found, misuse{sel, sel.Sel.Name})
		}
		return true
	})
	return found
}

// testsWithoutNeed names the Test functions of f whose first statement is
// not a call of testenv.Need.
func testsWithoutNeed(f *ast.File) []string {
	var names []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Body == nil {
			continue
		}
		if len(fn.Body.List) == 0 || !callsNeed(fn.Body.List[0]) {
			names = append(names, fn.Name.Name)
		}
	}
	return names
}

func callsNeed(s ast.Stmt) bool {
	expr, ok := s.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := expr.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "testenv" && sel.Sel.Name == "Need"
}

// recorder stands in for a test to see what Need does with it; Skip and
// Fatal end the goroutine, as the testing package's do.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Skip(args ...any)          { r.skipped = fmt.Sprint(args...); runtime.Goexit() }
func (r *recorder) Skipf(f string, a ...any)  { r.skipped = fmt.Sprintf(f, a...); runtime.Goexit() }
func (r *recorder) Fatalf(f string, a ...any) { r.failed = fmt.Sprintf(f, a...); runtime.Goexit() }

func need(t *testing.T, ci string, requirements ...string) *recorder {
	t.Setenv("CI", ci)
	r := &recorder{}
	done := make(chan struct{})
	go func() { defer close(done); Need(r, requirements...) }()
	<-done
	return r
}

// Need's rule: skip under -short; otherwise a missing command fails under
// CI=true and skips elsewhere, naming the command; what is there passes.
func TestNeed(t *testing.T) {
	const absent = "ipsec-trap-exporter-no-such-command"
	if testing.Short() {
		for _, ci := range []string{"", "true"} {
			if r := need(t, ci, absent); !strings.Contains(r.skipped, "-short") || r.failed != "" {
				t.Errorf("CI=%q under -short: skipped %q, failed %q; want the -short skip", ci, r.skipped, r.failed)
			}
		}
		return
	}
	if r := need(t, "true", absent); !strings.Contains(r.failed, absent) || r.skipped != "" {
		t.Errorf("CI=true: failed %q, skipped %q; want a failure naming %s", r.failed, r.skipped, absent)
	}
	if r := need(t, "", absent); !strings.Contains(r.skipped, absent) || r.failed != "" {
		t.Errorf("CI unset: skipped %q, failed %q; want a skip naming %s", r.skipped, r.failed, absent)
	}
	if r := need(t, "true", "go"); r.skipped != "" || r.failed != "" {
		t.Errorf("go is on PATH: skipped %q, failed %q", r.skipped, r.failed)
	}
}
