package packaging

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// The test releases: a full one (every platform) that most tests read, and
// a later version for the host only, which the upgrade test installs over
// the first. Test versions, far from any real tag.
const (
	testTag        = "v9.8.7"
	testVersion    = "9.8.7"
	upgradeTag     = "v9.8.8-rc.1"
	upgradeVersion = "9.8.8-rc.1"
)

var releasePlatforms = []string{"linux/amd64", "linux/arm64"}

// tempDirs made for the whole test process, removed by TestMain.
var tempDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// release is a dist/ directory made by scripts/release.sh, and the state
// of the work tree it was made from.
type release struct {
	dir, tag, version string
	platforms         []string
	tree              treeState
}

// treeState is what a release build takes from git: what the version
// stamp must say, and a fingerprint of the tree's content.
type treeState struct {
	revision    string // HEAD, "-modified" with uncommitted changes
	branch      string
	date        string // the commit's time, as the build date
	fingerprint string // HEAD and a hash of the uncommitted changes
}

func readTreeState() (treeState, error) {
	root := testenv.RepoRoot()
	git := func(args ...string) (string, error) {
		out, err := exec.Command("git", append([]string{"-C", root}, args...)...).Output()
		if err != nil {
			return "", fmt.Errorf("git %v: %w", args, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	var s treeState
	var err error
	var head, status, diff, epoch string
	for _, q := range []struct {
		out  *string
		args []string
	}{
		{&head, []string{"rev-parse", "HEAD"}}, {&s.branch, []string{"rev-parse", "--abbrev-ref", "HEAD"}},
		{&status, []string{"status", "--porcelain", "--untracked-files=no"}}, {&diff, []string{"diff", "HEAD"}},
		{&epoch, []string{"log", "-1", "--format=%ct"}},
	} {
		if *q.out, err = git(q.args...); err != nil {
			return s, err
		}
	}
	s.revision = head
	if status != "" {
		s.revision += "-modified"
	}
	sec, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return s, err
	}
	s.date = time.Unix(sec, 0).UTC().Format("20060102-15:04:05")
	sum := sha256.Sum256([]byte(diff))
	s.fingerprint = head + "+" + hex.EncodeToString(sum[:8])
	return s, nil
}

type releaseOnce struct {
	once sync.Once
	rel  *release
	err  error
}

var full, upgrade, again releaseOnce

// fullRelease is testTag for every release platform.
func fullRelease(t *testing.T) *release {
	return full.get(t, testTag, testVersion, releasePlatforms)
}

// hostPlatform is the platform of this machine, which the release must
// build for: its binary is the one the tests run.
func hostPlatform(t *testing.T) string {
	p := runtime.GOOS + "/" + runtime.GOARCH
	if !slices.Contains(releasePlatforms, p) {
		testenv.Missing(t, "the release builds no binary for this machine (%s)", p)
	}
	return p
}

func (r *releaseOnce) get(t *testing.T, tag, version string, platforms []string) *release {
	t.Helper()
	r.once.Do(func() { r.rel, r.err = runRelease(tag, version, platforms) })
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.rel
}

// runRelease runs scripts/release.sh as `make release` does, into a
// directory of its own. ALLOW_DIRTY: the tests run on work trees with
// uncommitted changes too; the version test checks the revision says so.
func runRelease(tag, version string, platforms []string) (*release, error) {
	dir, err := os.MkdirTemp("", "ipsec-trap-exporter-release-")
	if err != nil {
		return nil, err
	}
	tempDirs = append(tempDirs, dir)
	tree, err := readTreeState()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("scripts/release.sh", tag)
	cmd.Dir = testenv.RepoRoot()
	cmd.Env = append(os.Environ(), "DIST="+dir, "ALLOW_DIRTY=1", "PLATFORMS="+strings.Join(platforms, " "))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("scripts/release.sh %s: %v\n%s", tag, err, out)
	}
	if after, err := readTreeState(); err != nil || after != tree {
		return nil, fmt.Errorf("the work tree changed while scripts/release.sh ran (%v): run the test again", err)
	}
	return &release{dir: dir, tag: tag, version: version, platforms: platforms, tree: tree}, nil
}

func (r *release) path(name string) string { return filepath.Join(r.dir, name) }

func (r *release) archive(platform string) string {
	return r.path(archiveDir(r.version, platform) + ".tar.gz")
}

func archiveDir(version, platform string) string {
	return "ipsec_trap_exporter-" + version + "." + strings.ReplaceAll(platform, "/", "-")
}

// debArch and rpmArch name a platform's architecture as the packages do.
func debArch(platform string) string { return strings.TrimPrefix(platform, "linux/") }

func rpmArch(platform string) string {
	return map[string]string{"linux/amd64": "x86_64", "linux/arm64": "aarch64"}[platform]
}

func (r *release) deb(platform string) string {
	return r.path(fmt.Sprintf("ipsec-trap-exporter_%s-1_%s.deb", strings.Replace(r.version, "-", "~", 1), debArch(platform)))
}

func (r *release) rpm(platform string) string {
	return r.path(fmt.Sprintf("ipsec-trap-exporter-%s-1.%s.rpm", strings.Replace(r.version, "-", "~", 1), rpmArch(platform)))
}

func (r *release) sbom(platform string) string {
	return r.path(archiveDir(r.version, platform) + ".cdx.json")
}

// binary extracts the platform's binary from its archive.
func (r *release) binary(t *testing.T, platform string) string {
	t.Helper()
	files := readArchive(t, r.archive(platform))
	b, ok := files[archiveDir(r.version, platform)+"/ipsec_trap_exporter"]
	if !ok {
		t.Fatalf("%s has no binary", r.archive(platform))
	}
	path := filepath.Join(t.TempDir(), "ipsec_trap_exporter")
	if err := os.WriteFile(path, b.data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

type archived struct {
	mode     int64
	uid, gid int
	data     []byte
}

func readArchive(t *testing.T, path string) map[string]archived {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr := tar.NewReader(gz)
	files := map[string]archived{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = archived{h.Mode, h.Uid, h.Gid, b}
	}
}

// shipped are the repository's files that archives (and, but for the
// documentation, packages) carry, as in the repository: rules, their tests
// (promtool's and vmalert-tool's) and JSON form, the SLO specifications, the Alertmanager example and
// templates, dashboards, the mixin.
func shipped(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{
		"alerts/*.rules.yml", "alerts/alertmanager.yml", "alerts/json/*.json", "alerts/tests/*.yml", "alerts/tests/vmalert/*.yml",
		"alerts/*.sloth.yml", "alerts/*.openslo.yml", "alerts/sloth-windows/*.yml", "alerts/templates/*", "dashboards/*.json", "mixin.libsonnet", "jsonnetfile.json",
	} {
		m, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), pattern))
		if err != nil || len(m) == 0 {
			t.Fatalf("%s: nothing (%v)", pattern, err)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(testenv.RepoRoot(), p)
			out = append(out, filepath.ToSlash(rel))
		}
	}
	return out
}

