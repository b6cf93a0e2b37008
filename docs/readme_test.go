package docs

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeIsAnEntrance keeps the README what it is for: at most 300
// lines, with the commands that run the exporter and every test (what CI
// runs: .ci/run is scripts/test.sh) on its first screen; the reference is
// in docs/.
func TestReadmeIsAnEntrance(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 300 {
		t.Errorf("README.md has %d lines; at most 300: move reference text to docs/", len(lines))
	}
	first := strings.Join(lines[:min(len(lines), 25)], "\n")
	for _, cmd := range []string{"go run . --trap.listen-address=", "./scripts/test.sh"} {
		if !strings.Contains(first, cmd) {
			t.Errorf("the README's first screen lacks %q", cmd)
		}
	}
}
