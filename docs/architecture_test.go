package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureNamesExist keeps docs/architecture.md true: every package
// directory and file it names in backticks exists. A file named bare
// (`lean.go`) is looked up in the package of its table row or paragraph, so
// the test accepts it when any directory of the repository holds it.
func TestArchitectureNamesExist(t *testing.T) {
	doc, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	out, err := repoFiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range out {
		files[f] = true
		files[f[strings.LastIndex(f, "/")+1:]] = true
		for dir := f; strings.Contains(dir, "/"); {
			dir = dir[:strings.LastIndex(dir, "/")]
			files[dir+"/"] = true
		}
	}
	name := regexp.MustCompile("`([A-Za-z0-9_./-]+(?:/|\\.go|\\.md|\\.yml|\\.txt))`")
	for _, m := range name.FindAllStringSubmatch(string(doc), -1) {
		if n := m[1]; !files[n] && !strings.Contains(n, "*") {
			t.Errorf("docs/architecture.md names %s, which does not exist", n)
		}
	}
}

// repoFiles lists the repository's files, relative to its root (the
// parent directory), without .git and installed npm packages.
func repoFiles() ([]string, error) {
	var out []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if rel, err := filepath.Rel("..", path); err == nil && !d.IsDir() {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}
