package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Sloth returns the path of the sloth binary (github.com/slok/sloth), the
// SLO rule generator the Sloth spec of alerts/ is validated with: $SLOTH,
// or where scripts/sloth.sh caches its build. Missing, it fails the test
// under CI and skips it elsewhere; under -short the test skips.
func Sloth(t testing.TB) string {
	t.Helper()
	skipShort(t)
	path := os.Getenv("SLOTH")
	if path == "" {
		out, err := exec.Command("bash", filepath.Join(RepoRoot(), "scripts", "sloth.sh"), "--path").Output()
		if err != nil {
			Missing(t, "scripts/sloth.sh --path: %v", err)
		}
		path = strings.TrimSpace(string(out))
	}
	if _, err := exec.LookPath(path); err != nil {
		Missing(t, "sloth not found at %s: build it with scripts/sloth.sh (scripts/test.sh does), or set SLOTH", path)
	}
	return path
}
