// Package testenv runs the real pieces of an end-to-end test: the exporter
// binary, net-snmp's command-line tools, Prometheus and Alertmanager. Every
// process gets free ports, is waited for until ready, and is stopped when the
// test ends.
package testenv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// RepoRoot is the module root, found from this file's location.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Binary builds the exporter once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	skipShort(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ipsec-trap-exporter-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "ipsec_trap_exporter")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Need is the one way a test says it is an end-to-end test, and the first
// statement of every such test: under -short it skips (the short loop runs
// unit and fixture tests only, in seconds, without external tools or the
// exporter binary); otherwise each requirement must be met, a command on
// PATH or one of the named requirements below (SNMPStacks, RsyslogGnuTLS,
// CppJsonnet, Root). A test that runs only the exporter binary names none.
// An unmet requirement is reported by Missing: a failure under CI
// (CI=true), since CI must run every end-to-end test, and a skip elsewhere
// that names what is missing and how to get it.
func Need(t testing.TB, requirements ...string) {
	t.Helper()
	skipShort(t)
	for _, r := range requirements {
		if check, ok := namedRequirements[r]; ok {
			if err := check(); err != nil {
				Missing(t, "%s: %v", r, err)
			}
			continue
		}
		if _, err := exec.LookPath(r); err != nil {
			Missing(t, "%s not found: run the README's test command (scripts/test.sh), which installs it", r)
		}
	}
}

// Missing reports a missing tool or an unmet requirement: fails the test
// under CI, skips it elsewhere. Need uses it, and so do the helpers that
// find what Need cannot name in advance (a Prometheus release, sloth).
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// skipShort skips under -short. Need calls it, and so does every helper
// here that builds or runs something, so that a test which forgets Need
// still skips in the short loop.
func skipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
}

// Process is a started command whose output is kept for failure reports.
type Process struct {
	Cmd    *exec.Cmd
	output *syncBuffer
	done   chan struct{}
}

// Output is what the process wrote so far.
func (p *Process) Output() string { return p.output.String() }

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Start runs name with args and stops it (SIGTERM, then SIGKILL) when the
// test ends, logging its output if the test failed.
func Start(t testing.TB, name string, args ...string) *Process {
	t.Helper()
	return StartCmd(t, exec.Command(name, args...))
}

// StartCmd is Start for a command the test has prepared (its directory,
// its environment).
func StartCmd(t testing.TB, cmd *exec.Cmd) *Process {
	t.Helper()
	skipShort(t)
	name := cmd.Path
	buf := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = buf, buf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &Process{Cmd: cmd, output: buf, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(name), buf.String())
		}
	})
	return p
}

// What each server's /-/ready says once it is ready. Readiness is checked
// against it: a 200 from another kind of server on the port (a test that
// reached Prometheus where it started an exporter) is a failure, never a
// start.
const (
	ExporterReady     = "Ready"
	PrometheusReady   = "Prometheus Server is Ready."
	AlertmanagerReady = "OK"
)

// WaitReady polls url until it answers 200 with the body want (spaces
// around it aside), and fails when the process exits first, when another
// body answers, or after 60 seconds.
func WaitReady(t testing.TB, p *Process, url string, client *http.Client, want string) {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if p != nil && p.Exited() {
			t.Fatalf("process exited before %s was ready:\n%s", url, p.Output())
		}
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if got := strings.TrimSpace(string(body)); got != want {
					t.Fatalf("%s answered %q, want %q: another server holds the port", url, got, want)
				}
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s not ready after 60s", url)
}

// Exporter is a running exporter.
type Exporter struct {
	*Process
	TrapAddr string // 127.0.0.1:port
	TrapPort int
	WebURL   string // http://127.0.0.1:port
	// StoragePath is its state directory: a fresh one per exporter unless
	// the test passes --storage.path.
	StoragePath string

	args []string
}

// StartExporter starts the exporter on free ports with extra args and waits
// until it serves /-/ready.
func StartExporter(t testing.TB, args ...string) *Exporter {
	t.Helper()
	trapPort, webPort := FreeUDPPort(t), FreeTCPPort(t)
	e := &Exporter{
		TrapAddr: fmt.Sprintf("127.0.0.1:%d", trapPort),
		TrapPort: trapPort,
		WebURL:   fmt.Sprintf("http://127.0.0.1:%d", webPort),
	}
	e.args = []string{
		"--trap.listen-address=" + e.TrapAddr,
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", webPort),
		"--log.level=debug",
	}
	for _, a := range args {
		if p, ok := strings.CutPrefix(a, "--storage.path="); ok {
			e.StoragePath = p
		}
	}
	if e.StoragePath == "" && !slices.Contains(args, "--storage.path=") {
		// Never the default data/ in the test's working directory: tests
		// run in parallel, and their state must not leak into the tree.
		e.StoragePath = t.TempDir()
		e.args = append(e.args, "--storage.path="+e.StoragePath)
	}
	e.args = append(e.args, args...)
	e.start(t)
	return e
}

func (e *Exporter) start(t testing.TB) {
	t.Helper()
	e.Process = Start(t, Binary(t), e.args...)
	WaitReady(t, e.Process, e.WebURL+"/-/ready", nil, ExporterReady)
}

// Stop sends SIGTERM, as systemd does, and waits for the exporter to exit.
func (e *Exporter) Stop(t testing.TB) {
	t.Helper()
	e.stop(t, syscall.SIGTERM)
}

