package pipeline

import (
	"iter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// The read-only views below are what the pages (package web) read of the
// pipeline: its own indexes, walked directly. Gathering the registry
// instead would sort and check every series of every family on each
// request, which at 20,000 series costs as much as a scrape.

// TunnelView is one tunnel as the pipeline knows it now.
type TunnelView struct {
	Device, Peer string
	// Interface and Vsys come from the last tunnel notification that
	// carried them; empty when none did.
	Interface, Vsys string
	Up              bool
	// Planned is true while the tunnel is down after a planned teardown.
	Planned bool
	// Since is when the tunnel last went up or down (kept across restarts);
	// LastUpdate is its last notification.
	Since, LastUpdate time.Time
	// DownReason is the teardown slug of its last down, kept while it is up
	// again; empty when it was never seen down.
	DownReason string
	// DownsLastDay counts its downs in the last 24 hours (by the hour, so
	// the window reaches back 23 to 24 hours).
	DownsLastDay int
}

// locate remembers where the tunnel runs, as its notifications say; a
// notification that does not say keeps what an earlier one said.
func (t *tunnelStatus) locate(iface, vsys string) {
	if iface == "" && vsys == "" {
		return
	}
	t.mu.Lock()
	if iface != "" {
		t.iface = iface
	}
	if vsys != "" {
		t.vsys = vsys
	}
	t.mu.Unlock()
}

// Tunnels returns every tunnel whose state is known, in no particular
// order, with its downs counted up to now.
func (m *Metrics) Tunnels(now time.Time) []TunnelView {
	m.tunnelSeries.mu.RLock()
	defer m.tunnelSeries.mu.RUnlock()
	out := make([]TunnelView, 0, len(m.tunnelSeries.entries))
	for k, e := range m.tunnelSeries.entries {
		t := e.tunnel
		t.mu.Lock()
		if t.known {
			out = append(out, TunnelView{
				Device: k[0], Peer: k[1], Interface: t.iface, Vsys: t.vsys, Up: t.up, Planned: t.planned,
				Since: time.Unix(0, t.since).UTC(), LastUpdate: time.Unix(0, e.lastUpdate.Load()).UTC(),
				DownReason: t.downReason, DownsLastDay: t.downs.count(now.UnixNano()),
			})
		}
		t.mu.Unlock()
	}
	return out
}

// FailureView is one negotiation-failure series: its labels, the time of
// its last failure, and its count, read only when asked for.
type FailureView struct {
	Device, Peer, Interface, Vsys, Reason, ReasonCode string
	Last                                              time.Time
	counter                                           prometheus.Counter
}

// Count is the series' counter: failures since the exporter started, or
// since the series was restored from the state file (counters are not
// kept across restarts).
func (f *FailureView) Count() float64 { return counterValue(f.counter) }

// FailureSeries yields every failure series. The index is read-locked
// while the loop runs: the loop body must be short and must not record
// events or call another of these views.
func (m *Metrics) FailureSeries() iter.Seq[FailureView] {
	return func(yield func(FailureView) bool) {
		m.failureSeries.mu.RLock()
		defer m.failureSeries.mu.RUnlock()
		for k, e := range m.failureSeries.entries {
			v := FailureView{Device: k[0], Peer: k[1], Interface: k[2], Vsys: k[3], Reason: k[4], ReasonCode: k[5],
				Last: time.Unix(0, e.lastUpdate.Load()), counter: e.counter}
			if !yield(v) {
				return
			}
		}
	}
}

// StateChangeView is one series of ipsec_tunnel_state_changes_total.
type StateChangeView struct {
	Device, Peer, State, Reason string
	counter                     prometheus.Counter
}

// Count is the series' counter since the exporter started.
func (s *StateChangeView) Count() float64 { return counterValue(s.counter) }

// StateChanges yields every state-change series, under the same rules as
// FailureSeries.
func (m *Metrics) StateChanges() iter.Seq[StateChangeView] {
	return func(yield func(StateChangeView) bool) {
		m.stateSeries.mu.RLock()
		defer m.stateSeries.mu.RUnlock()
		for k, e := range m.stateSeries.entries {
			if !yield(StateChangeView{Device: k[0], Peer: k[1], State: k[2], Reason: k[3], counter: e.counter}) {
				return
			}
		}
	}
}

// counterValue reads a counter the way a scrape does, without the
// registry: a counter has no getter of its own.
func counterValue(c prometheus.Counter) float64 {
	if c == nil {
		return 0
	}
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return 0
	}
	return m.GetCounter().GetValue()
}
