package pipeline

import (
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// tunnelStatus is what a tunnel series remembers beyond its gauges: since
// when it is in its state, and why it last went down. The state file keeps
// it across restarts.
type tunnelStatus struct {
	lastChange prometheus.Gauge
	// lastHeard is when the last notification about the tunnel arrived,
	// whether or not it changed the state: of two exporters, the one
	// that heard last knows the state, even when the other one missed a
	// down and so never saw the state change back to up.
	lastHeard prometheus.Gauge

	mu         sync.Mutex // keeps the gauges and the fields in step
	known      bool
	up         bool
	planned    bool
	since      int64 // Unix nanoseconds
	downReason string
	// where the last notification that said so put the tunnel, and its
	// downs over the last day: for the /tunnels page.
	iface, vsys string
	downs       downHistory
}

func (m *Metrics) newTunnelSeries(peer [2]string) *series {
	return &series{
		gauge:   m.tunnelUp.WithLabelValues(peer[:]...),
		planned: m.tunnelPlanned.WithLabelValues(peer[:]...),
		tunnel: &tunnelStatus{
			lastChange: m.tunnelChange.WithLabelValues(peer[:]...),
			lastHeard:  m.tunnelHeard.WithLabelValues(peer[:]...),
		},
	}
}

// set records a notification that says the tunnel of series s is up or
// down at the given time. A repeated state keeps the time of the change; a
// down keeps its reason while the tunnel is up again. A rekey (a teardown
// whose class keeps the tunnel up: the replacement SA's start often arrives
// before the old SA's stop) leaves a known tunnel alone, and says up for a
// tunnel not seen before.
func (t *tunnelStatus) set(s *series, up, planned bool, downReason string, at int64, rekey bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lastHeard.Set(float64(at) / 1e9)
	if rekey && t.known {
		return
	}
	wasDown := t.known && !t.up
	t.apply(s, up, planned, at)
	if !up {
		t.downReason = downReason
		if !wasDown {
			t.downs.add(at)
		}
	}
}

// apply moves the gauges; the caller holds t.mu.
func (t *tunnelStatus) apply(s *series, up, planned bool, at int64) {
	if !t.known || t.up != up {
		t.known, t.up, t.since = true, up, at
		t.lastChange.Set(float64(at) / 1e9)
	}
	t.planned = planned
	s.gauge.Set(boolValue(up))
	s.planned.Set(boolValue(planned))
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// markChanged flags a change for the state writer. The flag is read first
// so that a storm of events does not make every decoder write the same
// cache line.
func (m *Metrics) markChanged() {
	if !m.changed.Load() {
		m.changed.Store(true)
	}
}

// StateChanged reports whether anything Snapshot returns changed since the
// last call.
func (m *Metrics) StateChanged() bool { return m.changed.Swap(false) }

// Snapshot returns what the state file keeps: every tunnel's state and
// every failure series' last-failure time. Counters are not part of it.
func (m *Metrics) Snapshot() (tunnels []state.Tunnel, failures []state.Failure) {
	m.tunnelSeries.mu.RLock()
	tunnels = make([]state.Tunnel, 0, len(m.tunnelSeries.entries))
	for k, e := range m.tunnelSeries.entries {
		t := e.tunnel
		t.mu.Lock()
		if t.known {
			tunnels = append(tunnels, state.Tunnel{
				Device: k[0], Peer: k[1], Up: t.up, Planned: t.planned, DownReason: t.downReason,
				LastChange: time.Unix(0, t.since).UTC(),
				LastUpdate: time.Unix(0, e.lastUpdate.Load()).UTC(),
				Interface:  t.iface, Vsys: t.vsys, Downs: t.downs.hours(),
			})
		}
		t.mu.Unlock()
	}
	m.tunnelSeries.mu.RUnlock()

	m.failureSeries.mu.RLock()
	failures = make([]state.Failure, 0, len(m.failureSeries.entries))
	for k, e := range m.failureSeries.entries {
		// The last update of a failure series is its last failure.
		failures = append(failures, state.Failure{
			Device: k[0], Peer: k[1], Interface: k[2], Vsys: k[3], Reason: k[4], ReasonCode: k[5],
			LastFailure: time.Unix(0, e.lastUpdate.Load()).UTC(),
		})
	}
	m.failureSeries.mu.RUnlock()
	return tunnels, failures
}

// RestoreStats says what Restore did with the entries of a state file.
type RestoreStats struct {
	Tunnels, Failures int // restored
	// Expired were older than series_ttl; OverLimit did not fit under
	// max_series (the most recent entries are restored first); Duplicates
	// repeated a label set already restored.
	Expired, OverLimit, Duplicates int
}

// Restore brings back the tunnel states and last-failure times of a state
// file. It obeys the limits as events do: an entry whose last update is
// older than series_ttl is not restored, and no family grows beyond
// max_series. Counters of restored failure series start at 0, unless
// RestoreCounters continues them (a clean shutdown's). Call it before the
// receiver starts.
func (m *Metrics) Restore(tunnels []state.Tunnel, failures []state.Failure, now time.Time) RestoreStats {
	var st RestoreStats
	tunnels = slices.Clone(tunnels)
	slices.SortStableFunc(tunnels, func(a, b state.Tunnel) int { return b.LastUpdate.Compare(a.LastUpdate) })
	for _, t := range tunnels {
		key := [2]string{t.Device, t.Peer}
		e, outcome := m.tunnelSeries.restore(key, t.LastUpdate, now, func() *series { return m.newTunnelSeries(key) })
		if !st.count(outcome) {
			continue
		}
		since := t.LastChange
		if since.IsZero() {
			since = t.LastUpdate
		}
		e.tunnel.mu.Lock()
		e.tunnel.apply(e, t.Up, t.Planned && !t.Up, since.UnixNano())
		heard := t.LastUpdate
		if heard.Before(since) {
			heard = since // a file that lacks the time of the last notification
		}
		e.tunnel.lastHeard.Set(float64(heard.UnixNano()) / 1e9)
		e.tunnel.downReason = t.DownReason
		e.tunnel.iface, e.tunnel.vsys = t.Interface, t.Vsys
		e.tunnel.downs.restore(t.Downs, now)
		e.tunnel.mu.Unlock()
		st.Tunnels++
	}

	failures = slices.Clone(failures)
	slices.SortStableFunc(failures, func(a, b state.Failure) int { return b.LastFailure.Compare(a.LastFailure) })
	for _, f := range failures {
		key := [6]string{f.Device, f.Peer, f.Interface, f.Vsys, f.Reason, f.ReasonCode}
		e, outcome := m.failureSeries.restore(key, f.LastFailure, now, func() *series {
			return &series{
				counter: m.failures.WithLabelValues(key[:]...),
				gauge:   m.lastFailure.WithLabelValues(key[:]...),
			}
		})
		if !st.count(outcome) {
			continue
		}
		e.gauge.Set(float64(f.LastFailure.UnixNano()) / 1e9)
		st.Failures++
	}
	return st
}

type restoreOutcome uint8

const (
	restored restoreOutcome = iota
	restoreExpired
	restoreOverLimit
	restoreDuplicate
	restoreNoSeries // a failure counter whose series Restore did not bring back
	restoreInvalid  // an unknown family or label set
)

// count tallies an outcome other than restored and reports whether the
// entry was restored.
func (st *RestoreStats) count(o restoreOutcome) bool {
	switch o {
	case restoreExpired:
		st.Expired++
	case restoreOverLimit:
		st.OverLimit++
	case restoreDuplicate:
		st.Duplicates++
	}
	return o == restored
}

// restore adds a series last updated at lastUpdate, unless it is older than
// the TTL at now, the family is full, or the key is already there.
func (s *seriesIndex[K]) restore(key K, lastUpdate, now time.Time, create func() *series) (*series, restoreOutcome) {
	if ttl := time.Duration(s.ttl.Load()); ttl > 0 && now.Sub(lastUpdate) > ttl {
		return nil, restoreExpired
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[key]; ok {
		return nil, restoreDuplicate
	}
	if limit := s.maxSeries.Load(); limit > 0 && int64(len(s.entries)) >= limit {
		return nil, restoreOverLimit
	}
	e := create()
	e.lastUpdate.Store(lastUpdate.UnixNano())
	s.entries[key] = e
	return e, restored
}
