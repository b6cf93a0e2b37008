package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

// Debian installs the servers under these names; the upstream tarball's
// "alertmanager" is "prometheus-alertmanager" there.
const (
	PrometheusBin   = "prometheus"
	AlertmanagerBin = "prometheus-alertmanager"
)

// Prometheus is a running Prometheus server.
type Prometheus struct {
	*Process
	URL        string // http://127.0.0.1:port
	ConfigFile string
	// companions are the processes the server needs besides its own: on
	// VictoriaMetrics, vmalert.
	companions []*Process
}

// stopped says which of the server's processes has exited, if one has,
// and what it wrote.
func (p *Prometheus) stopped() (string, bool) {
	for _, proc := range append([]*Process{p.Process}, p.companions...) {
		if proc.Exited() {
			return filepath.Base(proc.Cmd.Path) + " exited:\n" + proc.Output(), true
		}
	}
	return "", false
}

// StartPrometheus starts a Prometheus that scrapes scrapeTargets (host:port)
// every second under job "ipsec_trap_exporter", evaluates ruleFiles every
// second and, when alertmanagerURL is not empty, sends alerts there. It
// returns once the server is ready.
func StartPrometheus(t testing.TB, scrapeTargets []string, ruleFiles []string, alertmanagerURL string) *Prometheus {
	t.Helper()
	Need(t, PrometheusBin)
	return startPrometheus(t, PrometheusBin, PrometheusOptions{ScrapeTargets: scrapeTargets, RuleFiles: ruleFiles, AlertmanagerURL: alertmanagerURL})
}

// Name is prometheus-VERSION, the name of its subtests.
func (r PrometheusRelease) Name() string { return "prometheus-" + r.Version }

// StartPrometheus starts this release's server as the package function
// StartPrometheus does.
func (r PrometheusRelease) StartPrometheus(t testing.TB, scrapeTargets []string, ruleFiles []string, alertmanagerURL string) *Prometheus {
	t.Helper()
	return startPrometheus(t, r.Prometheus, PrometheusOptions{ScrapeTargets: scrapeTargets, RuleFiles: ruleFiles, AlertmanagerURL: alertmanagerURL})
}

// PrometheusOptions say what a started Prometheus scrapes, evaluates and
// alerts to, and the few settings some tests change beyond that.
type PrometheusOptions struct {
	ScrapeTargets   []string // host:port, scraped as job "ipsec_trap_exporter"
	RuleFiles       []string
	AlertmanagerURL string
	// ScrapeProtocols is the job's scrape_protocols, in order of
	// preference (PrometheusProto, OpenMetricsText1.0.0, ...); empty leaves
	// Prometheus' default.
	ScrapeProtocols []string
	// Features are --enable-feature values, such as
	// created-timestamp-zero-ingestion.
	Features []string
	// ResendDelay is --rules.alert.resend-delay; 0 is 1s. An alert Prometheus
	// sent is valid in Alertmanager for 4 times the longer of it and the
	// evaluation interval (1s): tests that must not see an alert resolve
	// and fire again while a loaded machine stalls Prometheus for a few
	// seconds set a longer one.
	ResendDelay time.Duration
	// ScrapeSelf adds a job "prometheus" that scrapes the server itself,
	// as production setups do (prometheus_tsdb_* metrics).
	ScrapeSelf bool
	// Args are further command-line flags, such as
	// --storage.tsdb.retention.time=15d.
	Args []string
	// ScrapeInterval is the global scrape and evaluation interval; 0 means
	// one second, which keeps most end-to-end tests short. A soak scrapes
	// as production does, every few seconds.
	ScrapeInterval time.Duration
}

// StartPrometheusWith starts Debian's Prometheus 2.x on PATH with o and
// returns once it is ready.
func StartPrometheusWith(t testing.TB, o PrometheusOptions) *Prometheus {
	t.Helper()
	Need(t, PrometheusBin)
	return startPrometheus(t, PrometheusBin, o)
}

// Start starts this release's server with o and returns once it is ready.
func (r PrometheusRelease) Start(t testing.TB, o PrometheusOptions) *Prometheus {
	t.Helper()
	return startPrometheus(t, r.Prometheus, o)
}

