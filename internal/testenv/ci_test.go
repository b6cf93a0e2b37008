package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// CI runs .ci/run; it must set CI=true itself, or a runner that does not
// would see every end-to-end test whose tool is missing skip and pass. The
// script runs here with CI unset, in a copy of its layout whose
// scripts/test.sh only reports what it was given.
func TestCIRunSetsCI(t *testing.T) {
	Need(t, "bash")
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(RepoRoot(), ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		".ci/run":         string(b),
		"scripts/test.sh": "#!/usr/bin/env bash\necho \"CI=${CI-unset}\"\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("CI", "")
	os.Unsetenv("CI")
	out, err := Run(time.Minute, filepath.Join(dir, ".ci", "run"))
	if err != nil {
		t.Fatalf(".ci/run: %v\n%s", err, out)
	}
	if strings.TrimSpace(out) != "CI=true" {
		t.Errorf(".ci/run ran scripts/test.sh with %q, want CI=true", strings.TrimSpace(out))
	}
}