// Kill sends SIGKILL: a crash, with no chance to write anything.
func (e *Exporter) Kill(t testing.TB) {
	t.Helper()
	e.stop(t, syscall.SIGKILL)
}

func (e *Exporter) stop(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := e.Cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signalling the exporter: %v", err)
	}
	select {
	case <-e.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the exporter did not exit within 30s of %v:\n%s", sig, e.Output())
	}
}

// Restart starts the stopped exporter again with the same ports, state
// directory and flags, as an upgrade would, and waits until it is ready.
// The new process replaces e.Process.
func (e *Exporter) Restart(t testing.TB) {
	t.Helper()
	if !e.Exited() {
		t.Fatal("Restart of an exporter that is still running")
	}
	e.start(t)
}

// Scrape returns the parsed metric families of /metrics.
func (e *Exporter) Scrape(t testing.TB) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(e.WebURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return ParseMetrics(t, body)
}

// ScrapeProto returns /metrics in the protobuf exposition format, the one
// Prometheus asks for first with scrape_protocols [PrometheusProto, ...]:
// unlike the text format it carries the counters' created timestamps. It
// fails the test when the exporter answers in another format.
func (e *Exporter) ScrapeProto(t testing.TB) map[string]*dto.MetricFamily {
	t.Helper()
	format := expfmt.NewFormat(expfmt.TypeProtoDelim)
	req, err := http.NewRequest(http.MethodGet, e.WebURL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", string(format))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := expfmt.ResponseFormat(resp.Header); got.FormatType() != expfmt.TypeProtoDelim {
		t.Fatalf("/metrics answered %q to Accept: %s", resp.Header.Get("Content-Type"), format)
	}
	families := map[string]*dto.MetricFamily{}
	dec := expfmt.NewDecoder(resp.Body, format)
	for {
		var f dto.MetricFamily
		if err := dec.Decode(&f); err == io.EOF {
			return families
		} else if err != nil {
			t.Fatalf("decoding the protobuf exposition: %v", err)
		}
		families[f.GetName()] = &f
	}
}

// ParseMetrics parses the text exposition format.
func ParseMetrics(t testing.TB, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, body)
	}
	return families
}

// Value returns the value of the series of metric whose labels include
// labels, summed over all that match (so a partial label set works); ok is
// false when none match.
func Value(families map[string]*dto.MetricFamily, metric string, labels map[string]string) (float64, bool) {
	f, ok := families[metric]
	if !ok {
		return 0, false
	}
	var sum float64
	found := false
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, lp := range m.GetLabel() {
			have[lp.GetName()] = lp.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		}
	}
	return sum, found
}

// SeriesCount is the number of series of metric.
func SeriesCount(families map[string]*dto.MetricFamily, metric string) int {
	if f, ok := families[metric]; ok {
		return len(f.GetMetric())
	}
	return 0
}

// MustValue is Value for a series that must be there: it fails the test
// when no series of metric matches labels, so that a renamed metric or a
// label set that was never created cannot pass for a 0.
func MustValue(t testing.TB, families map[string]*dto.MetricFamily, metric string, labels map[string]string) float64 {
	t.Helper()
	v, ok := Value(families, metric, labels)
	if !ok {
		t.Fatalf("no series %s%v (the exposition has %d series of %s)", metric, labels, SeriesCount(families, metric), metric)
	}
	return v
}

// WaitValue polls /metrics until metric{labels} is there and equals want,
// and fails with the last scrape if it does not within 20 seconds. Traps
// are UDP and are decoded asynchronously, so tests wait for the count
// instead of sleeping. An absent series never equals anything, 0
// included: waiting for 0 waits for the series to exist.
func (e *Exporter) WaitValue(t testing.TB, metric string, labels map[string]string, want float64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got float64
	var present bool
	for time.Now().Before(deadline) {
		got, present = Value(e.Scrape(t), metric, labels)
		if present && got == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !present {
		t.Fatalf("%s%v is absent, want %v", metric, labels, want)
	}
	t.Fatalf("%s%v = %v, want %v", metric, labels, got, want)
}

// WaitAbsent polls /metrics until no series of metric matches labels.
func (e *Exporter) WaitAbsent(t testing.TB, metric string, labels map[string]string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, present := Value(e.Scrape(t), metric, labels); !present {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s%v is still there after 20s", metric, labels)
}

// Run runs a command to completion with a timeout and returns its combined
// output and error.
func Run(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

// SNMPTrap sends one notification with net-snmp's snmptrap and fails the
// test if snmptrap does.
func SNMPTrap(t testing.TB, args ...string) {
	t.Helper()
	out, err := Run(30*time.Second, "snmptrap", append([]string{"-On", "-M", "/dev/null"}, args...)...)
	if err != nil {
		t.Fatalf("snmptrap %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TrapV2c sends one SNMPv2c trap to the exporter with net-snmp's snmptrap
// under community: args are the notification OID, then the varbinds as
// snmptrap takes them (OID, type, value, ...); the uptime is snmptrap's.
func (e *Exporter) TrapV2c(t testing.TB, community string, args ...string) {
	t.Helper()
	SNMPTrap(t, append([]string{"-v", "2c", "-c", community, e.TrapAddr, ""}, args...)...)
}

// WriteFile writes content to a file called name in a fresh temporary
// directory of t and returns its path: a config, rule or unit file for a
// tool the test runs.
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
