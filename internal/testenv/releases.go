package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// PrometheusRelease is one Prometheus release the rules, the alerts and the
// exposition are tested against: its promtool and its server.
type PrometheusRelease struct {
	Version    string // as its promtool --version says, e.g. 2.42.0+ds
	Promtool   string // path
	Prometheus string // path
}

// Major is the major version: "2", "3".
func (r PrometheusRelease) Major() string {
	major, _, _ := strings.Cut(r.Version, ".")
	return major
}

// The supported releases: Debian's Prometheus 2.x on PATH (the package
// scripts/test.sh installs), and 3.x built from the Go module by
// scripts/prometheus3.sh. PROMTOOL3 and PROMETHEUS3 point at another 3.x
// build; without them the tests look where the script caches its build.
var releases = []struct {
	major     string
	locate    func() (promtool, prometheus string, err error)
	howToHave string
}{
	{"2", locatePath, "install Debian's prometheus package (scripts/test.sh does)"},
	{"3", locateBuilt, "build it with scripts/prometheus3.sh (scripts/test.sh does), or set PROMTOOL3 and PROMETHEUS3"},
}

func locatePath() (string, string, error) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		return "", "", err
	}
	prometheus, err := exec.LookPath(PrometheusBin)
	return promtool, prometheus, err
}

func locateBuilt() (string, string, error) {
	promtool, prometheus := os.Getenv("PROMTOOL3"), os.Getenv("PROMETHEUS3")
	if promtool == "" || prometheus == "" {
		out, err := exec.Command("bash", filepath.Join(RepoRoot(), "scripts", "prometheus3.sh"), "--dir").Output()
		if err != nil {
			return "", "", err
		}
		dir := strings.TrimSpace(string(out))
		promtool, prometheus = filepath.Join(dir, "promtool"), filepath.Join(dir, "prometheus")
	}
	for _, p := range []string{promtool, prometheus} {
		if _, err := exec.LookPath(p); err != nil {
			return "", "", err
		}
	}
	return promtool, prometheus, nil
}

type located struct {
	release PrometheusRelease
	problem string // why the release is not there
}

var (
	locateOnce sync.Once
	found      []located
)

func locateReleases() []located {
	locateOnce.Do(func() {
		for _, r := range releases {
			promtool, prometheus, err := r.locate()
			if err != nil {
				found = append(found, located{release: PrometheusRelease{Version: r.major}, problem: err.Error() + ": " + r.howToHave})
				continue
			}
			version, err := promtoolVersion(promtool)
			if err != nil {
				found = append(found, located{release: PrometheusRelease{Version: r.major}, problem: err.Error()})
				continue
			}
			rel := PrometheusRelease{Version: version, Promtool: promtool, Prometheus: prometheus}
			if rel.Major() != r.major {
				found = append(found, located{release: PrometheusRelease{Version: r.major},
					problem: promtool + " is Prometheus " + version + ", want " + r.major + ".x: " + r.howToHave})
				continue
			}
			found = append(found, located{release: rel})
		}
	})
	return found
}

// promtoolVersion reads the version from "promtool, version 2.42.0+ds (branch: …".
func promtoolVersion(promtool string) (string, error) {
	out, err := Run(30*time.Second, promtool, "--version")
	if err != nil {
		return "", err
	}
	fields := strings.Fields(out)
	if len(fields) < 3 || fields[1] != "version" || fields[2] == "" {
		return "", fmt.Errorf("%s --version: no version in %q", promtool, out)
	}
	return fields[2], nil
}

// ForEachPrometheus runs f as one subtest per supported Prometheus release,
// named prometheus-VERSION. A release that is not installed fails its
// subtest under CI and skips it elsewhere (see Missing); under -short the
// whole test skips.
func ForEachPrometheus(t *testing.T, f func(t *testing.T, r PrometheusRelease)) {
	t.Helper()
	skipShort(t)
	for _, l := range locateReleases() {
		t.Run("prometheus-"+l.release.Version, func(t *testing.T) {
			if l.problem != "" {
				Missing(t, "Prometheus %s.x: %s", l.release.Version, l.problem)
			}
			f(t, l.release)
		})
	}
}
