package soak_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"
)

// carriedAcrossRestart are the families whose counts a graceful restart
// must not lose: the exporter writes them at shutdown and restores them.
// Across a kill -9, every family may lose what it counted after
// Prometheus' last scrape.
var carriedAcrossRestart = map[string]bool{
	failures: true, successes: true, stateChanges: true,
}

// finish waits until Prometheus has scraped everything the traffic
// caused, then runs the oracle and the resource checks and writes the
// report.
func (h *harness) finish() {
	t := h.t
	t.Helper()
	time.Sleep(2 * time.Second) // the last datagrams reach the exporter
	end := time.Now()
	h.waitScrapedAfter(end)
	h.waitScrapedAfter(time.Now())
	at := time.Now()
	span := fmt.Sprintf("[%ds]", int(at.Sub(h.started).Seconds())+60)

	got, raw := map[key]float64{}, map[key][]*model.SampleStream{}
	for _, metric := range []string{failures, successes, stateChanges, trapDrops, syslogDrops, reloadsTotal} {
		totals(metric, h.matrix(metric+span, at), got, raw)
	}
	// Counted but not compared: how many retransmissions reach the
	// exporter depends on the relays' losses and on the senders' timers.
	for _, k := range []key{{metric: trapDrops, reason: "duplicate_inform"}} {
		h.duplicates = got[k]
		delete(got, k)
	}
	var scrapes []time.Time
	for _, s := range h.matrix(`up{job="ipsec_trap_exporter"}`+span, at) {
		for _, p := range s.Values {
			if p.Value == 1 {
				scrapes = append(scrapes, p.Timestamp.Time())
			}
		}
	}
	stops := append(h.ledger.events("restart"), h.ledger.events("kill")...)
	windows := lossWindows(stops, scrapes, time.Second)
	verdicts := judge(h.ledger, got, windows, func(metric, kind string) bool {
		return kind == "kill" || !carriedAcrossRestart[metric]
	})

	var r strings.Builder
	h.report(&r, verdicts, windows, at)
	h.reportOwnCounters(&r, span, at)
	tunnels := h.tunnelVerdicts(at)
	bad := 0
	for _, v := range tunnels {
		if !v.ok() {
			bad++
		}
	}
	fmt.Fprintf(&r, "\n**Tunnels** (`/api/v1/tunnels` and `ipsec_tunnel_up` against the ledger): %d of %d as the ledger says\n", len(tunnels)-bad, len(tunnels))
	h.reportResources(&r)
	report := r.String()
	t.Log("\n" + report)
	path := *reportFlag
	if path == "" {
		path = os.Getenv("SOAK_REPORT")
	}
	if path != "" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Errorf("writing the report: %v", err)
		}
	}

	shown := 0
	for _, v := range verdicts {
		if !v.ok() {
			t.Errorf("oracle: %v", v)
			if shown++; shown <= 6 {
				t.Logf("%v:\n%s", v.key, h.story(v.key, raw[v.key]))
			}
		}
	}
	for _, v := range tunnels {
		if !v.ok() {
			t.Errorf("oracle: %v", v)
		}
	}
	for input, n := range h.failed {
		t.Errorf("%d sends of %s failed while the exporter was running", n, input)
	}
	h.checkResources()
}

// story is a wrong verdict's evidence: the ledger's entries and
// Prometheus' samples, in seconds from the start, and the lifecycle.
func (h *harness) story(k key, streams []*model.SampleStream) string {
	var b strings.Builder
	rel := func(t time.Time) string { return fmt.Sprintf("%.1f", t.Sub(h.started).Seconds()) }
	b.WriteString("  ledger:")
	for _, e := range h.ledger.entriesOf(k) {
		fmt.Fprintf(&b, " %s", rel(e.at))
		if !e.sure {
			b.WriteString("?")
		}
	}
	for _, s := range streams {
		fmt.Fprintf(&b, "\n  %v:", s.Metric)
		for _, p := range s.Values {
			fmt.Fprintf(&b, " %s=%v", rel(p.Timestamp.Time()), p.Value)
		}
	}
	b.WriteString("\n  lifecycle:")
	h.ledger.mu.Lock()
	for _, e := range h.ledger.lifecycle {
		if e.kind != "reload" && e.kind != "reload-broken" {
			fmt.Fprintf(&b, " %s %s", e.kind, rel(e.at))
		}
	}
	h.ledger.mu.Unlock()
	return b.String()
}

// matrix runs an instant query for a range selector: every raw sample.
func (h *harness) matrix(q string, at time.Time) model.Matrix {
	h.t.Helper()
	v := h.prom.QueryAt(h.t, q, at)
	m, ok := v.(model.Matrix)
	if !ok {
		h.t.Fatalf("%s: got %s, want a matrix", q, v.Type())
	}
	return m
}

