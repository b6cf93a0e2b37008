package testenv

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Nobody is the user and group an unprivileged command runs as when the
// tests run as root.
const Nobody = "65534"

// Unprivileged returns the command line that runs name with args as a user
// without privileges: as root (CI), through setpriv as nobody, without
// supplementary groups or capabilities; otherwise as the user running the
// tests. What root may do regardless of permissions (write a directory
// mode 0500, bind a port below 1024) is then tested as a user meets it.
// name must be reachable by nobody: see Reachable.
func Unprivileged(t testing.TB, name string, args ...string) (string, []string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return name, args
	}
	Need(t, "setpriv")
	return "setpriv", append([]string{"--reuid=" + Nobody, "--regid=" + Nobody, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", name}, args...)
}

// Reachable copies the executable at path into a fresh directory every
// user may enter and returns the copy: build directories and test binaries
// are private to the user who made them.
func Reachable(t testing.TB, path string) string {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	dst := filepath.Join(ReachableDir(t), filepath.Base(path))
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// ReachableDir is a fresh directory every user may enter and read (mode
// 0755, its parent /tmp), removed when the test ends; t.TempDir's are
// private to the user running the tests.
func ReachableDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "reachable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = os.Chmod(dir, 0o755)
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
