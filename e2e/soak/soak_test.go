// Package soak_test runs the exporter for a long time under every kind of
// traffic it takes, with reloads, graceful restarts, crashes and a full
// disk, while a real Prometheus scrapes it; at the end an oracle compares
// what the harness sent (its ledger) with what Prometheus recorded, and the
// exporter's resources are checked for growth. scripts/soak.sh runs the
// long form; the full suite runs a three-minute form.
package soak_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

var (
	durationFlag = flag.Duration("soak.duration", 0, "how long the soak sends traffic (default $SOAK_DURATION, else 3m)")
	reportFlag   = flag.String("soak.report", "", "write the soak's report (Markdown) to this file (default $SOAK_REPORT)")
)

// soakDuration is how long traffic runs: the flag, else $SOAK_DURATION,
// else three minutes (the full suite's form).
func soakDuration(t *testing.T) time.Duration {
	t.Helper()
	if *durationFlag > 0 {
		return *durationFlag
	}
	if s := os.Getenv("SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			t.Fatalf("SOAK_DURATION=%q: want a Go duration such as 60m", s)
		}
		return d
	}
	return 3 * time.Minute
}

// plan is when each lifecycle event happens, as offsets from the start.
type plan struct {
	duration      time.Duration
	scrape        time.Duration // Prometheus' scrape interval
	sampleEvery   time.Duration // resource samples
	warmUp        time.Duration // of each process, before its samples count for the slopes
	reloadEvery   time.Duration
	restarts      []time.Duration // graceful: SIGTERM
	kills         []time.Duration // kill -9
	diskFull      time.Duration   // the full-disk episode starts
	diskFullFor   time.Duration
	burstEvery    time.Duration
	writeInterval time.Duration // --storage.write-interval
	long          bool          // slopes are asserted, not only reported
}

// planFor is the schedule for runs of 12 minutes or more (reload
// every 30 s, SIGTERM every 5 minutes, kill -9 every 10, one full disk;
// from 30 minutes on, the last 20 without restarts, for the slopes), and a
// scaled-down one for shorter runs, in which each kind of event still
// happens at least once.
func planFor(d time.Duration) plan {
	p := plan{duration: d, scrape: 5 * time.Second, sampleEvery: 10 * time.Second, writeInterval: time.Second}
	if d >= 12*time.Minute {
		p.reloadEvery, p.burstEvery, p.warmUp = 30*time.Second, 20*time.Second, time.Minute
		last := d - time.Minute
		p.long = d >= 30*time.Minute
		if p.long {
			// A process restarted every 5 minutes never leaves its warm-up:
			// its inform cache fills for 5 minutes, its recent-events ring
			// and its downs per hour longer. So the last 20 minutes run one
			// process, whose growth after a warm-up longer than the inform
			// cache's memory is what the slopes measure.
			last, p.warmUp = d-20*time.Minute, 6*time.Minute
		}
		for at := 5 * time.Minute; at <= last; at += 5 * time.Minute {
			if at%(10*time.Minute) == 0 {
				p.kills = append(p.kills, at)
			} else {
				p.restarts = append(p.restarts, at)
			}
		}
		p.diskFull, p.diskFullFor = 7*time.Minute, 40*time.Second
		return p
	}
	p.reloadEvery, p.burstEvery, p.warmUp = 15*time.Second, 15*time.Second, 20*time.Second
	p.restarts = []time.Duration{d / 3}
	p.kills = []time.Duration{2 * d / 3}
	p.diskFull, p.diskFullFor = d/6, 20*time.Second
	return p
}

// TestSoak: see the package comment.
func TestSoak(t *testing.T) {
	testenv.Need(t, "snmptrap", "snmpinform", "logger", "openssl", testenv.PySNMPStack, testenv.PrometheusBin)
	p := planFor(soakDuration(t))
	h := startHarness(t, p)
	t.Logf("soak: %v of traffic; reloads every %v, SIGTERM at %v, kill -9 at %v, full disk at %v for %v",
		p.duration, p.reloadEvery, p.restarts, p.kills, p.diskFull, p.diskFullFor)

	t.Cleanup(h.stopTraffic)
	h.startTraffic()
	h.runSchedule()
	h.stopTraffic()
	h.finish()
}

