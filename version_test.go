package main

import (
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/prometheus/common/version"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

func TestApplyBuildInfo(t *testing.T) {
	settings := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-11-03T02:17:00Z"}}
	tests := []struct {
		name                  string
		ldVersion, ldDate     string // what -ldflags set
		module                string
		wantVersion, wantDate string
	}{
		{"go install of a tag", "", "", "v1.4.0", "v1.4.0", "2026-11-03T02:17:00Z"},
		{"go build in a clone", "", "", "v0.0.0-20261103021700-0123abcd0123+dirty", "v0.0.0-20261103021700-0123abcd0123+dirty", "2026-11-03T02:17:00Z"},
		{"make build: ldflags win", "1.4.0", "20261103-02:20:00", "v1.4.0", "1.4.0", "20261103-02:20:00"},
	}
	oldVersion, oldDate := version.Version, version.BuildDate
	t.Cleanup(func() { version.Version, version.BuildDate = oldVersion, oldDate })
	for _, tt := range tests {
		version.Version, version.BuildDate = tt.ldVersion, tt.ldDate
		applyBuildInfo(&debug.BuildInfo{Main: debug.Module{Version: tt.module}, Settings: settings})
		if version.Version != tt.wantVersion || version.BuildDate != tt.wantDate {
			t.Errorf("%s: version %q date %q, want %q %q", tt.name, version.Version, version.BuildDate, tt.wantVersion, tt.wantDate)
		}
	}
}

// TestVersionOfPlainGoBuild builds the exporter the way `go build` does by
// default (VCS stamping on, no -ldflags) and checks that --version names the
// commit it was built from.
func TestVersionOfPlainGoBuild(t *testing.T) {
	testenv.Need(t, "git")
	root := testenv.RepoRoot()
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		testenv.Missing(t, "not a git work tree: %v", err)
	}
	rev := strings.TrimSpace(string(head))
	bin := filepath.Join(t.TempDir(), "ipsec_trap_exporter")
	// -buildvcs=true overrides a GOFLAGS=-buildvcs=false in the environment.
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("--version: %v\n%s", err, out)
	}
	first := strings.SplitN(string(out), "\n", 2)[0]
	if !strings.Contains(first, "revision: "+rev) {
		t.Errorf("--version does not name revision %s:\n%s", rev, out)
	}
	// The module version is a tag or a pseudo-version that ends in the
	// commit's first 12 hex digits; never empty or "(devel)".
	if !strings.Contains(first, rev[:12]) && !strings.Contains(first, "version v") {
		t.Errorf("--version has no module version:\n%s", out)
	}
	if strings.Contains(first, "(devel)") || strings.Contains(first, "version  (") {
		t.Errorf("--version has no real version:\n%s", out)
	}
	if !strings.Contains(string(out), "build date:       20") {
		t.Errorf("--version has no commit time as build date:\n%s", out)
	}
}
