package packaging

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

const rpmDocDir, rpmLicenceDir = "/usr/share/doc/" + debName, "/usr/share/licenses/" + debName

// rpmFile is one file of an .rpm as rpm reads it from the header.
type rpmFile struct {
	mode, user, group, flags, digest string
}

func rpmFiles(t *testing.T, rpm string) map[string]rpmFile {
	t.Helper()
	out, err := testenv.Run(time.Minute, "rpm", "-qp", "--qf",
		`[%{FILEMODES:perms}\t%{FILEUSERNAME}\t%{FILEGROUPNAME}\t%{FILEFLAGS:fflags}\t%{FILEDIGESTS}\t%{FILENAMES}\n]`, rpm)
	if err != nil {
		t.Fatalf("rpm -qp: %v\n%s", err, out)
	}
	files := map[string]rpmFile{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Fatalf("rpm -qp: %q", line)
		}
		files[f[5]] = rpmFile{f[0], f[1], f[2], f[3], f[4]}
	}
	return files
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// The .rpm of each platform, read with Debian's rpm: `rpm -qlp` lists the
// binary, the unit, the sysusers file, the config, the state directory,
// rules, dashboards and the mixin, the man page, the documentation and the
// licences, and nothing else; each file is the release's binary or the
// repository's file (by the SHA-256 in the header); the config is
// %config(noreplace), readable by root and the group only; the scriptlets
// create the user and drive systemd. Not installed: rpm on Debian has no
// database of the system's packages to install into.
func TestRpmPackages(t *testing.T) {
	testenv.Need(t, "rpm")
	r := fullRelease(t)
	for _, platform := range r.platforms {
		t.Run(platform, func(t *testing.T) {
			rpm := r.rpm(platform)
			want := map[string]string{ // path -> sha256 of its content
				"/usr/bin/ipsec_trap_exporter": sha256Hex(readArchive(t, r.archive(platform))[archiveDir(r.version, platform)+"/ipsec_trap_exporter"].data),
				unitPath:                       sha256Hex(packagedUnit(t)),
				"/usr/lib/sysusers.d/ipsec_trap_exporter.conf": sha256Hex(repoFile(t, "examples/systemd/ipsec_trap_exporter.sysusers")),
				confFile:                                       sha256Hex(repoFile(t, "examples/ipsec_trap_exporter.yml")),
				rpmDocDir + "/README.md":                       sha256Hex(repoFile(t, "README.md")),
				rpmDocDir + "/CHANGELOG.md":                    sha256Hex(repoFile(t, "CHANGELOG.md")),
				rpmLicenceDir + "/LICENSE":                     sha256Hex(repoFile(t, "LICENSE")),
				rpmLicenceDir + "/THIRD_PARTY_LICENSES":        sha256Hex(repoFile(t, "THIRD_PARTY_LICENSES")),
				"/usr/share/man/man1/ipsec_trap_exporter.1.gz": "",
			}
			for _, f := range shipped(t) {
				want[shareDir+"/"+f] = sha256Hex(repoFile(t, f))
			}

			listed, err := testenv.Run(time.Minute, "rpm", "-qlp", rpm)
			if err != nil {
				t.Fatalf("rpm -qlp: %v\n%s", err, listed)
			}
			files := rpmFiles(t, rpm)
			var regular []string
			for _, path := range strings.Split(strings.TrimSpace(listed), "\n") {
				f, ok := files[path]
				switch {
				case !ok:
					t.Errorf("rpm -qlp lists %s, the header does not", path)
				case f.mode[0] == '-':
					regular = append(regular, path)
					if sum, ok := want[path]; ok && sum != "" && f.digest != sum {
						t.Errorf("%s is not the release's binary or the repository's file", path)
					}
				}
			}
			var wantPaths []string
			for p := range want {
				wantPaths = append(wantPaths, p)
			}
			slices.Sort(regular)
			slices.Sort(wantPaths)
			if !slices.Equal(regular, wantPaths) {
				t.Errorf("rpm -qlp lists\n%s\nwant\n%s", strings.Join(regular, "\n"), strings.Join(wantPaths, "\n"))
			}

			for path, want := range map[string]rpmFile{
				confDir:                        {mode: "drwxr-x---", user: "root", group: "root"},
				confFile:                       {mode: "-rw-r-----", user: "root", group: "root", flags: "cn"},
				stateDir:                       {mode: "drwx------", user: "root", group: "root"},
				"/usr/bin/ipsec_trap_exporter": {mode: "-rwxr-xr-x", user: "root", group: "root"},
				rpmLicenceDir + "/LICENSE":     {mode: "-rw-r--r--", user: "root", group: "root", flags: "l"},
			} {
				got := files[path]
				got.digest = ""
				if got != want {
					t.Errorf("%s: %+v, want %+v", path, got, want)
				}
			}

			info, err := testenv.Run(time.Minute, "rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE}", rpm)
			if want := debName + " " + strings.Replace(r.version, "-", "~", 1) + " 1 " + rpmArch(platform) + " Apache-2.0"; err != nil || info != want {
				t.Errorf("rpm header %q (%v), want %q", info, err, want)
			}
			scripts, err := testenv.Run(time.Minute, "rpm", "-qp", "--scripts", rpm)
			for _, want := range []string{"postinstall scriptlet", "systemd-sysusers /usr/lib/sysusers.d/ipsec_trap_exporter.conf",
				"chgrp \"$user\" /etc/ipsec_trap_exporter", "preuninstall scriptlet", "disable --now", "postuninstall scriptlet", "try-restart"} {
				if err != nil || !strings.Contains(scripts, want) {
					t.Errorf("the scriptlets lack %q (%v):\n%s", want, err, scripts)
				}
			}
		})
	}
}
