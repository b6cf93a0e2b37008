package packaging

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

const (
	debName     = "ipsec-trap-exporter"
	serviceUser = "ipsec_trap_exporter"
	confDir     = "/etc/ipsec_trap_exporter"
	confFile    = confDir + "/ipsec_trap_exporter.yml"
	stateDir    = "/var/lib/ipsec_trap_exporter"
	shareDir    = "/usr/share/ipsec_trap_exporter"
	docDir      = "/usr/share/doc/" + debName
	unitPath    = "/usr/lib/systemd/system/ipsec_trap_exporter.service"
)

// debFiles: every regular file of the .deb.
func debFiles(t *testing.T) []string {
	t.Helper()
	files := []string{
		confFile,
		"/usr/bin/ipsec_trap_exporter",
		unitPath,
		"/usr/lib/sysusers.d/ipsec_trap_exporter.conf",
		"/usr/share/man/man1/ipsec_trap_exporter.1.gz",
		"/usr/share/lintian/overrides/" + debName,
		docDir + "/copyright", docDir + "/changelog.Debian.gz", docDir + "/changelog.gz",
		docDir + "/README.md.gz", docDir + "/THIRD_PARTY_LICENSES.gz",
	}
	for _, f := range shipped(t) {
		files = append(files, shareDir+"/"+f)
	}
	slices.Sort(files)
	return files
}

// debListing is `dpkg-deb -c`: path -> "mode owner".
func debListing(t *testing.T, deb string) map[string]string {
	t.Helper()
	out, err := testenv.Run(time.Minute, "dpkg-deb", "-c", deb)
	if err != nil {
		t.Fatalf("dpkg-deb -c: %v\n%s", err, out)
	}
	listing := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("dpkg-deb -c: %q", line)
		}
		listing[strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/")] = f[0] + " " + f[1]
	}
	return listing
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

func repoFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// packagedUnit is the example unit with the packages' binary path.
func packagedUnit(t *testing.T) []byte {
	return bytes.ReplaceAll(repoFile(t, "examples/systemd/ipsec_trap_exporter.service"),
		[]byte("/usr/local/bin/ipsec_trap_exporter"), []byte("/usr/bin/ipsec_trap_exporter"))
}

// The .deb of each platform holds exactly the files it should, with the
// release's binary and the repository's files; the config is a conffile
// for root and the service's group only; lintian finds no error and no
// warning beyond the overrides, each of which says why it is there.
func TestDebPackages(t *testing.T) {
	testenv.Need(t, "dpkg-deb", "lintian")
	r := fullRelease(t)
	want := debFiles(t)
	for _, platform := range r.platforms {
		t.Run(platform, func(t *testing.T) {
			deb := r.deb(platform)
			listing := debListing(t, deb)
			var got []string
			for path, mode := range listing {
				if mode[0] == '-' {
					got = append(got, path)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf(".deb holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for path, mode := range map[string]string{
				confDir: "drwxr-x--- root/root", confFile: "-rw-r----- root/root",
				"/usr/bin/ipsec_trap_exporter": "-rwxr-xr-x root/root", unitPath: "-rw-r--r-- root/root",
			} {
				if listing[path] != mode {
					t.Errorf("%s: %q, want %q (postinst gives the config the service's group)", path, listing[path], mode)
				}
			}

			fields, err := testenv.Run(time.Minute, "dpkg-deb", "-f", deb, "Package", "Version", "Architecture", "Depends")
			if err != nil {
				t.Fatal(err)
			}
			wantFields := "Package: " + debName + "\nVersion: " + r.version + "-1\nArchitecture: " + debArch(platform) + "\n"
			if fields != wantFields {
				t.Errorf("control fields:\n%s\nwant\n%s", fields, wantFields)
			}

			root := t.TempDir()
			if out, err := testenv.Run(time.Minute, "dpkg-deb", "-x", deb, root); err != nil {
				t.Fatalf("dpkg-deb -x: %v\n%s", err, out)
			}
			control := t.TempDir()
			if out, err := testenv.Run(time.Minute, "dpkg-deb", "-e", deb, control); err != nil {
				t.Fatalf("dpkg-deb -e: %v\n%s", err, out)
			}
			checkDebFiles(t, r, platform, root, control)
			lintian(t, deb)
		})
	}
}

func checkDebFiles(t *testing.T, r *release, platform, root, control string) {
	t.Helper()
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	archive := readArchive(t, r.archive(platform))[archiveDir(r.version, platform)+"/ipsec_trap_exporter"].data
	same := map[string][]byte{
		"/usr/bin/ipsec_trap_exporter": archive,
		unitPath:                       packagedUnit(t),
		"/usr/lib/sysusers.d/ipsec_trap_exporter.conf": repoFile(t, "examples/systemd/ipsec_trap_exporter.sysusers"),
		confFile:              repoFile(t, "examples/ipsec_trap_exporter.yml"),
		docDir + "/copyright": repoFile(t, "packaging/deb/copyright"),
		"/usr/share/lintian/overrides/" + debName: repoFile(t, "packaging/deb/lintian-overrides"),
	}
	for _, f := range shipped(t) {
		same[shareDir+"/"+f] = repoFile(t, f)
	}
	for path, want := range same {
		if !bytes.Equal(read(path), want) {
			t.Errorf("%s is not what it should be (the release binary, or the repository's file)", path)
		}
	}
	for path, src := range map[string]string{
		docDir + "/THIRD_PARTY_LICENSES.gz": "THIRD_PARTY_LICENSES", docDir + "/changelog.gz": "CHANGELOG.md", docDir + "/README.md.gz": "README.md",
	} {
		if !bytes.Equal(gunzip(t, filepath.Join(root, path)), repoFile(t, src)) {
			t.Errorf("%s is not %s", path, src)
		}
	}
	if cl := string(gunzip(t, filepath.Join(root, docDir, "changelog.Debian.gz"))); !strings.HasPrefix(cl, debName+" ("+strings.Replace(r.version, "-", "~", 1)+"-1) ") {
		t.Errorf("changelog.Debian does not start with this version:\n%s", cl)
	}
	if man := string(gunzip(t, filepath.Join(root, "/usr/share/man/man1/ipsec_trap_exporter.1.gz"))); !strings.Contains(man, "--config.file") ||
		!strings.Contains(man, `ipsec_trap_exporter \- `) {
		t.Errorf("the man page lacks the flags or a whatis line:\n%.500s", man)
	}
	conffiles, err := os.ReadFile(filepath.Join(control, "conffiles"))
	if err != nil || strings.TrimSpace(string(conffiles)) != confFile {
		t.Errorf("conffiles %q (%v), want %s alone", conffiles, err, confFile)
	}
}

// lintian passes the .deb: no error, no warning (the overrides installed
// with the package say why each is overridden).
func lintian(t *testing.T, deb string) {
	t.Helper()
	out, err := testenv.Run(10*time.Minute, "lintian", "--fail-on", "error,warning", "--display-info", deb)
	if bad := regexp.MustCompile(`(?m)^[EW]: .*`).FindAllString(out, -1); err != nil || len(bad) > 0 {
		t.Errorf("lintian %s: %v\n%s", filepath.Base(deb), err, out)
	}
	t.Logf("lintian %s: %s", filepath.Base(deb), strings.TrimSpace(out))
}
