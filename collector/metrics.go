package collector

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Drop reasons: every packet that does not become an event is counted under
// exactly one of these.
const (
	DropMalformed        = "malformed"
	DropUnknownCommunity = "unknown_community"
	DropAuthFailure      = "auth_failure"
	DropSourceNotAllowed = "source_not_allowed"
	DropQueueFull        = "queue_full"
	DropSocketOverflow   = "socket_overflow"
	DropUnsupportedPDU   = "unsupported_pdu"
	DropSeriesLimit      = "series_limit"
	DropUnsupportedSec   = "unsupported_security_model"
	DropNotInTimeWindow  = "not_in_time_window"
	DropUnknownEngineID  = "unknown_engine_id"
	DropDuplicateInform  = "duplicate_inform"
	// DropDuplicateOfSyslog is a trap whose event the device's log line
	// already counted: see Dedup.
	DropDuplicateOfSyslog = "duplicate_of_syslog"
)

var dropReasons = []string{
	DropMalformed, DropUnknownCommunity, DropAuthFailure, DropSourceNotAllowed,
	DropQueueFull, DropSocketOverflow, DropUnsupportedPDU, DropSeriesLimit,
	DropUnsupportedSec, DropNotInTimeWindow, DropUnknownEngineID, DropDuplicateInform,
	DropDuplicateOfSyslog,
}

// Limits bound the series that untrusted label values can create.
type Limits struct {
	// MaxSeries caps each event-derived metric family; 0 means no cap.
	MaxSeries int
	// SeriesTTL deletes a series not updated for this long; 0 keeps them.
	SeriesTTL time.Duration
}

// Metrics is the sink that turns Events into series, and holds the
// exporter's self-metrics.
type Metrics struct {
	failures         *prometheus.CounterVec
	lastFailure      *prometheus.GaugeVec
	successes        *prometheus.CounterVec
	tunnelUp         *prometheus.GaugeVec
	tunnelPlanned    *prometheus.GaugeVec
	tunnelChange     *prometheus.GaugeVec
	deviceNotifs     *prometheus.CounterVec
	stateChanges     *prometheus.CounterVec
	received         *prometheus.CounterVec
	dropped          *prometheus.CounterVec
	notifications    *prometheus.CounterVec
	informsAcked     prometheus.Counter
	discoveryReports prometheus.Counter

	// Handles of the bounded self-metric label sets, resolved once so that
	// the hot path never hashes labels.
	droppedBy       map[string]prometheus.Counter
	receivedBy      map[gosnmp.SnmpVersion]prometheus.Counter
	notificationsBy map[string]prometheus.Counter

	failureSeries *seriesIndex[[6]string]
	successSeries *seriesIndex[[2]string]
	tunnelSeries  *seriesIndex[[2]string]
	stateSeries   *seriesIndex[[4]string]
	notifSeries   *seriesIndex[[2]string]

	// changed is set when something the state file keeps changes (a
	// tunnel state, a last-failure time, an expiry), so that the state
	// writer writes only after a change.
	changed atomic.Bool
}