func startPrometheus(t testing.TB, bin string, o PrometheusOptions) *Prometheus {
	t.Helper()
	dir := t.TempDir()
	port := FreeTCPPort(t)
	configFile := filepath.Join(dir, "prometheus.yml")
	cfg := prometheusConfig(t, o)
	if o.ScrapeSelf {
		cfg += fmt.Sprintf("  - job_name: prometheus\n    static_configs:\n      - targets: [\"127.0.0.1:%d\"]\n", port)
	}
	if err := os.WriteFile(configFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Prometheus{
		URL:        fmt.Sprintf("http://127.0.0.1:%d", port),
		ConfigFile: configFile,
	}
	args := []string{
		"--config.file=" + configFile,
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		// Prometheus sends a firing alert again only after the resend
		// delay (1m by default). Its first send usually happens before
		// Alertmanager is discovered and is lost, so a short delay is what
		// lets an alert reach Alertmanager in seconds rather than a minute.
		"--rules.alert.resend-delay=" + model.Duration(max(o.ResendDelay, time.Second)).String(),
		"--log.level=warn",
	}
	for _, f := range o.Features {
		args = append(args, "--enable-feature="+f)
	}
	args = append(args, o.Args...)
	p.Process = Start(t, bin, args...)
	WaitReady(t, p.Process, p.URL+"/-/ready", nil, PrometheusReady)
	return p
}

// prometheusConfig is the prometheus.yml of o.
func prometheusConfig(t testing.TB, o PrometheusOptions) string {
	t.Helper()
	var cfg strings.Builder
	// One-second intervals keep end-to-end tests short; rules with for: or
	// range windows still need real time, which the tests account for.
	interval := "1s"
	if o.ScrapeInterval > 0 {
		interval = model.Duration(o.ScrapeInterval).String()
	}
	fmt.Fprintf(&cfg, "global:\n  scrape_interval: %s\n  scrape_timeout: %s\n  evaluation_interval: %s\n", interval, interval, interval)
	if len(o.RuleFiles) > 0 {
		cfg.WriteString("rule_files:\n")
		for _, f := range o.RuleFiles {
			fmt.Fprintf(&cfg, "  - %q\n", atTestPace(t, f))
		}
	}
	if o.AlertmanagerURL != "" {
		u, err := url.Parse(o.AlertmanagerURL)
		if err != nil {
			t.Fatalf("alertmanager URL %q: %v", o.AlertmanagerURL, err)
		}
		scheme := u.Scheme
		if scheme == "" {
			scheme = "http"
		}
		fmt.Fprintf(&cfg, "alerting:\n  alertmanagers:\n    - scheme: %s\n      api_version: v2\n", scheme)
		if p := strings.TrimSuffix(u.Path, "/"); p != "" {
			fmt.Fprintf(&cfg, "      path_prefix: %q\n", p)
		}
		fmt.Fprintf(&cfg, "      static_configs:\n        - targets: [%q]\n", u.Host)
	}
	cfg.WriteString(scrapeConfigs(o))
	return cfg.String()
}

// scrapeConfigs is the scrape_configs section of o: one job,
// ipsec_trap_exporter, scraping o.ScrapeTargets.
func scrapeConfigs(o PrometheusOptions) string {
	var cfg strings.Builder
	cfg.WriteString("scrape_configs:\n  - job_name: ipsec_trap_exporter\n")
	if len(o.ScrapeProtocols) > 0 {
		fmt.Fprintf(&cfg, "    scrape_protocols: [%s]\n", strings.Join(o.ScrapeProtocols, ", "))
	}
	cfg.WriteString("    static_configs:\n      - targets:")
	if len(o.ScrapeTargets) == 0 {
		// An empty targets list is valid YAML only as [], so say so.
		cfg.WriteString(" []")
	}
	cfg.WriteString("\n")
	for _, target := range o.ScrapeTargets {
		fmt.Fprintf(&cfg, "          - %q\n", target)
	}
	return cfg.String()
}

// apiResponse is the envelope of every Prometheus HTTP API answer.
type apiResponse struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
}

type queryData struct {
	ResultType model.ValueType `json:"resultType"`
	Result     json.RawMessage `json:"result"`
}