// archiveContents: every file of an archive, relative to its directory.
func archiveContents(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := append([]string{"ipsec_trap_exporter", "README.md", "LICENSE", "THIRD_PARTY_LICENSES", "CHANGELOG.md",
		"examples/ipsec_trap_exporter.yml", "examples/systemd/ipsec_trap_exporter.service",
		"examples/systemd/ipsec_trap_exporter.sysusers"}, shipped(t)...)
	for _, d := range docs {
		files = append(files, "docs/"+filepath.Base(d))
	}
	slices.Sort(files)
	return files
}

// Each archive holds exactly the binary and the repository's files, the
// latter byte for byte, owned by root and not writable by others; the
// binary is static and for its platform.
func TestReleaseArchives(t *testing.T) {
	testenv.Need(t)
	r := fullRelease(t)
	want := archiveContents(t)
	for _, platform := range r.platforms {
		t.Run(platform, func(t *testing.T) {
			dir := archiveDir(r.version, platform) + "/"
			files := readArchive(t, r.archive(platform))
			var got []string
			for name, f := range files {
				rel, ok := strings.CutPrefix(name, dir)
				if !ok {
					t.Errorf("%s is outside %s", name, dir)
				}
				got = append(got, rel)
				wantMode := int64(0o644)
				if rel == "ipsec_trap_exporter" {
					wantMode = 0o755
				}
				if f.mode != wantMode || f.uid != 0 || f.gid != 0 {
					t.Errorf("%s: mode %o uid %d gid %d, want %o root", rel, f.mode, f.uid, f.gid, wantMode)
				}
				if rel == "ipsec_trap_exporter" {
					checkStaticBinary(t, f.data, platform)
					continue
				}
				repo, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), rel))
				if err != nil {
					t.Errorf("%s is not a file of the repository: %v", rel, err)
				} else if !bytes.Equal(repo, f.data) {
					t.Errorf("%s differs from the repository's", rel)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("archive holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

var elfMachine = map[string]elf.Machine{"linux/amd64": elf.EM_X86_64, "linux/arm64": elf.EM_AARCH64}

// checkStaticBinary: an ELF executable for platform without a dynamic
// loader or shared libraries, so that it runs FROM scratch.
func checkStaticBinary(t *testing.T, b []byte, platform string) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("binary: %v", err)
	}
	defer f.Close()
	if f.Machine != elfMachine[platform] || f.Type != elf.ET_EXEC {
		t.Errorf("binary is %v %v, want an executable for %s", f.Machine, f.Type, platform)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("binary has a dynamic loader: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("binary links %v: not static", libs)
	}
}

// sha256sums.txt names every file of the release once, with its hash.
func TestReleaseChecksums(t *testing.T) {
	testenv.Need(t)
	r := fullRelease(t)
	b, err := os.ReadFile(r.path("sha256sums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("not a sha256sum line: %q", line)
		}
		if _, dup := listed[name]; dup {
			t.Errorf("%s listed twice", name)
		}
		listed[name] = sum
	}
	var want []string
	for _, p := range r.platforms {
		want = append(want, filepath.Base(r.archive(p)), filepath.Base(r.sbom(p)), filepath.Base(r.deb(p)), filepath.Base(r.rpm(p)))
	}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != "sha256sums.txt" {
			files = append(files, e.Name())
		}
	}
	slices.Sort(want)
	if !slices.Equal(files, want) {
		t.Errorf("release files %v, want %v", files, want)
	}
	for _, name := range files {
		data, err := os.ReadFile(r.path(name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if listed[name] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: sha256sums.txt says %q, the file is %x", name, listed[name], sum)
		}
	}
}

// The release build stamps what a user needs to tell two builds apart:
// --version and ipsec_trap_exporter_build_info name the version (the tag
// without its v, as Prometheus projects do), the commit ("-modified" when
// built from a changed tree), and the commit's time as the build date.
func TestReleaseVersionStamp(t *testing.T) {
	testenv.Need(t)
	r := fullRelease(t)
	bin := r.binary(t, hostPlatform(t))
	revision, branch, date := r.tree.revision, r.tree.branch, r.tree.date
	out, err := testenv.Run(time.Minute, bin, "--version")
	if err != nil {
		t.Fatalf("--version: %v\n%s", err, out)
	}
	for _, want := range []string{
		fmt.Sprintf("ipsec_trap_exporter, version %s (branch: %s, revision: %s)", r.version, branch, revision),
		"build user:       release",
		"build date:       " + date,
		"platform:         " + runtime.GOOS + "/" + runtime.GOARCH,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--version lacks %q:\n%s", want, out)
		}
	}

	// The Go toolchain's record agrees: trimmed paths, no cgo.
	info, err := testenv.Run(time.Minute, "go", "version", "-m", bin)
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, info)
	}
	for _, want := range []string{"build\t-trimpath=true", "build\tCGO_ENABLED=0"} {
		if !strings.Contains(info, want) {
			t.Errorf("go version -m lacks %q:\n%s", want, info)
		}
	}

	// The same on /metrics.
	web := testenv.FreeTCPPort(t)
	p := testenv.Start(t, bin, fmt.Sprintf("--web.listen-address=127.0.0.1:%d", web),
		fmt.Sprintf("--trap.listen-address=127.0.0.1:%d", testenv.FreeUDPPort(t)), "--storage.path="+t.TempDir())
	e := &testenv.Exporter{Process: p, WebURL: fmt.Sprintf("http://127.0.0.1:%d", web)}
	testenv.WaitReady(t, p, e.WebURL+"/-/ready", nil, testenv.ExporterReady)
	labels := map[string]string{"version": r.version, "revision": revision, "branch": branch}
	if v, ok := testenv.Value(e.Scrape(t), "ipsec_trap_exporter_build_info", labels); !ok || v != 1 {
		t.Errorf("ipsec_trap_exporter_build_info%v = %v (found %v), want 1", labels, v, ok)
	}
}

// Two runs on the same commit make the same files, byte for byte.
func TestReleaseIsReproducible(t *testing.T) {
	testenv.Need(t)
	r := fullRelease(t)
	host := hostPlatform(t)
	r2 := again.get(t, testTag, testVersion, []string{host})
	if r.tree != r2.tree {
		t.Fatalf("the work tree changed between the two runs (%s, then %s): run the test again", r.tree.fingerprint, r2.tree.fingerprint)
	}
	for _, name := range []string{r.archive(host), r.sbom(host), r.deb(host), r.rpm(host)} {
		a, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(r2.dir, filepath.Base(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs", filepath.Base(name))
		}
	}
}