// NewMetrics registers the exporter's metrics on reg.
func NewMetrics(reg prometheus.Registerer, limits Limits) *Metrics {
	failureLabels := []string{"device", "peer", "interface", "vsys", "reason", "reason_code"}
	m := &Metrics{
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_negotiation_failures_total",
			Help: "IPSec tunnel negotiation failures reported by devices (IPSEC/4/IPSECNEGOFAIL and the router family's hwIPSecNegotiationFail).",
		}, failureLabels),
		lastFailure: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ipsec_negotiation_last_failure_timestamp_seconds",
			Help: "Unix time of the last negotiation failure of this label set, as received by the exporter.",
		}, failureLabels),
		successes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_negotiation_successes_total",
			Help: "Successful IPSec negotiations (tunnel start / negotiation success notifications).",
		}, []string{"device", "peer"}),
		tunnelUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ipsec_tunnel_up",
			Help: "1 after a tunnel up/start notification, 0 after a down/stop notification.",
		}, []string{"device", "peer"}),
		tunnelPlanned: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ipsec_tunnel_down_planned",
			Help: "1 while a tunnel is down after a planned teardown (classes lifecycle and administrative), else 0: availability SLOs and IPSecTunnelDown leave such downtime out.",
		}, []string{"device", "peer"}),
		tunnelChange: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ipsec_tunnel_last_change_timestamp_seconds",
			Help: "Unix time at which ipsec_tunnel_up last changed (or was first set), as received by the exporter; kept across restarts.",
		}, []string{"device", "peer"}),
		stateChanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_tunnel_state_changes_total",
			Help: "Tunnel up/down notifications, by new state and teardown reason (a rekey's teardown is counted here but leaves ipsec_tunnel_up alone).",
		}, []string{"device", "peer", "state", "reason"}),
		deviceNotifs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_device_notifications_total",
			Help: "Accepted notifications of the catalogue, by sending device and name.",
		}, []string{"device", "notification"}),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_trap_packets_received_total",
			Help: "SNMP packets received and parsed as the given version, whether or not they were accepted afterwards.",
		}, []string{"version"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_trap_packets_dropped_total",
			Help: "Packets that did not become an event, by reason.",
		}, []string{"reason"}),
		notifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_trap_notifications_total",
			Help: "Accepted notifications by catalogue name; other for notifications not in the catalogue.",
		}, []string{"notification"}),
		informsAcked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ipsec_trap_informs_acknowledged_total",
			Help: "Inform requests answered with a response after they were authenticated and accepted.",
		}),
		discoveryReports: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ipsec_trap_engine_discovery_reports_total",
			Help: "SNMPv3 engine discovery requests from inform senders answered with a Report: the probe for the engine ID, and the time synchronisation (boots and time 0) some stacks send next.",
		}),
		failureSeries: newSeriesIndex[[6]string](),
		successSeries: newSeriesIndex[[2]string](),
		tunnelSeries:  newSeriesIndex[[2]string](),
		stateSeries:   newSeriesIndex[[4]string](),
		notifSeries:   newSeriesIndex[[2]string](),
	}
	m.SetLimits(limits)
	reg.MustRegister(seriesCollector{m}, m.failures, m.lastFailure, m.successes, m.tunnelUp, m.tunnelPlanned, m.tunnelChange, m.stateChanges, m.deviceNotifs,
		m.received, m.dropped, m.notifications, m.informsAcked, m.discoveryReports)

	m.droppedBy = make(map[string]prometheus.Counter, len(dropReasons))
	for _, r := range dropReasons {
		m.droppedBy[r] = m.dropped.WithLabelValues(r)
	}
	m.receivedBy = map[gosnmp.SnmpVersion]prometheus.Counter{
		gosnmp.Version1:  m.received.WithLabelValues("v1"),
		gosnmp.Version2c: m.received.WithLabelValues("v2c"),
		gosnmp.Version3:  m.received.WithLabelValues("v3"),
	}
	m.notificationsBy = make(map[string]prometheus.Counter)
	for _, n := range mib.Notifications() {
		m.notificationsBy[n.Name] = m.notifications.WithLabelValues(n.Name)
	}
	m.notificationsBy[mib.NotifOther] = m.notifications.WithLabelValues(mib.NotifOther)
	return m
}

// SetLimits changes the series limits; existing series beyond a lowered
// cap stay until they expire.
func (m *Metrics) SetLimits(l Limits) {
	for _, s := range []interface{ setLimits(Limits) }{m.failureSeries, m.successSeries, m.tunnelSeries, m.stateSeries, m.notifSeries} {
		s.setLimits(l)
	}
}

// Drop counts a packet that did not become an event.
func (m *Metrics) Drop(reason string) { m.DropN(reason, 1) }

// DropN counts n packets dropped for reason.
func (m *Metrics) DropN(reason string, n float64) {
	c, ok := m.droppedBy[reason]
	if !ok {
		c = m.dropped.WithLabelValues(reason)
	}
	c.Add(n)
}

// countReceived counts a packet whose SNMP version could be read.
func (m *Metrics) countReceived(v gosnmp.SnmpVersion) { m.receivedBy[v].Inc() }

// discoveryAnswered counts a v3 engine discovery request answered with a
// Report.
func (m *Metrics) discoveryAnswered() { m.discoveryReports.Inc() }

