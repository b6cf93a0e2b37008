package syslogin

import "github.com/prometheus/client_golang/prometheus"

// Drop reasons: every syslog message that does not become an event is
// counted under exactly one of these.
const (
	DropSourceNotAllowed = "source_not_allowed" // a UDP datagram from outside allowed_sources
	DropMalformed        = "malformed"          // not a syslog message, or a broken TCP frame
	DropTooLong          = "too_long"           // longer than --syslog.max-message-size
	DropNotHuawei        = "not_huawei"         // syslog, but without an information-centre header
	DropOtherMessage     = "other_message"      // a Huawei message that is not an IPSec event the exporter counts
	DropDuplicateOfTrap  = "duplicate_of_trap"  // the device's trap of the same event was already counted
	DropSeriesLimit      = "series_limit"       // a metric family is at limits.max_series
	DropSocketOverflow   = "socket_overflow"    // the kernel's count of datagrams lost before they were read
)

var dropReasons = []string{
	DropSourceNotAllowed, DropMalformed, DropTooLong, DropNotHuawei, DropOtherMessage,
	DropDuplicateOfTrap, DropSeriesLimit, DropSocketOverflow,
}

// Reasons a TCP connection is refused at accept.
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

// metrics are the syslog input's self-metrics. With the events it produces,
// they add up: every message read (received) is either parsed into an event
// or dropped under one reason; socket_overflow counts datagrams the kernel
// dropped before they could be read, which received cannot see.
type metrics struct {
	receivedBy map[string]prometheus.Counter
	parsed     prometheus.Counter
	droppedBy  map[string]prometheus.Counter
	dropped    *prometheus.CounterVec

	connsOpen     prometheus.Gauge
	connsAccepted prometheus.Counter
	connsRefused  map[string]prometheus.Counter
	tlsFailed     map[string]prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	received := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ipsec_syslog_messages_received_total",
		Help: "Syslog messages read, by transport (a UDP datagram or a TCP frame), whether or not they became an event.",
	}, []string{"transport"})
	parsed := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ipsec_syslog_messages_parsed_total",
		Help: "Syslog messages parsed into an IPSec event and recorded.",
	})
	dropped := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ipsec_syslog_messages_dropped_total",
		Help: "Syslog messages that did not become an event, by reason.",
	}, []string{"reason"})
	open := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "ipsec_syslog_tcp_connections",
		Help: "Syslog TCP connections open now, TLS ones included.",
	})
	accepted := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ipsec_syslog_tcp_connections_accepted_total",
		Help: "Syslog TCP connections accepted, TLS ones included.",
	})
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ipsec_syslog_tcp_connections_refused_total",
		Help: "Syslog TCP and TLS connections closed at accept, by reason (limit, source_not_allowed).",
	}, []string{"reason"})
	tlsFailed := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ipsec_syslog_tls_handshake_failures_total",
		Help: "Syslog TLS connections closed because their handshake did not complete, by reason (timeout, client_certificate, protocol).",
	}, []string{"reason"})
	reg.MustRegister(received, parsed, dropped, open, accepted, refused, tlsFailed)

	m := &metrics{
		receivedBy: map[string]prometheus.Counter{
			TransportUDP: received.WithLabelValues(TransportUDP),
			TransportTCP: received.WithLabelValues(TransportTCP),
			TransportTLS: received.WithLabelValues(TransportTLS),
		},
		parsed:        parsed,
		dropped:       dropped,
		droppedBy:     make(map[string]prometheus.Counter, len(dropReasons)),
		connsOpen:     open,
		connsAccepted: accepted,
		connsRefused: map[string]prometheus.Counter{
			RefusedLimit:         refused.WithLabelValues(RefusedLimit),
			RefusedSourceAllowed: refused.WithLabelValues(RefusedSourceAllowed),
		},
	}
	for _, r := range dropReasons {
		m.droppedBy[r] = dropped.WithLabelValues(r)
	}
	m.tlsFailed = make(map[string]prometheus.Counter, len(tlsFailReasons))
	for _, r := range tlsFailReasons {
		m.tlsFailed[r] = tlsFailed.WithLabelValues(r)
	}
	return m
}

func (m *metrics) drop(reason string) { m.dropN(reason, 1) }

func (m *metrics) dropN(reason string, n float64) {
	c, ok := m.droppedBy[reason]
	if !ok {
		c = m.dropped.WithLabelValues(reason)
	}
	c.Add(n)
}
