package e2e_test

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// scrapeGate stands between Prometheus and the exporter, so that a test
// knows which values Prometheus can have seen: while it is shut, every
// scrape fails, as it does while an exporter restarts. Shutting it waits
// for the scrape in flight, so that no scrape that began before it shut
// reads a value counted after.
type scrapeGate struct {
	mu     sync.RWMutex
	open   bool
	server *httptest.Server
}

func newScrapeGate(t *testing.T, target string) *scrapeGate {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	g := &scrapeGate{open: true}
	proxy := httputil.NewSingleHostReverseProxy(u)
	g.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.RLock()
		defer g.mu.RUnlock()
		if !g.open {
			http.Error(w, "gate shut by the test", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(g.server.Close)
	return g
}

// Target is the gate's host:port, for Prometheus' scrape configuration.
func (g *scrapeGate) Target() string { return strings.TrimPrefix(g.server.URL, "http://") }

func (g *scrapeGate) set(open bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = open
}

// restartRig is an exporter, a gate and a Prometheus scraping the
// exporter through it every second.
type restartRig struct {
	e    *testenv.Exporter
	gate *scrapeGate
	prom *testenv.Prometheus
	peer string
	sel  string // the peer's failure counter as a PromQL selector
	sent int    // failures sent so far
	// value is what the exporter's counter should say: what was sent
	// since it last started from 0.
	value int
}

func newRestartRig(t *testing.T, p testenv.PrometheusRelease, peer string) *restartRig {
	t.Helper()
	o := testenv.PrometheusOptions{}
	if p.Major() == "3" {
		// The recommended scrape: created timestamps read and stored as
		// 0 samples, which would show a restored counter with a new
		// created timestamp as a reset.
		o.ScrapeProtocols, o.Features = recommendedScrape(t)
	}
	r := &restartRig{e: testenv.StartExporter(t), peer: peer, sel: fmt.Sprintf(`ipsec_negotiation_failures_total{peer=%q}`, peer)}
	r.gate = newScrapeGate(t, r.e.WebURL)
	o.ScrapeTargets = []string{r.gate.Target()}
	r.prom = p.Start(t, o)
	return r
}

// fail sends n failures of the rig's peer and waits until the exporter
// counted them all.
func (r *restartRig) fail(t *testing.T, n int) {
	t.Helper()
	for range n {
		r.e.TrapV2c(t, "public", fw+".6.14",
			fw+".5.11.0", "u", "6", fw+".5.7.0", "s", r.peer, fw+".5.14.0", "s", "GigabitEthernet0/0/1")
	}
	r.sent += n
	r.value += n
	r.e.WaitValue(t, "ipsec_negotiation_failures_total", map[string]string{"peer": r.peer}, float64(r.value))
}

// seen waits until Prometheus has scraped the value v.
func (r *restartRig) seen(t *testing.T, v int) {
	t.Helper()
	r.prom.WaitQuery(t, fmt.Sprintf("%s == %d", r.sel, v), func(v model.Value) bool { return len(v.(model.Vector)) == 1 })
}

// counter is the peer's failure counter as the exporter serves it now, and
// its created timestamp; the test fails when the series is absent.
func (r *restartRig) counter(t *testing.T) (float64, time.Time) {
	t.Helper()
	families := r.e.ScrapeProto(t)
	v, ok := testenv.Value(families, "ipsec_negotiation_failures_total", map[string]string{"peer": r.peer})
	if !ok {
		t.Fatalf("no %s after the restart", r.sel)
	}
	return v, createdTimestamp(t, families, "ipsec_negotiation_failures_total", r.peer)
}

func (r *restartRig) continued(t *testing.T, want float64) {
	t.Helper()
	v, ok := testenv.Value(r.e.Scrape(t), "ipsec_trap_exporter_state_counters_continued", nil)
	if !ok || v != want {
		t.Errorf("ipsec_trap_exporter_state_counters_continued = %v (present %v), want %v", v, ok, want)
	}
}

// samples is every sample Prometheus stored of the peer's failure counter.
func (r *restartRig) samples(t *testing.T) []model.SamplePair {
	t.Helper()
	m := r.prom.Query(t, r.sel+"[10m]").(model.Matrix)
	if len(m) != 1 {
		t.Fatalf("%s[10m] = %v, want one series", r.sel, m)
	}
	return m[0].Values
}

// increase is increase() of the peer's counter over all its samples,
// evaluated at the last one, the window starting a millisecond before the
// first: extrapolation then adds at most a thousandth of a sample
// interval's worth.
func (r *restartRig) increase(t *testing.T, samples []model.SamplePair) float64 {
	t.Helper()
	first, last := samples[0].Timestamp, samples[len(samples)-1].Timestamp
	window := model.Duration(last.Sub(first) + time.Millisecond)
	v := r.prom.QueryAt(t, fmt.Sprintf("increase(%s[%s])", r.sel, window), last.Time()).(model.Vector)
	if len(v) != 1 {
		t.Fatalf("increase over %s = %v, want one value", window, v)
	}
	return float64(v[0].Value)
}

// A planned restart loses nothing. Failures counted after Prometheus' last
// scrape and before SIGTERM reach Prometheus after the restart, the
// counter shows no reset (its created timestamp is its first life's, so
// Prometheus 3 stores no 0 at the restart), and increase() over the
// restart counts every failure sent.
func TestEndToEndCountersContinueAcrossACleanRestart(t *testing.T) {
	testenv.Need(t, "snmptrap")
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		r := newRestartRig(t, p, "203.0.113.81")
		r.fail(t, 3)
		r.seen(t, 3)
		_, born := r.counter(t)

		// Prometheus sees nothing from here to the restart.
		r.gate.set(false)
		r.fail(t, 4)
		r.e.Stop(t)
		r.e.Restart(t)
		if v, ct := r.counter(t); v != 7 || !ct.Equal(born) {
			t.Errorf("after SIGTERM and a restart: %s = %v created %v, want 7 created %v", r.sel, v, ct, born)
		}
		r.continued(t, 1)
		r.gate.set(true)
		r.fail(t, 2)
		r.seen(t, 9)

		samples := r.samples(t)
		first := samples[0].Value
		if !(first == 3 || (p.Major() == "3" && first == 0)) {
			t.Fatalf("first sample %v, want 3 (or the 0 of the created timestamp on Prometheus 3)", first)
		}
		saw3 := false
		for i, s := range samples {
			if i > 0 && s.Value < samples[i-1].Value {
				t.Errorf("a reset: %v then %v", samples[i-1], s)
			}
			if s.Value == 3 {
				saw3 = true
			}
			if s.Value == 7 && !saw3 {
				t.Errorf("7 before 3: the gate let a scrape through")
			}
		}
		if !saw3 || samples[len(samples)-1].Value != 9 {
			t.Errorf("samples %v: want 3 before the restart and 9 at the end", samples)
		}
		if v := r.prom.Query(t, fmt.Sprintf("resets(%s[10m])", r.sel)).(model.Vector); len(v) != 1 || v[0].Value != 0 {
			t.Errorf("resets over the restart = %v, want 0", v)
		}
		inc := r.increase(t, samples)
		if want := float64(r.sent) - float64(first); math.Abs(inc-want) > 0.05 {
			t.Errorf("increase over the restart = %v, want %v: every failure after the first sample", inc, want)
		}
		t.Logf("Prometheus %s: samples %v, increase %.4f", p.Version, samples, inc)
	})
}