// InformAcknowledged counts an inform answered with a response.
func (m *Metrics) InformAcknowledged() { m.informsAcked.Inc() }

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
	case KindNegotiationFailure:
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
	case KindNegotiationSuccess:
		ok = m.success(ev, now) && ok
	case KindTunnelUp:
		ok = m.success(ev, now) && ok
		ok = m.tunnelState(ev, now, "up") && ok
	case KindTunnelDown:
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
	m.failureSeries.expire(now.UnixNano(), func(l [6]string) {
		m.failures.DeleteLabelValues(l[:]...)
		m.lastFailure.DeleteLabelValues(l[:]...)
		m.markChanged()
	})
	m.successSeries.expire(now.UnixNano(), func(l [2]string) { m.successes.DeleteLabelValues(l[:]...) })
	m.tunnelSeries.expire(now.UnixNano(), func(l [2]string) {
		m.tunnelUp.DeleteLabelValues(l[:]...)
		m.tunnelPlanned.DeleteLabelValues(l[:]...)
		m.tunnelChange.DeleteLabelValues(l[:]...)
		m.markChanged()
	})
	m.notifSeries.expire(now.UnixNano(), func(l [2]string) { m.deviceNotifs.DeleteLabelValues(l[:]...) })
	m.stateSeries.expire(now.UnixNano(), func(l [4]string) { m.stateChanges.DeleteLabelValues(l[:]...) })
}

// series holds the resolved handles of one label set, so that a repeated
// event costs one map lookup on the label array and no label hashing in
// client_golang.
type series struct {
	counter    prometheus.Counter
	gauge      prometheus.Gauge
	planned    prometheus.Gauge // tunnel series only
	lastUpdate atomic.Int64
	tunnel     *tunnelStatus // tunnel series only
}

// seriesIndex bounds and ages the label sets of one metric family. The key
// is the array of label values: comparable, so lookups allocate nothing.
type seriesIndex[K comparable] struct {
	maxSeries atomic.Int64
	ttl       atomic.Int64 // nanoseconds

	mu      sync.RWMutex
	entries map[K]*series
}

func newSeriesIndex[K comparable]() *seriesIndex[K] {
	return &seriesIndex[K]{entries: make(map[K]*series)}
}

func (s *seriesIndex[K]) setLimits(l Limits) {
	s.maxSeries.Store(int64(l.MaxSeries))
	s.ttl.Store(int64(l.SeriesTTL))
}

// get returns the series for key, creating it with create when the family
// is under its limit; nil when it is full.
func (s *seriesIndex[K]) get(key K, now int64, create func() *series) *series {
	s.mu.RLock()
	e := s.entries[key]
	s.mu.RUnlock()
	if e == nil {
		s.mu.Lock()
		if e = s.entries[key]; e == nil {
			if limit := s.maxSeries.Load(); limit > 0 && int64(len(s.entries)) >= limit {
				s.mu.Unlock()
				return nil
			}
			e = create()
			s.entries[key] = e
		}
		s.mu.Unlock()
	}
	e.lastUpdate.Store(now)
	return e
}

func (s *seriesIndex[K]) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.entries)
}

func (s *seriesIndex[K]) expire(now int64, remove func(K)) {
	ttl := s.ttl.Load()
	if ttl <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, e := range s.entries {
		if now-e.lastUpdate.Load() > ttl {
			delete(s.entries, k)
			remove(k)
		}
	}
}

var (
	seriesDesc = prometheus.NewDesc("ipsec_trap_series",
		"Series the exporter holds per event-derived metric family; new label sets beyond ipsec_trap_series_limit are dropped as series_limit.",
		[]string{"metric"}, nil)
	seriesLimitDesc = prometheus.NewDesc("ipsec_trap_series_limit",
		"The configured limits.max_series per event-derived metric family; 0 means unlimited.", nil, nil)
)

// seriesCollector reports how full each family is, computed at scrape time
// from the indexes rather than kept in step on the hot path.
type seriesCollector struct{ m *Metrics }

func (c seriesCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- seriesDesc
	ch <- seriesLimitDesc
}

func (c seriesCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	for name, n := range map[string]int{
		"ipsec_negotiation_failures_total":  m.failureSeries.len(),
		"ipsec_negotiation_successes_total": m.successSeries.len(),
		"ipsec_tunnel_up":                   m.tunnelSeries.len(),
		"ipsec_tunnel_state_changes_total":  m.stateSeries.len(),
		"ipsec_device_notifications_total":  m.notifSeries.len(),
	} {
		ch <- prometheus.MustNewConstMetric(seriesDesc, prometheus.GaugeValue, float64(n), name)
	}
	ch <- prometheus.MustNewConstMetric(seriesLimitDesc, prometheus.GaugeValue, float64(m.failureSeries.maxSeries.Load()))
}