// report writes what was sent and counted by input, the lifecycle, and the
// oracle's verdict.
func (h *harness) report(w *strings.Builder, verdicts []verdict, windows []lossWindow, at time.Time) {
	fmt.Fprintf(w, "## Soak of %v (load average %s at the start; 1-minute load during the run: mean %.2f, max %.2f)\n\n",
		h.plan.duration, h.loadAt0, mean(h.loadAvg), maxOf(h.loadAvg))
	type row struct {
		sent, sure, lossable, maybe int
		counted                     float64
		keys, bad                   int
	}
	rows := map[string]*row{}
	for _, v := range verdicts {
		r := rows[v.input]
		if r == nil {
			r = &row{}
			rows[v.input] = r
		}
		r.sure += v.want
		r.lossable += v.lossable
		r.maybe += v.maybe
		r.counted += v.got
		r.keys++
		if !v.ok() {
			r.bad++
		}
	}
	for input, n := range h.ledger.sent {
		if rows[input] == nil {
			rows[input] = &row{}
		}
		rows[input].sent = n
	}
	var inputs []string
	for in := range rows {
		inputs = append(inputs, in)
	}
	sort.Strings(inputs)
	w.WriteString("| input | messages sent | events and drops the exporter surely took | of them after the last scrape before a stop | unsure (informs not acknowledged) | counted by Prometheus | series compared | series wrong |\n|---|---|---|---|---|---|---|---|\n")
	for _, in := range inputs {
		r := rows[in]
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %v | %d | %d |\n", in, r.sent, r.sure, r.lossable, r.maybe, r.counted, r.keys, r.bad)
	}
	count := func(kind string) int { return len(h.ledger.events(kind)) }
	fmt.Fprintf(w, "\n**Lifecycle**: %d reloads that changed the configuration, %d broken ones refused, %d graceful restarts (SIGTERM), %d kill -9, %d full-disk episode(s)\n",
		count("reload"), count("reload-broken"), count("restart"), count("kill"), count("disk-full"))
	for _, win := range windows {
		fmt.Fprintf(w, "- %s at %v: last scrape before it %v earlier\n", win.kind, win.to.Sub(h.started).Round(time.Second), win.to.Sub(win.from.Add(time.Second)).Round(time.Millisecond))
	}
	exact, bounded, wrong := 0, 0, 0
	for _, v := range verdicts {
		switch {
		case !v.ok():
			wrong++
		case v.got == float64(v.want):
			exact++
		default:
			bounded++
		}
	}
	fmt.Fprintf(w, "\n**Oracle**: %d series compared: %d exact, %d within the loss bound of a stop, %d wrong\n", len(verdicts), exact, bounded, wrong)
	for _, v := range verdicts {
		if !v.ok() {
			fmt.Fprintf(w, "- wrong: %v\n", v)
		}
	}
	h.senderMu.Lock()
	defer h.senderMu.Unlock()
	for in, n := range h.unacked {
		fmt.Fprintf(w, "- %s: %d informs not acknowledged after 16 tries\n", in, n)
	}
	fmt.Fprintf(w, "- retransmitted informs answered again and not counted (`duplicate_inform`): %v\n", h.duplicates)
}

// reportOwnCounters writes the exporter's own counters over the run, as
// Prometheus recorded them (resets handled as for the oracle).
func (h *harness) reportOwnCounters(w *strings.Builder, span string, at time.Time) {
	w.WriteString("\n**The exporter's own counters over the run** (Prometheus, resets handled):")
	for _, c := range []struct{ metric, by string }{
		{"ipsec_trap_packets_received_total", "version"},
		{"ipsec_syslog_messages_received_total", "transport"},
		{"ipsec_syslog_messages_parsed_total", ""},
		{"ipsec_trap_informs_acknowledged_total", ""},
		{"ipsec_trap_engine_discovery_reports_total", ""},
		{"ipsec_trap_exporter_state_writes_total", ""},
		{"ipsec_trap_exporter_state_write_failures_total", ""},
	} {
		sums := map[string]float64{}
		for _, s := range h.matrix(c.metric+span, at) {
			values := make([]float64, len(s.Values))
			for i, p := range s.Values {
				values[i] = float64(p.Value)
			}
			sums[string(s.Metric[model.LabelName(c.by)])] += rawIncrease(values)
		}
		var parts []string
		for label, v := range sums {
			if label == "" {
				parts = append(parts, fmt.Sprint(v))
			} else {
				parts = append(parts, fmt.Sprintf("%s %v", label, v))
			}
		}
		sort.Strings(parts)
		fmt.Fprintf(w, "\n- `%s`: %s", c.metric, strings.Join(parts, ", "))
	}
	w.WriteString("\n")
}

