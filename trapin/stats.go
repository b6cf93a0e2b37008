package trapin

import (
	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// Drop reasons of the trap input, beside the ones every input shares
// (pipeline.DropMalformed, DropSourceNotAllowed, DropSocketOverflow,
// DropSeriesLimit, DropDuplicateOfSyslog): every packet that does not become
// an event is counted under exactly one.
const (
	DropUnknownCommunity pipeline.DropReason = "unknown_community"
	DropAuthFailure      pipeline.DropReason = "auth_failure"
	DropQueueFull        pipeline.DropReason = "queue_full"
	DropUnsupportedPDU   pipeline.DropReason = "unsupported_pdu"
	DropUnsupportedSec   pipeline.DropReason = "unsupported_security_model"
	DropNotInTimeWindow  pipeline.DropReason = "not_in_time_window"
	DropUnknownEngineID  pipeline.DropReason = "unknown_engine_id"
	DropDuplicateInform  pipeline.DropReason = "duplicate_inform"
)

var dropReasons = []pipeline.DropReason{
	pipeline.DropMalformed, DropUnknownCommunity, DropAuthFailure, pipeline.DropSourceNotAllowed,
	DropQueueFull, pipeline.DropSocketOverflow, DropUnsupportedPDU, pipeline.DropSeriesLimit,
	DropUnsupportedSec, DropNotInTimeWindow, DropUnknownEngineID, DropDuplicateInform,
	pipeline.DropDuplicateOfSyslog,
}

// ReceiverStats are the trap receiver's own counters: what arrived, what
// was dropped and why, what was answered. The receiver owns them; the event
// sinks never see packets.
type Stats struct {
	received         *prometheus.CounterVec
	dropped          *prometheus.CounterVec
	informsAcked     prometheus.Counter
	discoveryReports prometheus.Counter

	// Handles of the bounded label sets, resolved once so that the hot path
	// never hashes labels.
	droppedBy  map[pipeline.DropReason]prometheus.Counter
	receivedBy map[gosnmp.SnmpVersion]prometheus.Counter
}

// NewReceiverStats registers the receiver's counters on reg.
func NewStats(reg prometheus.Registerer) *Stats {
	s := &Stats{
		received:         metricdef.TrapPacketsReceived.NewCounterVec(),
		dropped:          metricdef.TrapPacketsDropped.NewCounterVec(),
		informsAcked:     metricdef.TrapInformsAcknowledged.NewCounter(),
		discoveryReports: metricdef.TrapEngineDiscoveryReports.NewCounter(),
	}
	reg.MustRegister(s.received, s.dropped, s.informsAcked, s.discoveryReports)
	s.droppedBy = make(map[pipeline.DropReason]prometheus.Counter, len(dropReasons))
	for _, r := range dropReasons {
		s.droppedBy[r] = s.dropped.WithLabelValues(string(r))
	}
	s.receivedBy = map[gosnmp.SnmpVersion]prometheus.Counter{
		gosnmp.Version1:  s.received.WithLabelValues("v1"),
		gosnmp.Version2c: s.received.WithLabelValues("v2c"),
		gosnmp.Version3:  s.received.WithLabelValues("v3"),
	}
	return s
}

// Drop counts a packet that did not become an event.
func (s *Stats) Drop(reason pipeline.DropReason) { s.DropN(reason, 1) }

// DropN counts n packets dropped for reason.
func (s *Stats) DropN(reason pipeline.DropReason, n float64) {
	c, ok := s.droppedBy[reason]
	if !ok {
		c = s.dropped.WithLabelValues(string(reason))
	}
	c.Add(n)
}

// countReceived counts a packet whose SNMP version could be read.
func (s *Stats) countReceived(v gosnmp.SnmpVersion) { s.receivedBy[v].Inc() }

// discoveryAnswered counts a v3 engine discovery request answered with a
// Report.
func (s *Stats) discoveryAnswered() { s.discoveryReports.Inc() }

// informAcknowledged counts an inform answered with a response.
func (s *Stats) informAcknowledged() { s.informsAcked.Inc() }
