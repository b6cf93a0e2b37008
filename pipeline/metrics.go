package pipeline

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Metrics is the sink that turns Events into series. It is a pure consumer
// of events, whatever their input; the inputs count their own packets and
// drops (ReceiverStats for traps).
type Metrics struct {
	failures      *prometheus.CounterVec
	lastFailure   *prometheus.GaugeVec
	successes     *prometheus.CounterVec
	tunnelUp      *prometheus.GaugeVec
	tunnelPlanned *prometheus.GaugeVec
	tunnelChange  *prometheus.GaugeVec
	tunnelHeard   *prometheus.GaugeVec
	deviceNotifs  *prometheus.CounterVec
	stateChanges  *prometheus.CounterVec
	notifications *prometheus.CounterVec

	// Handles of the notification label values, resolved once so that the
	// hot path never hashes labels.
	notificationsBy map[string]prometheus.Counter

	failureSeries *seriesIndex[[6]string]
	successSeries *seriesIndex[[2]string]
	tunnelSeries  *seriesIndex[[2]string]
	stateSeries   *seriesIndex[[4]string]
	notifSeries   *seriesIndex[[2]string]

	// kept holds the created timestamps of counters restored from a
	// clean shutdown (counters.go).
	kept *keptCreated

	// changed is set when something the state file keeps changes (a
	// tunnel state, a last-failure time, an expiry), so that the state
	// writer writes only after a change.
	changed atomic.Bool
}

// NewMetrics registers the exporter's metrics on reg.
func NewMetrics(reg prometheus.Registerer, limits config.Limits) *Metrics {
	m := &Metrics{
		failures:      metricdef.NegotiationFailures.NewCounterVec(),
		lastFailure:   metricdef.NegotiationLastFailure.NewGaugeVec(),
		successes:     metricdef.NegotiationSuccesses.NewCounterVec(),
		tunnelUp:      metricdef.TunnelUp.NewGaugeVec(),
		tunnelPlanned: metricdef.TunnelDownPlanned.NewGaugeVec(),
		tunnelChange:  metricdef.TunnelLastChange.NewGaugeVec(),
		tunnelHeard:   metricdef.TunnelLastNotification.NewGaugeVec(),
		stateChanges:  metricdef.TunnelStateChanges.NewCounterVec(),
		deviceNotifs:  metricdef.DeviceNotifications.NewCounterVec(),
		notifications: metricdef.Notifications.NewCounterVec(),
		failureSeries: newSeriesIndex[[6]string](),
		successSeries: newSeriesIndex[[2]string](),
		tunnelSeries:  newSeriesIndex[[2]string](),
		stateSeries:   newSeriesIndex[[4]string](),
		notifSeries:   newSeriesIndex[[2]string](),
		kept:          newKeptCreated(),
	}
	m.SetLimits(limits)
	counters := func(v *prometheus.CounterVec) prometheus.Collector { return keptCreatedCollector{vec: v, kept: m.kept} }
	reg.MustRegister(seriesCollector{m}, counters(m.failures), m.lastFailure, counters(m.successes), m.tunnelUp, m.tunnelPlanned, m.tunnelChange, m.tunnelHeard,
		counters(m.stateChanges), counters(m.deviceNotifs), counters(m.notifications))

	m.notificationsBy = make(map[string]prometheus.Counter)
	for _, n := range mib.Notifications() {
		m.notificationsBy[n.Name] = m.notifications.WithLabelValues(n.Name)
	}
	m.notificationsBy[mib.NotifOther] = m.notifications.WithLabelValues(mib.NotifOther)
	return m
}

// SetLimits changes the series limits; existing series beyond a lowered
// cap stay until they expire.
func (m *Metrics) SetLimits(l config.Limits) {
	for _, s := range []interface{ setLimits(config.Limits) }{m.failureSeries, m.successSeries, m.tunnelSeries, m.stateSeries, m.notifSeries} {
		s.setLimits(l)
	}
}

