// Package licenses writes THIRD_PARTY_LICENSES: the licence files of every Go
// module compiled into the exporter's release binaries, verbatim, with those
// of the Go standard library. The release archives and packages ship it
// beside the binary. It is generated from go.mod and the module cache (go
// generate ./internal/licenses) and checked in; a test fails when it is
// stale, so a new dependency cannot reach a release without its licence, and
// a licence change in a dependency update shows in review.
package licenses

//go:generate go run ./gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Platform is a GOOS/GOARCH pair the release builds for.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// ParsePlatform reads "linux/arm64".
func ParsePlatform(s string) (Platform, error) {
	goos, goarch, ok := strings.Cut(s, "/")
	if !ok || goos == "" || goarch == "" {
		return Platform{}, fmt.Errorf("platform %q: want GOOS/GOARCH", s)
	}
	return Platform{goos, goarch}, nil
}

// ReleasePlatforms are the platforms scripts/release.sh builds by default
// (a test holds the script to this list); the file covers every module any
// of them compiles in.
var ReleasePlatforms = []Platform{{"linux", "amd64"}, {"linux", "arm64"}}

// File is the name of the generated file, at the module root.
const File = "THIRD_PARTY_LICENSES"

// Module is one module compiled into the binary, with its licence files.
type Module struct {
	Path, Version string
	Dir           string // where its files are (the module cache)
	Files         []LicenceFile
}

// LicenceFile is a licence, notice or patent grant file of a module.
type LicenceFile struct {
	Name, Text string
}

