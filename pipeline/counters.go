package pipeline

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// The event counters continue across a clean restart (state/counters.go
// says when a value is safe to restore). A restored counter keeps the
// created timestamp of its first life: client_golang stamps a vector's
// child with the time it is made, which for a restored series is the
// restart, and Prometheus 3 (created-timestamp-zero-ingestion) would store
// a 0 there, a reset that never happened. keptCreated holds the first-life
// timestamps, and keptCreatedCollector puts them on the exposed series.

// keptCreated maps the counters restored from a clean shutdown to their
// created timestamps. The counters' handles are the keys: a vector's
// Collect sends the same handles WithLabelValues returned.
type keptCreated struct {
	n  atomic.Int64 // len(at), read without the lock on every scrape
	mu sync.RWMutex
	at map[prometheus.Metric]*timestamppb.Timestamp
}

func newKeptCreated() *keptCreated {
	return &keptCreated{at: make(map[prometheus.Metric]*timestamppb.Timestamp)}
}

func (k *keptCreated) set(c prometheus.Counter, t time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.at[c] = timestamppb.New(t)
	k.n.Store(int64(len(k.at)))
}

// forget drops a deleted series: a series born again is a new counter.
func (k *keptCreated) forget(c prometheus.Counter) {
	if c == nil || k.n.Load() == 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.at, c)
	k.n.Store(int64(len(k.at)))
}

func (k *keptCreated) get(m prometheus.Metric) *timestamppb.Timestamp {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.at[m]
}

// keptCreatedCollector is a counter vector whose restored series report
// their first life's created timestamp.
type keptCreatedCollector struct {
	vec  *prometheus.CounterVec
	kept *keptCreated
}

func (c keptCreatedCollector) Describe(ch chan<- *prometheus.Desc) { c.vec.Describe(ch) }

func (c keptCreatedCollector) Collect(ch chan<- prometheus.Metric) {
	if c.kept.n.Load() == 0 {
		c.vec.Collect(ch) // nothing restored, or all of it expired
		return
	}
	inner := make(chan prometheus.Metric, 256)
	go func() { c.vec.Collect(inner); close(inner) }()
	for m := range inner {
		if ts := c.kept.get(m); ts != nil {
			m = createdAt{Metric: m, ts: ts}
		}
		ch <- m
	}
}

// createdAt is a counter exposed with another created timestamp.
type createdAt struct {
	prometheus.Metric
	ts *timestamppb.Timestamp
}

func (c createdAt) Write(m *dto.Metric) error {
	if err := c.Metric.Write(m); err != nil {
		return err
	}
	if m.Counter != nil {
		m.Counter.CreatedTimestamp = c.ts
	}
	return nil
}

// CounterSnapshot returns every event counter series with its value and
// created timestamp, for the state written at a clean shutdown. Call it
// when nothing counts any more (the inputs stopped).
func (m *Metrics) CounterSnapshot() []state.Counter {
	var out []state.Counter
	out = snapshotIndex(out, m.failureSeries, metricdef.NegotiationFailures.Name, m.kept, func(k [6]string) []string { return k[:] })
	out = snapshotIndex(out, m.successSeries, metricdef.NegotiationSuccesses.Name, m.kept, func(k [2]string) []string { return k[:] })
	out = snapshotIndex(out, m.stateSeries, metricdef.TunnelStateChanges.Name, m.kept, func(k [4]string) []string { return k[:] })
	out = snapshotIndex(out, m.notifSeries, metricdef.DeviceNotifications.Name, m.kept, func(k [2]string) []string { return k[:] })
	for name, c := range m.notificationsBy {
		v, created := counterCreated(c, m.kept)
		out = append(out, state.Counter{Family: metricdef.Notifications.Name, Labels: []string{name}, Value: v, Created: created})
	}
	return out
}