// Query runs an instant query and fails the test on an error or a warning:
// a warning means the answer may be partial, which a test must not trust.
func (p *Prometheus) Query(t testing.TB, promql string) model.Value {
	t.Helper()
	v, err := p.query(promql)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// QueryAt runs an instant query evaluated at a given time: two servers
// asked about the same moment answer about the same moment.
func (p *Prometheus) QueryAt(t testing.TB, promql string, at time.Time) model.Value {
	t.Helper()
	v, err := p.queryAt(promql, at)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (p *Prometheus) query(promql string) (model.Value, error) {
	return p.queryAt(promql, time.Time{})
}

// queryAt evaluates promql at the time at, or now if at is zero.
func (p *Prometheus) queryAt(promql string, at time.Time) (model.Value, error) {
	form := url.Values{"query": {promql}}
	if !at.IsZero() {
		form.Set("time", strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64))
	}
	resp, err := http.PostForm(p.URL+"/api/v1/query", form)
	if err != nil {
		return nil, fmt.Errorf("query %q: %v", promql, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("query %q: %v", promql, err)
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("query %q: HTTP %d, %v: %s", promql, resp.StatusCode, err, body)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query %q: %s: %s", promql, r.ErrorType, r.Error)
	}
	if len(r.Warnings) > 0 {
		return nil, fmt.Errorf("query %q: warnings: %s", promql, strings.Join(r.Warnings, "; "))
	}
	var d queryData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return nil, fmt.Errorf("query %q: data: %v", promql, err)
	}
	var v model.Value
	switch d.ResultType {
	case model.ValVector:
		var vec model.Vector
		err = json.Unmarshal(d.Result, &vec)
		v = vec
	case model.ValMatrix:
		var m model.Matrix
		err = json.Unmarshal(d.Result, &m)
		v = m
	case model.ValScalar:
		var s model.Scalar
		err = json.Unmarshal(d.Result, &s)
		v = &s
	case model.ValString:
		var s model.String
		err = json.Unmarshal(d.Result, &s)
		v = &s
	default:
		return nil, fmt.Errorf("query %q: unknown result type %q", promql, d.ResultType)
	}
	if err != nil {
		return nil, fmt.Errorf("query %q: result: %v", promql, err)
	}
	return v, nil
}

// WaitQuery polls promql until pred accepts the answer, and fails with the
// last answer after 60 seconds. Scrapes and rule evaluations happen on
// their own clock, so tests wait for the state rather than sleep.
func (p *Prometheus) WaitQuery(t testing.TB, promql string, pred func(model.Value) bool) model.Value {
	t.Helper()
	return p.WaitQueryWithin(t, 60*time.Second, promql, pred)
}

// WaitQueryWithin is WaitQuery with another deadline, for states that take
// longer than a minute to reach, such as an alert's for: of a minute.
func (p *Prometheus) WaitQueryWithin(t testing.TB, timeout time.Duration, promql string, pred func(model.Value) bool) model.Value {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last model.Value
	var lastErr error
	for time.Now().Before(deadline) {
		if out, ok := p.stopped(); ok {
			t.Fatal(out)
		}
		last, lastErr = p.query(promql)
		if lastErr == nil && pred(last) {
			return last
		}
		time.Sleep(250 * time.Millisecond)
	}
	if lastErr != nil {
		t.Fatalf("waiting for %q: %v", promql, lastErr)
	}
	t.Fatalf("waiting for %q: last answer after %v: %v", promql, timeout, last)
	return nil
}

// RuleAlert is an alert of an alerting rule as Prometheus' /api/v1/alerts
// shows it. ActiveAt is when it last became pending: an alert that
// resolved and came back has a new one.
type RuleAlert struct {
	Labels   map[string]string `json:"labels"`
	State    string            `json:"state"` // pending or firing
	ActiveAt time.Time         `json:"activeAt"`
	Value    string            `json:"value"`
}

// Alerts returns the pending and firing alerts of every rule.
func (p *Prometheus) Alerts(t testing.TB) []RuleAlert {
	t.Helper()
	resp, err := http.Get(p.URL + "/api/v1/alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" {
		t.Fatalf("GET /api/v1/alerts: HTTP %d, %v: %s", resp.StatusCode, err, body)
	}
	var d struct {
		Alerts []RuleAlert `json:"alerts"`
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatalf("GET /api/v1/alerts: %v: %s", err, body)
	}
	return d.Alerts
}

// WaitEvaluation waits until the rule group named group has been evaluated
// after since, so that what the test observed before since is reflected in
// the group's alerts.
func (p *Prometheus) WaitEvaluation(t testing.TB, group string, since time.Time) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last time.Time
	for time.Now().Before(deadline) {
		resp, err := http.Get(p.URL + "/api/v1/rules?type=alert")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var r apiResponse
		var d struct {
			Groups []struct {
				Name           string    `json:"name"`
				LastEvaluation time.Time `json:"lastEvaluation"`
			} `json:"groups"`
		}
		if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" {
			t.Fatalf("GET /api/v1/rules: HTTP %d, %v: %s", resp.StatusCode, err, body)
		}
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatalf("GET /api/v1/rules: %v: %s", err, body)
		}
		for _, g := range d.Groups {
			if g.Name == group {
				last = g.LastEvaluation
			}
		}
		if last.After(since) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("rule group %s not evaluated after %v within 60s (last evaluation %v)", group, since, last)
}