// harness holds everything a soak runs.
type harness struct {
	t      *testing.T
	plan   plan
	ledger *Ledger

	e        *testenv.Exporter
	prom     *testenv.Prometheus
	pki      *testenv.PKI
	cfgFile  string
	syslog   int // UDP and TCP
	tls      int
	disk     *disk
	started  time.Time
	loadAvg  []float64 // 1-minute load average at every resource sample
	loadAt0  string
	senderMu sync.Mutex
	failed   map[string]int // sends that failed, by input (not recorded in the ledger)
	unacked  map[string]int // informs not acknowledged, by input
	// duplicates is Prometheus' count of retransmitted informs.
	duplicates float64
	uptime     atomic.Uint32 // see up

	// gate is held for reading by every send whose fate depends on the
	// exporter running with a known configuration, and for writing while
	// the harness reloads, restarts or kills it.
	gate   sync.RWMutex
	policy policy // the configuration the exporter runs with; under gate

	segMu    sync.Mutex
	segment  int
	segReady time.Time
	samples  []sample

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// scrapeLocal reads the exporter's /metrics, for the harness's own
// synchronisation (never for the verdict, which is Prometheus').
func (h *harness) scrapeLocal() map[string]*dto.MetricFamily {
	h.t.Helper()
	return h.e.Scrape(h.t)
}

func parseMetrics(body []byte) map[string]*dto.MetricFamily {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	return families
}

func startHarness(t *testing.T, p plan) *harness {
	h := &harness{t: t, plan: p, ledger: newLedger(), stop: make(chan struct{}),
		failed: map[string]int{}, unacked: map[string]int{}}
	h.pki = testenv.NewPKI(t, "exporter.test")
	h.syslog, h.tls = testenv.FreeUDPTCPPort(t), testenv.FreeTCPPort(t)
	h.disk = newDisk(t)
	h.cfgFile = testenv.WriteFile(t, "config.yml", h.policy.config(h.pki))
	h.e = testenv.StartExporter(t, "--config.file="+h.cfgFile, "--storage.path="+h.disk.dir,
		fmt.Sprintf("--storage.write-interval=%v", p.writeInterval), "--log.level=info",
		fmt.Sprintf("--syslog.listen-address=127.0.0.1:%d", h.syslog),
		fmt.Sprintf("--syslog.tls-listen-address=127.0.0.1:%d", h.tls))
	h.prom = testenv.StartPrometheusWith(t, testenv.PrometheusOptions{
		ScrapeTargets:  []string{strings.TrimPrefix(h.e.WebURL, "http://")},
		ScrapeInterval: p.scrape,
	})
	h.segReady = time.Now()
	h.waitScrapedAfter(h.segReady)
	h.started = time.Now()
	h.loadAt0 = loadAverage()
	return h
}

// waitScrapedAfter waits until Prometheus has scraped the exporter
// successfully after since. It reads the raw samples of up: timestamp()
// of an expression such as up == 1 is the query's time in Prometheus 2,
// not the scrape's.
func (h *harness) waitScrapedAfter(since time.Time) {
	h.t.Helper()
	h.prom.WaitQuery(h.t, `up{job="ipsec_trap_exporter"}[1m]`, func(v model.Value) bool {
		for _, s := range v.(model.Matrix) {
			for _, p := range s.Values {
				if p.Value == 1 && p.Timestamp.Time().After(since) {
					return true
				}
			}
		}
		return false
	})
}

// runSchedule does the plan's reloads, restarts, kills and full disk on
// the test's goroutine, while the traffic runs, until the duration is over.
func (h *harness) runSchedule() {
	type step struct {
		at   time.Duration
		kind string
	}
	var steps []step
	for at := h.plan.reloadEvery; at < h.plan.duration; at += h.plan.reloadEvery {
		steps = append(steps, step{at, "reload"})
	}
	for _, at := range h.plan.restarts {
		steps = append(steps, step{at, "restart"})
	}
	for _, at := range h.plan.kills {
		steps = append(steps, step{at, "kill"})
	}
	steps = append(steps, step{h.plan.diskFull, "disk-full"}, step{h.plan.diskFull + h.plan.diskFullFor, "disk-freed"})
	// In time order; a reload due during the full disk or right at a
	// restart simply runs after it.
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at < steps[j].at })
	reloads := 0
	for _, s := range steps {
		if wait := time.Until(h.started.Add(s.at)); wait > 0 {
			time.Sleep(wait)
		}
		switch s.kind {
		case "reload":
			h.reload(reloads)
			reloads++
		case "restart":
			h.restart(false)
		case "kill":
			h.restart(true)
		case "disk-full":
			h.fillDisk()
		case "disk-freed":
			h.freeDisk()
		}
	}
	if wait := time.Until(h.started.Add(h.plan.duration)); wait > 0 {
		time.Sleep(wait)
	}
}