func snapshotIndex[K comparable](out []state.Counter, idx *seriesIndex[K], family string, kept *keptCreated, labels func(K) []string) []state.Counter {
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	for k, e := range idx.entries {
		v, created := counterCreated(e.counter, kept)
		out = append(out, state.Counter{
			Family: family, Labels: labels(k), Value: v, Created: created,
			LastUpdate: time.Unix(0, e.lastUpdate.Load()).UTC(),
		})
	}
	return out
}

// counterCreated reads a counter's value and the created timestamp it is
// exposed with.
func counterCreated(c prometheus.Counter, kept *keptCreated) (float64, time.Time) {
	var d dto.Metric
	_ = c.Write(&d) // a counter's Write does not fail
	ts := kept.get(c)
	if ts == nil {
		ts = d.GetCounter().GetCreatedTimestamp()
	}
	return d.GetCounter().GetValue(), ts.AsTime().UTC()
}

// CounterRestoreStats says what RestoreCounters did.
type CounterRestoreStats struct {
	Restored int
	// Expired were older than series_ttl, OverLimit did not fit under
	// max_series, NoSeries belonged to a failure series Restore did not
	// bring back, Invalid named no known family or label set or held no
	// counter value.
	Expired, OverLimit, NoSeries, Invalid int
}

// RestoreCounters continues the event counters of a clean shutdown, with
// their created timestamps. Call it after Restore (a failure counter joins
// its restored failure series) and before the inputs start.
func (m *Metrics) RestoreCounters(counters []state.Counter, now time.Time) CounterRestoreStats {
	var st CounterRestoreStats
	for _, c := range counters {
		if c.Value < 0 || math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
			st.Invalid++
			continue
		}
		counter, outcome := m.restoredCounter(c, now)
		switch outcome {
		case restored:
			counter.Add(c.Value)
			m.kept.set(counter, c.Created)
			st.Restored++
		case restoreExpired:
			st.Expired++
		case restoreOverLimit:
			st.OverLimit++
		case restoreNoSeries:
			st.NoSeries++
		default: // an invalid entry, or a duplicate of one
			st.Invalid++
		}
	}
	return st
}

// restoredCounter finds or makes the series of c.
func (m *Metrics) restoredCounter(c state.Counter, now time.Time) (prometheus.Counter, restoreOutcome) {
	switch c.Family {
	case metricdef.NegotiationFailures.Name:
		var key [6]string
		if len(c.Labels) != len(key) {
			return nil, restoreInvalid
		}
		copy(key[:], c.Labels)
		m.failureSeries.mu.RLock()
		defer m.failureSeries.mu.RUnlock()
		if e := m.failureSeries.entries[key]; e != nil {
			return e.counter, restored
		}
		return nil, restoreNoSeries
	case metricdef.NegotiationSuccesses.Name:
		return restoreCounterSeries(m.successSeries, m.successes, c, now)
	case metricdef.TunnelStateChanges.Name:
		return restoreCounterSeries(m.stateSeries, m.stateChanges, c, now)
	case metricdef.DeviceNotifications.Name:
		return restoreCounterSeries(m.notifSeries, m.deviceNotifs, c, now)
	case metricdef.Notifications.Name:
		if c := m.notificationsBy[singleLabel(c.Labels)]; c != nil {
			return c, restored
		}
	}
	return nil, restoreInvalid
}

func singleLabel(labels []string) string {
	if len(labels) != 1 {
		return "\x00" // no notification's name
	}
	return labels[0]
}

// restoreCounterSeries adds the series of c to idx under the limits, as
// Restore does for tunnels and failures.
func restoreCounterSeries[K [2]string | [4]string](idx *seriesIndex[K], vec *prometheus.CounterVec, c state.Counter, now time.Time) (prometheus.Counter, restoreOutcome) {
	var key K
	if len(c.Labels) != len(key) {
		return nil, restoreInvalid
	}
	key = K(c.Labels)
	e, outcome := idx.restore(key, c.LastUpdate, now, func() *series {
		return &series{counter: vec.WithLabelValues(c.Labels...)}
	})
	if e == nil {
		return nil, outcome
	}
	return e.counter, outcome
}