// A crash restores no counter: it starts at 0, as it always did, and the
// counters a clean restart restored are not restored a second time (their
// value lies behind what Prometheus has scraped since, and would count the
// difference twice).
func TestEndToEndCountersStartAtZeroAfterACrash(t *testing.T) {
	testenv.Need(t, "snmptrap")
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		r := newRestartRig(t, p, "203.0.113.82")
		r.fail(t, 3)
		r.seen(t, 3)
		r.e.Stop(t)
		r.e.Restart(t)
		r.continued(t, 1)
		r.fail(t, 2)
		r.seen(t, 5)

		r.e.Kill(t)
		crash := time.Now()
		r.e.Restart(t)
		r.value = 0
		v, ct := r.counter(t)
		if v != 0 || ct.Before(crash.Truncate(time.Millisecond)) {
			t.Errorf("after kill -9 and a restart: %s = %v created %v, want 0 created after the crash (%v)", r.sel, v, ct, crash)
		}
		r.continued(t, 0)
		r.seen(t, 0)
		r.fail(t, 1)
		r.seen(t, 1)

		samples := r.samples(t)
		first := samples[0].Value
		if v := r.prom.Query(t, fmt.Sprintf("resets(%s[10m])", r.sel)).(model.Vector); len(v) != 1 || v[0].Value != 1 {
			t.Errorf("resets = %v, want the one of the crash", v)
		}
		// 3 and 2 before the crash, 1 after: what Prometheus saw of the
		// first life counts once.
		inc := r.increase(t, samples)
		if want := float64(r.sent) - float64(first); math.Abs(inc-want) > 0.05 {
			t.Errorf("increase over the crash = %v, want %v (samples %v)", inc, want, samples)
		}
		t.Logf("Prometheus %s: samples %v, increase %.4f", p.Version, samples, inc)
	})
}
