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

// VictoriaMetricsRelease is the VictoriaMetrics build the rules and the
// alerts are also tested on: the single-node server (which scrapes and
// stores), vmalert (which evaluates the rule files against it and sends
// alerts) and vmalert-tool (which runs the rule unit tests).
type VictoriaMetricsRelease struct {
	Version     string // as victoria-metrics --version says, e.g. v1.151.0
	Single      string // path of victoria-metrics
	VMAlert     string // path of vmalert
	VMAlertTool string // path of vmalert-tool
}

// VictoriaMetricsReady is what /health of the single node and of vmalert
// says once they are ready (see WaitReady).
const VictoriaMetricsReady = "OK"

var (
	vmOnce    sync.Once
	vmFound   VictoriaMetricsRelease
	vmProblem string
)

// VictoriaMetrics returns the VictoriaMetrics build: the directory
// $VICTORIAMETRICS_DIR, or where scripts/victoriametrics.sh caches its
// build. Missing, it fails the test under CI and skips it elsewhere; under
// -short the test skips.
func VictoriaMetrics(t testing.TB) VictoriaMetricsRelease {
	t.Helper()
	skipShort(t)
	vmOnce.Do(func() { vmFound, vmProblem = locateVictoriaMetrics() })
	if vmProblem != "" {
		Missing(t, "VictoriaMetrics: %s: build it with scripts/victoriametrics.sh (scripts/test.sh does), or set VICTORIAMETRICS_DIR", vmProblem)
	}
	return vmFound
}

func locateVictoriaMetrics() (VictoriaMetricsRelease, string) {
	dir := os.Getenv("VICTORIAMETRICS_DIR")
	if dir == "" {
		out, err := exec.Command("bash", filepath.Join(RepoRoot(), "scripts", "victoriametrics.sh"), "--dir").Output()
		if err != nil {
			return VictoriaMetricsRelease{}, fmt.Sprintf("scripts/victoriametrics.sh --dir: %v", err)
		}
		dir = strings.TrimSpace(string(out))
	}
	r := VictoriaMetricsRelease{
		Single:      filepath.Join(dir, "victoria-metrics"),
		VMAlert:     filepath.Join(dir, "vmalert"),
		VMAlertTool: filepath.Join(dir, "vmalert-tool"),
	}
	for _, p := range []string{r.Single, r.VMAlert, r.VMAlertTool} {
		if _, err := exec.LookPath(p); err != nil {
			return r, err.Error()
		}
	}
	out, err := Run(30*time.Second, r.Single, "--version")
	if err != nil {
		return r, fmt.Sprintf("%s --version: %v: %s", r.Single, err, out)
	}
	r.Version = strings.TrimSpace(out)
	return r, ""
}

// Name is victoriametrics-VERSION, the name of its subtests.
func (r VictoriaMetricsRelease) Name() string { return "victoriametrics-" + r.Version }