// Alertmanager is a running Alertmanager.
type Alertmanager struct {
	*Process
	URL string // http://127.0.0.1:port
}

// StartAlertmanager starts a single, unclustered Alertmanager with
// configFile and returns once it is ready.
func StartAlertmanager(t testing.TB, configFile string) *Alertmanager {
	t.Helper()
	Need(t, AlertmanagerBin)
	dir := t.TempDir()
	port := FreeTCPPort(t)
	am := &Alertmanager{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	am.Process = Start(t, AlertmanagerBin,
		"--config.file="+configFile,
		"--storage.path="+dir,
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		// Empty disables gossip, so parallel tests do not find each other
		// or fight over port 9094.
		"--cluster.listen-address=",
		"--log.level=warn",
	)
	WaitReady(t, am.Process, am.URL+"/-/ready", nil, AlertmanagerReady)
	return am
}

// Alert is one alert as Alertmanager's API v2 returns it.
type Alert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
	Receivers    []struct {
		Name string `json:"name"`
	} `json:"receivers"`
	Status struct {
		State       string   `json:"state"`
		SilencedBy  []string `json:"silencedBy"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

// Alerts returns every alert Alertmanager holds, including silenced and
// inhibited ones.
func (am *Alertmanager) Alerts(t testing.TB) []Alert {
	t.Helper()
	alerts, err := am.alerts()
	if err != nil {
		t.Fatal(err)
	}
	return alerts
}

func (am *Alertmanager) alerts() ([]Alert, error) {
	resp, err := http.Get(am.URL + "/api/v2/alerts")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v2/alerts: HTTP %d: %s", resp.StatusCode, body)
	}
	var alerts []Alert
	if err := json.Unmarshal(body, &alerts); err != nil {
		return nil, fmt.Errorf("GET /api/v2/alerts: %v: %s", err, body)
	}
	return alerts, nil
}

// WaitAlert polls Alertmanager until an alert for which pred is true
// arrives, and fails with the alerts it holds after timeout.
func (am *Alertmanager) WaitAlert(t testing.TB, timeout time.Duration, pred func(Alert) bool) Alert {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last []Alert
	var lastErr error
	for time.Now().Before(deadline) {
		if am.Exited() {
			t.Fatalf("alertmanager exited:\n%s", am.Output())
		}
		last, lastErr = am.alerts()
		for _, a := range last {
			if pred(a) {
				return a
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	if lastErr != nil {
		t.Fatalf("waiting for an alert: %v", lastErr)
	}
	t.Fatalf("no matching alert after %v; alertmanager holds %+v", timeout, last)
	return Alert{}
}

// PostAlerts sends alerts to Alertmanager as Prometheus would (API v2),
// for tests of routing and inhibition that need no Prometheus. Each alert
// is a label set and its annotations.
func (am *Alertmanager) PostAlerts(t testing.TB, alerts ...Alert) {
	t.Helper()
	type postable struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations,omitempty"`
	}
	var body []postable
	for _, a := range alerts {
		body = append(body, postable{Labels: a.Labels, Annotations: a.Annotations})
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(am.URL+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		out, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /api/v2/alerts: HTTP %d: %s", resp.StatusCode, out)
	}
}

// atTestPace is a copy of the rule file f whose groups evaluate at the
// global one-second interval: the shipped SLO groups carry their own (1m,
// 4m), which would make an end-to-end test wait minutes for each record.
// Their rules do not depend on the interval (alerts/slo.go).
func atTestPace(t testing.TB, f string) string {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Groups []map[string]any `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	changed := false
	for _, g := range doc.Groups {
		if _, ok := g["interval"]; ok {
			delete(g, "interval")
			changed = true
		}
	}
	if !changed {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(f))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
