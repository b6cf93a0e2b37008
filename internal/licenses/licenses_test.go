package licenses

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The checked-in file is what the generator writes now: a dependency added,
// removed or updated without regenerating fails here.
func TestThirdPartyLicensesUpToDate(t *testing.T) {
	var want bytes.Buffer
	if err := Generate(&want, filepath.Join("..", ".."), ReleasePlatforms); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", File))
	if err != nil {
		t.Fatalf("%v: run go generate ./internal/licenses", err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s is stale (go.mod changed): run go generate ./internal/licenses and commit it", File)
	}
}

// Every module the release platforms compile in has an entry with at least
// one licence file, and its version is go.mod's.
func TestEveryCompiledModuleHasItsLicence(t *testing.T) {
	mods, err := Compiled(filepath.Join("..", ".."), ReleasePlatforms)
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join("..", "..", File))
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) < 10 {
		t.Fatalf("%d modules compiled in: the listing is broken", len(mods))
	}
	for _, m := range mods {
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(m.Path+" "+m.Version) + `( //.*)?$`).Match(gomod) {
			t.Errorf("%s %s is not required so in go.mod", m.Path, m.Version)
		}
		for _, f := range m.Files {
			if !bytes.Contains(text, []byte(sectionHeading(m, f))) {
				t.Errorf("%s has no section for %s %s", File, m.Path, f.Name)
			}
		}
	}
	for _, p := range []string{"github.com/prometheus/client_golang", "github.com/gosnmp/gosnmp", "golang.org/x/sys"} {
		if !slices.ContainsFunc(mods, func(m Module) bool { return m.Path == p }) {
			t.Errorf("%s is compiled in but not listed", p)
		}
	}
	for _, test := range []string{"github.com/chromedp/chromedp", "github.com/google/go-jsonnet"} {
		if slices.ContainsFunc(mods, func(m Module) bool { return m.Path == test }) {
			t.Errorf("%s is a test dependency, not in the binary, but listed", test)
		}
	}
}

// A module without a licence file stops the generator, naming the module;
// licence, notice and patent files are all taken, other files not.
func TestModuleWithoutLicenceIsAnError(t *testing.T) {
	app := filepath.Join("testdata", "app")
	_, err := Compiled(app, []Platform{{"linux", "amd64"}})
	if err == nil || !strings.Contains(err.Error(), "example.com/unlicensed") || strings.Contains(err.Error(), "example.com/licensed ") {
		t.Fatalf("err = %v, want one naming example.com/unlicensed alone", err)
	}
	files, err := licenceFiles(filepath.Join("testdata", "licensed"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"LICENSE", "NOTICE.md"}) {
		t.Errorf("licence files %v, want LICENSE and NOTICE.md", names)
	}
}

func TestLicenceFileNames(t *testing.T) {
	for name, want := range map[string]bool{
		"LICENSE": true, "LICENSE.txt": true, "LICENSE.md": true, "LICENCE": true, "COPYING": true,
		"LICENSE.libyaml": true, "NOTICE": true, "PATENTS": true, "license-apache": true,
		"README.md": false, "licenses.go": false, "CONTRIBUTING": false, "COPYINGX": false,
	} {
		if got := licenceName.MatchString(name); got != want {
			t.Errorf("%s: licence file %v, want %v", name, got, want)
		}
	}
}

// Covers accepts the file for a release platform, and refuses a file that
// lacks the section of a module the platform compiles in.
func TestCoversThePlatforms(t *testing.T) {
	root := filepath.Join("..", "..")
	text, err := os.ReadFile(filepath.Join(root, File))
	if err != nil {
		t.Fatal(err)
	}
	if err := Covers(text, root, []Platform{{"linux", "amd64"}}); err != nil {
		t.Errorf("linux/amd64: %v", err)
	}
	cut := bytes.Replace(text, []byte("\ngithub.com/gosnmp/gosnmp "), []byte("\ngithub.com/gosnmp/gosnmq "), 1)
	if err := Covers(cut, root, []Platform{{"linux", "arm64"}}); err == nil || !strings.Contains(err.Error(), "gosnmp") {
		t.Errorf("a file without gosnmp's section: %v, want an error naming it", err)
	}
}

// scripts/release.sh builds the platforms the file covers.
func TestReleaseScriptBuildsTheCoveredPlatforms(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "scripts", "release.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^platforms=\$\{PLATFORMS:-([^}]*)\}`).FindSubmatch(b)
	if m == nil {
		t.Fatal("scripts/release.sh sets no platforms=${PLATFORMS:-...}")
	}
	var want []string
	for _, p := range ReleasePlatforms {
		want = append(want, p.String())
	}
	if got := strings.Fields(string(m[1])); !slices.Equal(got, want) {
		t.Errorf("scripts/release.sh builds %v, %s covers %v", got, File, want)
	}
}