// Start starts a VictoriaMetrics single node that scrapes o.ScrapeTargets
// every second under job "ipsec_trap_exporter", and a vmalert that
// evaluates o.RuleFiles every second against it (queries, and remote read
// and write of its records and alert states) and, when o.AlertmanagerURL is
// not empty, sends alerts there. It returns once both are ready, as a
// Prometheus whose URL is the single node's: its query API is Prometheus',
// and it proxies /api/v1/rules and /api/v1/alerts to vmalert, so that a test
// asks it what it would ask Prometheus.
func (r VictoriaMetricsRelease) Start(t testing.TB, o PrometheusOptions) *Prometheus {
	t.Helper()
	skipShort(t)
	if len(o.ScrapeProtocols) > 0 || len(o.Features) > 0 || len(o.Args) > 0 || o.ScrapeSelf {
		t.Fatalf("VictoriaMetrics has no scrape_protocols, Prometheus flags or Prometheus self-metrics (asked for %v, %v, %v, scrape self %v)", o.ScrapeProtocols, o.Features, o.Args, o.ScrapeSelf)
	}
	dir := t.TempDir()
	configFile := filepath.Join(dir, "scrape.yml")
	// The single node reads only the global scrape settings and
	// scrape_configs; it refuses the rest of a prometheus.yml.
	cfg := "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n" + scrapeConfigs(o)
	if err := os.WriteFile(configFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	vmPort, alertPort := FreeTCPPort(t), FreeTCPPort(t)
	p := &Prometheus{
		URL:        fmt.Sprintf("http://127.0.0.1:%d", vmPort),
		ConfigFile: configFile,
	}
	p.Process = Start(t, r.Single,
		"-storageDataPath="+filepath.Join(dir, "data"),
		fmt.Sprintf("-httpListenAddr=127.0.0.1:%d", vmPort),
		"-promscrape.config="+configFile,
		fmt.Sprintf("-vmalert.proxyURL=http://127.0.0.1:%d", alertPort),
		// By default a query does not see the last 30 seconds, which may
		// still be incomplete in a cluster; here every sample comes from
		// one scraper and one vmalert, and the tests wait for states
		// seconds old. vmalert's -rule.evalDelay below matches it, as its
		// documentation asks.
		"-search.latencyOffset=0s",
		// Results are cached per query; the tests ask the same query
		// again and again while its answer changes.
		"-search.disableCache",
		"-loggerLevel=WARN",
	)
	WaitReady(t, p.Process, p.URL+"/health", nil, VictoriaMetricsReady)

	args := []string{
		fmt.Sprintf("-httpListenAddr=127.0.0.1:%d", alertPort),
		"-datasource.url=" + p.URL,
		"-remoteWrite.url=" + p.URL,
		"-remoteRead.url=" + p.URL,
		"-remoteWrite.flushInterval=500ms",
		"-evaluationInterval=1s",
		"-rule.evalDelay=0s",
		"-loggerLevel=WARN",
	}
	// At the one-second pace, as on Prometheus: a group's own interval
	// would also delay its first evaluation by a random part of it.
	for _, f := range o.RuleFiles {
		args = append(args, "-rule="+atTestPace(t, f))
	}
	if o.ResendDelay > 0 {
		// As on Prometheus, an alert sent is valid in Alertmanager for 4
		// times the longer of this and the evaluation interval.
		args = append(args, "-rule.resendDelay="+o.ResendDelay.String())
	}
	if o.AlertmanagerURL != "" {
		args = append(args, "-notifier.url="+o.AlertmanagerURL)
	} else {
		args = append(args, "-notifier.blackhole")
	}
	vmalert := Start(t, r.VMAlert, args...)
	WaitReady(t, vmalert, fmt.Sprintf("http://127.0.0.1:%d/health", alertPort), nil, VictoriaMetricsReady)
	p.companions = append(p.companions, vmalert)
	return p
}

// A RuleEngine scrapes exporters, evaluates rule files and sends alerts to
// an Alertmanager: a Prometheus release, or VictoriaMetrics' single node
// with vmalert. The end-to-end tests of the alerts run on each.
type RuleEngine interface {
	// Name names the engine and its version, for subtests and logs.
	Name() string
	// Start starts the engine with o and returns once it is ready.
	Start(t testing.TB, o PrometheusOptions) *Prometheus
}

// ForEachRuleEngine runs f as one subtest per rule engine: each supported
// Prometheus release (see ForEachPrometheus), then VictoriaMetrics. An
// engine that is not installed fails its subtest under CI and skips it
// elsewhere; under -short the whole test skips.
func ForEachRuleEngine(t *testing.T, f func(t *testing.T, e RuleEngine)) {
	t.Helper()
	ForEachPrometheus(t, func(t *testing.T, p PrometheusRelease) { f(t, p) })
	t.Run("victoriametrics", func(t *testing.T) {
		f(t, VictoriaMetrics(t))
	})
}
