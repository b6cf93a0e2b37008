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
	fset := token.NewFileSet()
	for _, tf := range testFiles(t, fset) {
		for _, bad := range secondConventions(tf.f) {
			t.Errorf("%s:%d: %s: an end-to-end test calls testenv.Need as its first statement instead", tf.rel, fset.Position(bad.Pos()).Line, bad.what)
		}
		if filepath.Dir(tf.rel) == "e2e" {
			for _, name := range testsWithoutNeed(tf.f) {
				t.Errorf("%s: %s does not begin with testenv.Need", tf.rel, name)
			}
		}
	}
}

type testFile struct {
	rel string // from the repository root
	f   *ast.File
}

// testFiles parses every _test.go file of the repository but this
// package's (which names the helpers it checks).
func testFiles(t *testing.T, fset *token.FileSet) []testFile {
	t.Helper()
	root := RepoRoot()
	self := filepath.Join(root, "internal", "testenv")
	var files []testFile
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
		files = append(files, testFile{rel, f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
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

// e2eHelpers are the testenv functions that run something outside the test
// process (a binary, a server, a command): a test that reaches one, itself
// or through a helper of its package, is an end-to-end test.
var e2eHelpers = map[string]bool{
	"Binary": true, "Start": true, "StartCmd": true, "StartExporter": true, "StartPrometheus": true, "StartAlertmanager": true,
	"ForEachPrometheus": true, "Run": true, "SNMPTrap": true, "SendNetSNMP": true, "SendPySNMP": true, "SendNPM": true,
	"Logger": true, "StartRsyslogTLSRelay": true, "OpenSSLClient": true, "Browser": true, "Sloth": true, "Unprivileged": true,
	"VictoriaMetrics": true, "ForEachRuleEngine": true,
}

// TestNeedOutsideE2E extends the rule of e2e/ to every package: a test that
// runs a binary, a server or a command (e2eHelpers, exec.Command), itself
// or through a function of its package, begins with testenv.Need.
func TestNeedOutsideE2E(t *testing.T) {
	packages := map[string][]*ast.File{}
	for _, tf := range testFiles(t, token.NewFileSet()) {
		packages[filepath.Dir(tf.rel)] = append(packages[filepath.Dir(tf.rel)], tf.f)
	}
	if len(packages) < 10 {
		t.Fatalf("only %d packages with tests found", len(packages))
	}
	for dir, files := range packages {
		for _, name := range endToEndWithoutNeed(files) {
			t.Errorf("%s: %s runs something outside the test process but does not begin with testenv.Need", dir, name)
		}
	}
}

// endToEndWithoutNeed names the Test functions of one package's test files
// that reach an e2eHelper or exec.Command, directly or through the
// package's functions, and do not begin with testenv.Need.
func endToEndWithoutNeed(files []*ast.File) []string {
	bodies := map[string]*ast.BlockStmt{}
	for _, f := range files {
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil && fn.Recv == nil {
				bodies[fn.Name.Name] = fn.Body
			}
		}
	}
	direct := map[string]bool{}
	calls := map[string][]string{}
	for name, body := range bodies {
		ast.Inspect(body, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				// A subtest that begins with Need answers for itself.
				return len(x.Body.List) == 0 || !callsNeed(x.Body.List[0])
			case *ast.SelectorExpr:
				if pkg, ok := x.X.(*ast.Ident); ok {
					if (pkg.Name == "testenv" && e2eHelpers[x.Sel.Name]) || (pkg.Name == "exec" && strings.HasPrefix(x.Sel.Name, "Command")) {
						direct[name] = true
					}
				}
			case *ast.Ident:
				if _, ok := bodies[x.Name]; ok && x.Name != name {
					calls[name] = append(calls[name], x.Name)
				}
			}
			return true
		})
	}
	e2e := map[string]bool{}
	var reach func(name string, seen map[string]bool) bool
	reach = func(name string, seen map[string]bool) bool {
		if direct[name] {
			return true
		}
		if seen[name] {
			return false
		}
		seen[name] = true
		for _, c := range calls[name] {
			if reach(c, seen) {
				return true
			}
		}
		return false
	}
	var names []string
	for name, body := range bodies {
		if !strings.HasPrefix(name, "Test") || name == "TestMain" {
			continue
		}
		e2e[name] = reach(name, map[string]bool{})
		if e2e[name] && (len(body.List) == 0 || !callsNeed(body.List[0])) {
			names = append(names, name)
		}
	}
	return names
}
