package syslogin

import (
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// Drop reasons of the syslog input, beside the ones every input shares
// (pipeline.DropSourceNotAllowed, DropMalformed, DropSeriesLimit,
// DropSocketOverflow, and pipeline.DuplicateOf each other input): every
// message that does not become an event is counted under exactly one.
const (
	DropTooLong      pipeline.DropReason = "too_long"      // longer than --syslog.max-message-size
	DropNotHuawei    pipeline.DropReason = "not_huawei"    // syslog, but in no Format's layout (Huawei's: no information-centre header)
	DropOtherMessage pipeline.DropReason = "other_message" // in a Format's layout, but not an IPSec event the exporter counts
)

var dropReasons = []pipeline.DropReason{
	pipeline.DropSourceNotAllowed, pipeline.DropMalformed, DropTooLong, DropNotHuawei, DropOtherMessage,
	pipeline.DropSeriesLimit, pipeline.DropSocketOverflow,
}

// Reasons a TCP or TLS connection is refused at accept.
const (
	RefusedLimit         = "limit"              // --syslog.max-connections are open
	RefusedSourceAllowed = "source_not_allowed" // the client is outside allowed_sources
)

// Reasons a TLS connection is closed before its handshake completed.
const (
	TLSFailTimeout           = "timeout"            // no complete handshake within --syslog.tls-handshake-timeout
	TLSFailClientCertificate = "client_certificate" // mutual TLS: no client certificate, or one client_ca_file did not sign
	TLSFailProtocol          = "protocol"           // not TLS, no common version or cipher suite, or the client gave up
)

var tlsFailReasons = []string{TLSFailTimeout, TLSFailClientCertificate, TLSFailProtocol}

// Transports: the values of the transport label.
const (
	TransportUDP = "udp"
	TransportTCP = "tcp"
	TransportTLS = "tls"
)

// selfMetrics are the syslog input's own metrics. With the events it produces,
// they add up: every message read (received) is either parsed into an event
// or dropped under one reason; socket_overflow counts datagrams the kernel
// dropped before they could be read, which received cannot see.
type selfMetrics struct {
	receivedBy map[string]prometheus.Counter
	parsed     prometheus.Counter
	dropped    *pipeline.Drops

	connsOpen     prometheus.Gauge
	connsAccepted prometheus.Counter
	connsRefused  map[string]prometheus.Counter
	tlsFailed     map[string]prometheus.Counter
}

func newSelfMetrics(reg prometheus.Registerer) *selfMetrics {
	received := metricdef.SyslogMessagesReceived.NewCounterVec()
	parsed := metricdef.SyslogMessagesParsed.NewCounter()
	dropped := metricdef.SyslogMessagesDropped.NewCounterVec()
	open := metricdef.SyslogTCPConnections.NewGauge()
	accepted := metricdef.SyslogTCPConnectionsAccepted.NewCounter()
	refused := metricdef.SyslogTCPConnectionsRefused.NewCounterVec()
	tlsFailed := metricdef.SyslogTLSHandshakeFailures.NewCounterVec()
	reg.MustRegister(received, parsed, dropped, open, accepted, refused, tlsFailed)

	m := &selfMetrics{
		receivedBy: map[string]prometheus.Counter{
			TransportUDP: received.WithLabelValues(TransportUDP),
			TransportTCP: received.WithLabelValues(TransportTCP),
			TransportTLS: received.WithLabelValues(TransportTLS),
		},
		parsed:        parsed,
		dropped:       pipeline.NewDrops(dropped, dropReasons...),
		connsOpen:     open,
		connsAccepted: accepted,
		connsRefused: map[string]prometheus.Counter{
			RefusedLimit:         refused.WithLabelValues(RefusedLimit),
			RefusedSourceAllowed: refused.WithLabelValues(RefusedSourceAllowed),
		},
	}
	m.tlsFailed = make(map[string]prometheus.Counter, len(tlsFailReasons))
	for _, r := range tlsFailReasons {
		m.tlsFailed[r] = tlsFailed.WithLabelValues(r)
	}
	return m
}

func (m *selfMetrics) drop(reason pipeline.DropReason) { m.dropN(reason, 1) }

func (m *selfMetrics) dropN(reason pipeline.DropReason, n float64) { m.dropped.Add(reason, n) }
