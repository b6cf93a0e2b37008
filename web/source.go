package web

import (
	"iter"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// StateSource is what the pages read of the event pipeline: its own state,
// walked directly. /tunnels, the landing page's summary and the reason
// pages answer from it in milliseconds however many series there are,
// where gathering the registry would cost as much as a scrape on every
// request. *pipeline.Metrics implements it.
type StateSource interface {
	// Tunnels returns every tunnel whose state is known, with its downs
	// counted up to now.
	Tunnels(now time.Time) []pipeline.TunnelView
	// FailureSeries and StateChanges yield every series of
	// ipsec_negotiation_failures_total and ipsec_tunnel_state_changes_total;
	// their loop bodies must be short and must not call another view.
	FailureSeries() iter.Seq[pipeline.FailureView]
	StateChanges() iter.Seq[pipeline.StateChangeView]
}

// dropWindow is how far back the landing page counts drops.
const dropWindow = time.Hour

// dropSamples holds a sample a minute over dropWindow, and one more for
// the start of the window.
const dropSamples = int(dropWindow/time.Minute) + 1

// dropKey is one drop counter: the input and the reason.
type dropKey struct{ Input, Reason string }

type dropSample struct {
	at     time.Time
	counts map[dropKey]float64
}

// dropHistory samples the drop counters every minute for the last hour, so
// that the landing page can say what was dropped in the last hour and not
// only since the start. It reads the exporter's own metrics (a few dozen
// series), never the event series. Counters start at 0 with the process,
// and so does the history: within an hour of a start, "the last hour" is
// "since the start", and the page says so.
type dropHistory struct {
	gatherer prometheus.Gatherer
	// families are the inputs' drop families: input name by family name.
	families map[string]string
	mu       sync.Mutex
	samples  []dropSample // ring of at most dropSamples, oldest at start
	start    int
}

func newDropHistory(g prometheus.Gatherer, inputs []input.Declaration, now time.Time) *dropHistory {
	h := &dropHistory{gatherer: g, families: map[string]string{}}
	for _, in := range inputs {
		h.families[in.Dropped.Name] = string(in.Origin)
	}
	h.sample(now)
	return h
}

// read returns the drop counters now. A gather error still returns the
// families it could collect.
func (h *dropHistory) read() map[dropKey]float64 {
	if h.gatherer == nil {
		return map[dropKey]float64{}
	}
	families, _ := h.gatherer.Gather()
	return h.counts(families)
}

// counts picks the drop counters out of gathered families.
func (h *dropHistory) counts(families []*dto.MetricFamily) map[dropKey]float64 {
	counts := map[dropKey]float64{}
	for _, mf := range families {
		input, ok := h.families[mf.GetName()]
		if !ok {
			continue
		}
		for _, m := range mf.GetMetric() {
			if v := m.GetCounter().GetValue(); v > 0 {
				counts[dropKey{input, labelsOf(m)["reason"]}] = v
			}
		}
	}
	return counts
}

// sample records the counters at now; the oldest sample beyond the window
// makes room.
func (h *dropHistory) sample(now time.Time) {
	s := dropSample{at: now, counts: h.read()}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.samples) < dropSamples {
		h.samples = append(h.samples, s)
		return
	}
	h.samples[h.start] = s
	h.start = (h.start + 1) % len(h.samples)
}

// run samples every minute until stop is closed.
func (h *dropHistory) run(stop <-chan struct{}) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			h.sample(now)
		}
	}
}

// since returns the drops of the last window up to now, and when the
// counting starts: now-window, or the exporter's start when that is later.
// current is the counters now, as read().
func (h *dropHistory) since(now time.Time, window time.Duration, current map[dropKey]float64) (map[dropKey]float64, time.Time) {
	h.mu.Lock()
	// The oldest sample within the window: the first one is taken at
	// start, so there is always one.
	var base dropSample
	for i := range h.samples {
		base = h.samples[(h.start+i)%len(h.samples)]
		if !base.at.Before(now.Add(-window)) {
			break
		}
	}
	h.mu.Unlock()
	out := map[dropKey]float64{}
	for k, v := range current {
		if d := v - base.counts[k]; d > 0 {
			out[k] = d
		}
	}
	return out, base.at
}