// restart stops the exporter (SIGTERM, or SIGKILL when kill) with every
// gated sender held, starts it again on the same ports and state, and
// lets the senders go once Prometheus has scraped the new process.
// Informs keep being sent throughout: their senders retransmit until the
// new process answers.
func (h *harness) restart(kill bool) {
	t := h.t
	t.Helper()
	h.gate.Lock()
	defer h.gate.Unlock()
	kind := "restart"
	if kill {
		kind = "kill"
	} else {
		// Let what was sent before the gate closed reach the exporter; a
		// graceful stop drains its queue, not the kernel's socket buffer.
		time.Sleep(time.Second)
	}
	ev := lifecycleEvent{kind: kind, at: time.Now()}
	if kill {
		h.e.Kill(t)
	} else {
		h.e.Stop(t)
	}
	h.e.Restart(t)
	ev.ready = time.Now()
	h.ledger.event(ev)
	h.segMu.Lock()
	h.segment++
	h.segReady = ev.ready
	h.segMu.Unlock()
	h.waitScrapedAfter(ev.ready)
	t.Logf("soak: %s at %v, ready after %v", kind, ev.at.Sub(h.started).Round(time.Second), ev.ready.Sub(ev.at).Round(time.Millisecond))
}

// pid is the running exporter's process ID and its segment.
func (h *harness) pid() (int, int, time.Time) {
	h.segMu.Lock()
	defer h.segMu.Unlock()
	return h.e.Cmd.Process.Pid, h.segment, h.segReady
}

func (h *harness) sendFailed(input string, err error) {
	h.senderMu.Lock()
	h.failed[input]++
	n := h.failed[input]
	h.senderMu.Unlock()
	if n <= 3 {
		h.t.Logf("soak: %s: %v", input, err)
	}
}

func (h *harness) informUnacked(input string, err error) {
	h.senderMu.Lock()
	h.unacked[input]++
	n := h.unacked[input]
	h.senderMu.Unlock()
	if n <= 3 {
		h.t.Logf("soak: %s not acknowledged: %v", input, err)
	}
}

// every runs f every interval on its own goroutine until the traffic
// stops.
func (h *harness) every(interval time.Duration, f func(i int)) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-h.stop:
				return
			case <-tick.C:
				f(i)
			}
		}
	}()
}

// gated runs f with the gate held for reading and the current policy.
func (h *harness) gated(f func(p policy)) {
	h.gate.RLock()
	defer h.gate.RUnlock()
	f(h.policy)
}

// stopTraffic stops every sender and waits for them; it runs at the end,
// and as a cleanup when the test stops early, so that no sender outlives
// the test.
func (h *harness) stopTraffic() {
	h.stopOnce.Do(func() {
		close(h.stop)
		h.wg.Wait()
	})
}

// signal sends sig to the exporter.
func (h *harness) signal(sig syscall.Signal) {
	h.t.Helper()
	if err := h.e.Cmd.Process.Signal(sig); err != nil {
		h.t.Fatalf("signalling the exporter: %v", err)
	}
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
