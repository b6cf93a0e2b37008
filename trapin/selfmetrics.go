package trapin

import (
	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// Drop reasons of the trap input, beside the ones every input shares
// (pipeline.DropMalformed, DropSourceNotAllowed, DropSocketOverflow,
// DropSeriesLimit, and pipeline.DuplicateOf each other input): every packet
// that does not become an event is counted under exactly one.
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
}

// SelfMetrics are the trap input's own metrics: what arrived, what was
// dropped and why, what was answered. The input owns them; the event sinks
// never see packets.
type SelfMetrics struct {
	dropped          *pipeline.Drops
	informsAcked     prometheus.Counter
	discoveryReports prometheus.Counter
	// receivedBy are the counters of the versions, resolved once so that
	// the hot path never hashes labels.
	receivedBy map[gosnmp.SnmpVersion]prometheus.Counter
}

// NewSelfMetrics registers the trap input's own metrics on reg.
func NewSelfMetrics(reg prometheus.Registerer) *SelfMetrics {
	received := metricdef.TrapPacketsReceived.NewCounterVec()
	dropped := metricdef.TrapPacketsDropped.NewCounterVec()
	s := &SelfMetrics{
		dropped:          pipeline.NewDrops(dropped, dropReasons...),
		informsAcked:     metricdef.TrapInformsAcknowledged.NewCounter(),
		discoveryReports: metricdef.TrapEngineDiscoveryReports.NewCounter(),
		receivedBy: map[gosnmp.SnmpVersion]prometheus.Counter{
			gosnmp.Version1:  received.WithLabelValues("v1"),
			gosnmp.Version2c: received.WithLabelValues("v2c"),
			gosnmp.Version3:  received.WithLabelValues("v3"),
		},
	}
	reg.MustRegister(received, dropped, s.informsAcked, s.discoveryReports)
	return s
}

// Drop counts a packet that did not become an event.
func (s *SelfMetrics) Drop(reason pipeline.DropReason) { s.DropN(reason, 1) }

// DropN counts n packets dropped for reason.
func (s *SelfMetrics) DropN(reason pipeline.DropReason, n float64) { s.dropped.Add(reason, n) }

// countReceived counts a packet whose SNMP version could be read.
func (s *SelfMetrics) countReceived(v gosnmp.SnmpVersion) { s.receivedBy[v].Inc() }

// discoveryAnswered counts a v3 engine discovery request answered with a
// Report.
func (s *SelfMetrics) discoveryAnswered() { s.discoveryReports.Inc() }

// informAcknowledged counts an inform answered with a response.
func (s *SelfMetrics) informAcknowledged() { s.informsAcked.Inc() }
