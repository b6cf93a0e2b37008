package trapin

import (
	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/client_golang/prometheus"
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

// ReceiverStats are the trap receiver's own counters: what arrived, what
// was dropped and why, what was answered. The receiver owns them; the event
// sinks never see packets.
type ReceiverStats struct {
	received         *prometheus.CounterVec
	dropped          *prometheus.CounterVec
	informsAcked     prometheus.Counter
	discoveryReports prometheus.Counter

	// Handles of the bounded label sets, resolved once so that the hot path
	// never hashes labels.
	droppedBy  map[string]prometheus.Counter
	receivedBy map[gosnmp.SnmpVersion]prometheus.Counter
}

// NewReceiverStats registers the receiver's counters on reg.
func NewReceiverStats(reg prometheus.Registerer) *ReceiverStats {
	s := &ReceiverStats{
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_trap_packets_received_total",
			Help: "SNMP packets received and parsed as the given version, whether or not they were accepted afterwards.",
		}, []string{"version"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipsec_trap_packets_dropped_total",
			Help: "Packets that did not become an event, by reason.",
		}, []string{"reason"}),
		informsAcked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ipsec_trap_informs_acknowledged_total",
			Help: "Inform requests answered with a response after they were authenticated and accepted.",
		}),
		discoveryReports: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ipsec_trap_engine_discovery_reports_total",
			Help: "SNMPv3 engine discovery requests from inform senders answered with a Report: the probe for the engine ID, and the time synchronisation (boots and time 0) some stacks send next.",
		}),
	}
	reg.MustRegister(s.received, s.dropped, s.informsAcked, s.discoveryReports)
	s.droppedBy = make(map[string]prometheus.Counter, len(dropReasons))
	for _, r := range dropReasons {
		s.droppedBy[r] = s.dropped.WithLabelValues(r)
	}
	s.receivedBy = map[gosnmp.SnmpVersion]prometheus.Counter{
		gosnmp.Version1:  s.received.WithLabelValues("v1"),
		gosnmp.Version2c: s.received.WithLabelValues("v2c"),
		gosnmp.Version3:  s.received.WithLabelValues("v3"),
	}
	return s
}

// Drop counts a packet that did not become an event.
func (s *ReceiverStats) Drop(reason string) { s.DropN(reason, 1) }

// DropN counts n packets dropped for reason.
func (s *ReceiverStats) DropN(reason string, n float64) {
	c, ok := s.droppedBy[reason]
	if !ok {
		c = s.dropped.WithLabelValues(reason)
	}
	c.Add(n)
}

// countReceived counts a packet whose SNMP version could be read.
func (s *ReceiverStats) countReceived(v gosnmp.SnmpVersion) { s.receivedBy[v].Inc() }

// discoveryAnswered counts a v3 engine discovery request answered with a
// Report.
func (s *ReceiverStats) discoveryAnswered() { s.discoveryReports.Inc() }

// informAcknowledged counts an inform answered with a response.
func (s *ReceiverStats) informAcknowledged() { s.informsAcked.Inc() }