// tunnelVerdicts compares every tunnel the ledger knows with
// /api/v1/tunnels and with ipsec_tunnel_up's last sample in Prometheus.
func (h *harness) tunnelVerdicts(at time.Time) []tunnelVerdict {
	t := h.t
	t.Helper()
	resp, err := http.Get(h.e.WebURL + "/api/v1/tunnels")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var api []struct {
		Device string `json:"device"`
		Peer   string `json:"peer"`
		State  string `json:"state"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&api); err != nil {
		t.Fatalf("/api/v1/tunnels: %v", err)
	}
	apiState := map[[2]string]string{}
	for _, a := range api {
		apiState[[2]string{a.Device, a.Peer}] = a.State
	}
	promState := map[[2]string]string{}
	for _, s := range h.prom.QueryAt(t, "ipsec_tunnel_up", at).(model.Vector) {
		promState[[2]string{string(s.Metric["device"]), string(s.Metric["peer"])}] = stateName(s.Value == 1)
	}
	kills := h.ledger.events("kill")
	h.ledger.mu.Lock()
	defer h.ledger.mu.Unlock()
	var out []tunnelVerdict
	for p, steps := range h.ledger.tunnels {
		out = append(out, tunnelVerdict{device: p[0], peer: p[1], allowed: allowedStates(steps, kills, h.plan.writeInterval),
			api: apiState[p], prom: promState[p]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].peer < out[j].peer })
	return out
}

// reportResources writes each resource's first and last value and its
// slope after warm-up.
func (h *harness) reportResources(w *strings.Builder) {
	h.segMu.Lock()
	samples := append([]sample(nil), h.samples...)
	h.segMu.Unlock()
	fmt.Fprintf(w, "\n**Resources** (%d samples every %v; slopes after %v of each process's warm-up, the median of the slopes between two samples of one process):\n\n",
		len(samples), h.plan.sampleEvery, h.plan.warmUp)
	if len(samples) == 0 {
		return
	}
	w.WriteString("| resource | first sample | last sample | max | slope per hour within a process | slope per hour over the run |\n|---|---|---|---|---|---|\n")
	for _, r := range resources {
		first, last := r.get(samples[0])/r.scale, r.get(samples[len(samples)-1])/r.scale
		top := 0.0
		for _, s := range samples {
			top = math.Max(top, r.get(s)/r.scale)
		}
		within, n, ok := slope(samples, r.get, h.plan.warmUp)
		whole, ok2 := wholeRunSlope(samples, r.get, h.plan.warmUp)
		fmt.Fprintf(w, "| %s | %.1f %s | %.1f %s | %.1f %s | %s | %s |\n", r.name, first, r.unit, last, r.unit, top, r.unit,
			slopeText(within/r.scale, ok, r.unit, n), slopeText(whole/r.scale, ok2, r.unit, len(samples)))
	}
}

func slopeText(v float64, ok bool, unit string, n int) string {
	if !ok {
		return fmt.Sprintf("too few samples (%d)", n)
	}
	return fmt.Sprintf("%+.2f %s", v, unit)
}

// limits are the growth per hour within a process above which a long
// soak fails: far above what noise makes over an hour, far below a leak
// that would matter over months.
var limits = map[string]float64{
	"resident memory":       16 << 20,
	"Go heap in use":        16 << 20,
	"goroutines":            20,
	"open file descriptors": 10,
	"state file size":       64 << 10,
	"/metrics latency":      float64(20 * time.Millisecond),
}

// checkResources fails a long soak whose resources grow after warm-up, and
// any soak whose exporter ends with more goroutines or descriptors than
// its busiest moment after the first warm-up: traffic has stopped by then.
func (h *harness) checkResources() {
	t := h.t
	h.segMu.Lock()
	samples := append([]sample(nil), h.samples...)
	h.segMu.Unlock()
	if len(samples) < 3 {
		t.Errorf("%d resource samples: too few to say anything", len(samples))
		return
	}
	if h.plan.long {
		for _, r := range resources {
			if v, _, ok := slope(samples, r.get, h.plan.warmUp); ok && v > limits[r.name] {
				t.Errorf("%s grows by %.2f %s an hour after warm-up (limit %.2f)", r.name, v/r.scale, r.unit, limits[r.name]/r.scale)
			}
		}
	}
	pid, _, _ := h.pid()
	end, err := takeSample(pid, h.e.WebURL, stateFilePath(h.disk.dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resources[2:4] {
		top := 0.0
		for _, s := range samples {
			if s.at.Sub(samples[0].at) >= h.plan.warmUp {
				top = math.Max(top, r.get(s))
			}
		}
		if r.get(end) > top {
			t.Errorf("%s: %v with the traffic stopped, more than the most under traffic (%v): something is not released", r.name, r.get(end), top)
		}
	}
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}