// Record turns an event into series. It returns false when a series limit
// kept any of the event's series from being created; the caller counts that
// as a series_limit drop.
func (m *Metrics) Record(ev *Event) bool {
	m.notificationsBy[ev.Notification].Inc()
	now := ev.Time.UnixNano()
	ok := true
	if ev.Notification != mib.NotifOther {
		ok = m.deviceNotification(ev, now)
	}
	switch ev.Kind {
	case mib.KindNegotiationFailure:
		labels := [6]string{ev.Device, ev.Peer, ev.Interface, ev.Vsys, ev.Reason, ev.ReasonCode}
		s := m.failureSeries.get(labels, now, func() *series {
			return &series{
				counter: m.failures.WithLabelValues(labels[:]...),
				gauge:   m.lastFailure.WithLabelValues(labels[:]...),
			}
		})
		if s == nil {
			return false
		}
		s.counter.Inc()
		s.gauge.Set(float64(ev.Time.UnixNano()) / 1e9)
		m.markChanged()
	case mib.KindTunnelUp:
		ok = m.success(ev, now) && ok
		ok = m.tunnelState(ev, now, "up") && ok
	case mib.KindTunnelDown:
		ok = m.tunnelState(ev, now, "down") && ok
	}
	return ok
}

func (m *Metrics) deviceNotification(ev *Event, now int64) bool {
	labels := [2]string{ev.Device, ev.Notification}
	s := m.notifSeries.get(labels, now, func() *series {
		return &series{counter: m.deviceNotifs.WithLabelValues(labels[:]...)}
	})
	if s == nil {
		return false
	}
	s.counter.Inc()
	return true
}

func (m *Metrics) success(ev *Event, now int64) bool {
	labels := [2]string{ev.Device, ev.Peer}
	s := m.successSeries.get(labels, now, func() *series {
		return &series{counter: m.successes.WithLabelValues(labels[:]...)}
	})
	if s == nil {
		return false
	}
	s.counter.Inc()
	return true
}

// tunnelState counts a state change and moves the tunnel's gauges. A
// teardown whose class keeps the tunnel up (a rekey replaced the SA) is
// counted but leaves ipsec_tunnel_up alone: the replacement SA's start often
// arrives before the old SA's stop.
func (m *Metrics) tunnelState(ev *Event, now int64, state string) bool {
	peer := [2]string{ev.Device, ev.Peer}
	t := m.tunnelSeries.get(peer, now, func() *series { return m.newTunnelSeries(peer) })
	reason, up, planned := "", true, false
	if state == "down" {
		reason = ev.Reason
		class := mib.TeardownClassOf(reason)
		up = class.KeepsTunnelUp()
		planned = !up && class.Planned()
	}
	change := [4]string{ev.Device, ev.Peer, state, reason}
	c := m.stateSeries.get(change, now, func() *series {
		return &series{counter: m.stateChanges.WithLabelValues(change[:]...)}
	})
	if t != nil {
		// Where first: a view that sees the tunnel known sees where it runs.
		t.tunnel.locate(ev.Interface, ev.Vsys)
		t.tunnel.set(t, up, planned, reason, now, state == "down" && up)
		m.markChanged()
	}
	if c != nil {
		c.counter.Inc()
	}
	return t != nil && c != nil
}

// Expire deletes the series not updated since now minus the TTL.
func (m *Metrics) Expire(now time.Time) {
	m.failureSeries.expire(now.UnixNano(), func(l [6]string, s *series) {
		m.kept.forget(s.counter)
		m.failures.DeleteLabelValues(l[:]...)
		m.lastFailure.DeleteLabelValues(l[:]...)
		m.markChanged()
	})
	m.successSeries.expire(now.UnixNano(), func(l [2]string, s *series) {
		m.kept.forget(s.counter)
		m.successes.DeleteLabelValues(l[:]...)
	})
	m.tunnelSeries.expire(now.UnixNano(), func(l [2]string, _ *series) {
		m.tunnelUp.DeleteLabelValues(l[:]...)
		m.tunnelPlanned.DeleteLabelValues(l[:]...)
		m.tunnelChange.DeleteLabelValues(l[:]...)
		m.tunnelHeard.DeleteLabelValues(l[:]...)
		m.markChanged()
	})
	m.notifSeries.expire(now.UnixNano(), func(l [2]string, s *series) {
		m.kept.forget(s.counter)
		m.deviceNotifs.DeleteLabelValues(l[:]...)
	})
	m.stateSeries.expire(now.UnixNano(), func(l [4]string, s *series) {
		m.kept.forget(s.counter)
		m.stateChanges.DeleteLabelValues(l[:]...)
	})
}