// licenceName matches the files a module's licence terms are in: the licence
// itself (LICENSE, LICENSE.md, COPYING, LICENSE.libyaml), the NOTICE that
// Apache-2.0 requires to be passed on, and the Go project's PATENTS grant.
var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents)([.-].*)?$`)

// listedPackage is what `go list -json` says of a package, in part.
type listedPackage struct {
	Standard bool
	Module   *listedModule
}

type listedModule struct {
	Path, Version, Dir string
	Main               bool
	Replace            *listedModule
}

// Compiled lists the modules that the main package in root compiles in for
// any of the platforms (CGO_ENABLED=0, as the release builds), sorted by
// path, each with its licence files. A module without one is an error.
func Compiled(root string, platforms []Platform) ([]Module, error) {
	byPath := map[string]Module{}
	for _, p := range platforms {
		mods, err := listModules(root, p)
		if err != nil {
			return nil, err
		}
		for _, m := range mods {
			byPath[m.Path] = m
		}
	}
	var out []Module
	var missing []string
	for _, m := range byPath {
		files, err := licenceFiles(m.Dir)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", m.Path, m.Version, err)
		}
		if len(files) == 0 {
			missing = append(missing, m.Path+" "+m.Version+" (in "+m.Dir+")")
		}
		m.Files = files
		out = append(out, m)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("no licence file in the module: %s; a module without one cannot be shipped", strings.Join(missing, "; "))
	}
	slices.SortFunc(out, func(a, b Module) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// listed keeps what go list said per module root and platform for the
// process: a check lists each platform twice (Generate, then Covers), the
// tests more often, and go list is the slow part. The module graph does not
// change while the process runs.
var listed struct {
	sync.Mutex
	mods map[string][]Module
}

func listModules(root string, p Platform) ([]Module, error) {
	key := root + "\x00" + p.String()
	listed.Lock()
	defer listed.Unlock()
	if mods, ok := listed.mods[key]; ok {
		return mods, nil
	}
	mods, err := goList(root, p)
	if err != nil {
		return nil, err
	}
	if listed.mods == nil {
		listed.mods = map[string][]Module{}
	}
	listed.mods[key] = mods
	return mods, nil
}

func goList(root string, p Platform) ([]Module, error) {
	cmd := exec.Command("go", "list", "-deps", "-json=Standard,Module", ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list for %s: %w\n%s", p, err, stderr.Bytes())
	}
	var mods []Module
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var pkg listedPackage
		if err := dec.Decode(&pkg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list for %s: %w", p, err)
		}
		m := pkg.Module
		if pkg.Standard || m == nil || m.Main {
			continue
		}
		mod := Module{Path: m.Path, Version: m.Version, Dir: m.Dir}
		if r := m.Replace; r != nil { // the files are the replacement's
			mod.Dir = r.Dir
			if r.Version != "" {
				mod.Version = r.Version
			}
		}
		if mod.Dir == "" {
			return nil, fmt.Errorf("go list for %s: module %s %s is not in the module cache (go mod download)", p, mod.Path, mod.Version)
		}
		mods = append(mods, mod)
	}
	return mods, nil
}

// licenceFiles reads the licence files at the top of a module, sorted by
// name.
func licenceFiles(dir string) ([]LicenceFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []LicenceFile
	for _, e := range entries {
		if e.IsDir() || !licenceName.MatchString(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files = append(files, LicenceFile{Name: e.Name(), Text: string(b)})
	}
	return files, nil
}

// StandardLibrary is the Go distribution's own licence files, which cover the
// standard library and runtime compiled into every Go binary.
func StandardLibrary() (Module, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return Module{}, fmt.Errorf("go env GOROOT: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	files, err := licenceFiles(dir)
	if err != nil {
		return Module{}, fmt.Errorf("the Go distribution: %w", err)
	}
	if len(files) == 0 {
		return Module{}, fmt.Errorf("no licence file in the Go distribution at %s", dir)
	}
	// The version is left out on purpose: the text has not changed across
	// Go releases, and a toolchain update must not make the file stale.
	return Module{Path: "Go standard library and runtime", Dir: dir, Files: files}, nil
}

const rule = "================================================================================"

// Render writes the file: a header, the list of modules, then each
// module's files verbatim.
func Render(w io.Writer, std Module, mods []Module, platforms []Platform) error {
	var b bytes.Buffer
	names := make([]string, len(platforms))
	for i, p := range platforms {
		names[i] = p.String()
	}
	fmt.Fprintf(&b, "Third-party software in the ipsec_trap_exporter binaries (%s)\n\n", strings.Join(names, ", "))
	b.WriteString("ipsec_trap_exporter itself is under the Apache License 2.0 (LICENSE). Its binaries\n" +
		"also contain the Go standard library and the Go modules listed below, under their\n" +
		"own licences, whose files follow verbatim. Generated from go.mod by\n" +
		"`go generate ./internal/licenses`; do not edit.\n\n")
	all := append([]Module{std}, mods...)
	for _, m := range all {
		var fileNames []string
		for _, f := range m.Files {
			fileNames = append(fileNames, f.Name)
		}
		fmt.Fprintf(&b, "  %s (%s)\n", strings.TrimSpace(m.Path+" "+m.Version), strings.Join(fileNames, ", "))
	}
	for _, m := range all {
		for _, f := range m.Files {
			fmt.Fprintf(&b, "\n%s%s%s\n\n", rule, sectionHeading(m, f), rule)
			b.WriteString(strings.TrimRight(f.Text, "\n") + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Generate renders the file for the module in root and platforms.
func Generate(w io.Writer, root string, platforms []Platform) error {
	std, err := StandardLibrary()
	if err != nil {
		return err
	}
	mods, err := Compiled(root, platforms)
	if err != nil {
		return err
	}
	return Render(w, std, mods, platforms)
}

// Covers checks that a rendered file has a section for every licence file
// of every module the platforms compile in: what the release script asks
// before it builds platforms other than the release platforms.
func Covers(rendered []byte, root string, platforms []Platform) error {
	if len(platforms) == 0 {
		return nil
	}
	mods, err := Compiled(root, platforms)
	if err != nil {
		return err
	}
	var missing []string
	for _, m := range mods {
		for _, f := range m.Files {
			if !bytes.Contains(rendered, []byte(sectionHeading(m, f))) {
				missing = append(missing, m.Path+" "+m.Version+" "+f.Name)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks what %v compile in: %s; add the platforms to ReleasePlatforms and regenerate", File, platforms, strings.Join(missing, ", "))
	}
	return nil
}

// sectionHeading is the line that names one licence file of a module.
func sectionHeading(m Module, f LicenceFile) string {
	return "\n" + strings.TrimSpace(m.Path+" "+m.Version) + ": " + f.Name + "\n"
}
