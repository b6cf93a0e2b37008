package syslogin

import (
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// Origin is the syslog input's name (see input.Declaration.Origin).
const Origin pipeline.Origin = "syslog"

// Declaration is the syslog input, as the exporter knows it.
var Declaration = input.Declaration{
	Origin:   Origin,
	Title:    "Syslog",
	Received: metricdef.SyslogMessagesReceived,
	Dropped:  metricdef.SyslogMessagesDropped,
	Optional: true,
	Flags:    addFlags,
	Health: input.Health{
		Lost: input.Alert{
			Name:    "IPSecSyslogDropped",
			Comment: "The syslog input's socket overflowed, or its TCP listener turned connections away at --syslog.max-connections: log lines are lost before the exporter reads them.",
			Counts: []input.Count{
				{Family: metricdef.SyslogMessagesDropped, Reasons: []string{string(pipeline.DropSocketOverflow)}},
				{Family: metricdef.SyslogTCPConnectionsRefused, Reasons: []string{RefusedLimit}},
			},
			Summary:     "Trap exporter {{ $labels.instance }} loses syslog ({{ $labels.reason }})",
			Description: `{{ $labels.instance }} lost {{ $value | printf "%.0f" }} syslog messages or connections in the last 5 minutes because of {{ $labels.reason }}.`,
			Remediation: "socket_overflow means the kernel's receive buffer of a syslog UDP socket overflowed before the exporter read it: raise net.core.rmem_max so the exporter gets --udp.receive-buffer, and look for a log storm (" + metricdef.SyslogMessagesReceived.Name + "). limit means more TCP senders than --syslog.max-connections: raise it, or send through a relay.",
			Runbook:     "syslog-dropped",
		},
		Refused: input.Alert{
			Name:    "IPSecSyslogRejected",
			Comment: "Log lines refused before they became events: senders outside allowed_sources, lines that are not syslog or are too long, TLS senders whose client certificate is missing or not signed by client_ca_file (timeouts and protocol failures are not refusals: a scanner or a slow link makes them). A few happen; more than 10 in 15 minutes is a misconfigured sender or someone trying.",
			Counts: []input.Count{
				{Family: metricdef.SyslogMessagesDropped, Reasons: []string{string(pipeline.DropMalformed), string(DropTooLong), string(pipeline.DropSourceNotAllowed)}},
				{Family: metricdef.SyslogTCPConnectionsRefused, Reasons: []string{RefusedSourceAllowed}},
				{Family: metricdef.SyslogTLSHandshakeFailures, Reasons: []string{TLSFailClientCertificate}},
			},
			Summary:     "Trap exporter {{ $labels.instance }} rejects syslog ({{ $labels.reason }})",
			Description: `{{ $labels.instance }} rejected {{ $value | printf "%.0f" }} syslog messages or connections in the last 15 minutes as {{ $labels.reason }}.`,
			Remediation: "source_not_allowed means a sender outside allowed_sources (add it, or block it); malformed means data that is not syslog or a broken TCP frame; too_long means messages longer than --syslog.max-message-size; client_certificate means a TLS sender without a client certificate, or with one that syslog.tls.client_ca_file did not sign (give the device a certificate from that CA, or block it). Find the sender in the exporter's debug log.",
			Runbook:     "syslog-rejected",
		},
		Panel: "Syslog messages per second that did not become an event, per instance and reason (socket_overflow, malformed, too_long, source_not_allowed, not_huawei, other_message, duplicate_of_trap, series_limit), beside the messages received. Empty while the syslog input is off.",
	},
}

// flags are the syslog input's flags; --udp.receive-buffer is every UDP
// input's (input.Env).
type flags struct {
	addresses    *[]string
	tlsAddresses *[]string
	tlsWait      *time.Duration
	conns        *int
	idle         *time.Duration
	maxSize      *int
}

func addFlags(app *kingpin.Application) input.Builder {
	return &flags{
		addresses:    app.Flag("syslog.listen-address", "HOST:PORT to receive syslog from devices on, on UDP and TCP both. Repeatable. Off by default.").Strings(),
		tlsAddresses: app.Flag("syslog.tls-listen-address", "HOST:PORT to receive syslog over TLS on (RFC 5425), with the certificate of syslog.tls in the config file. Repeatable. Off by default.").Strings(),
		tlsWait:      app.Flag("syslog.tls-handshake-timeout", "Close a syslog TLS connection whose handshake is not complete after this long.").Default(DefaultTLSHandshakeTimeout.String()).Duration(),
		conns:        app.Flag("syslog.max-connections", "Syslog TCP and TLS connections open at once; more are refused and counted.").Default(strconv.Itoa(DefaultMaxConnections)).Int(),
		idle:         app.Flag("syslog.idle-timeout", "Close a syslog TCP or TLS connection that delivers no complete message for this long.").Default(DefaultIdleTimeout.String()).Duration(),
		maxSize:      app.Flag("syslog.max-message-size", "Longest syslog message accepted, in bytes; longer ones are dropped as too_long.").Default(strconv.Itoa(DefaultMaxMessageSize)).Int(),
	}
}

// Enabled is true when the flags give the syslog input an address, plain
// or TLS.
func (f *flags) Enabled() bool { return len(*f.addresses) > 0 || len(*f.tlsAddresses) > 0 }

// New builds the syslog input.
func (f *flags) New(env input.Env) (input.Input, error) {
	opts := Options{
		ListenAddresses:     *f.addresses,
		MaxConnections:      *f.conns,
		IdleTimeout:         *f.idle,
		MaxMessageSize:      *f.maxSize,
		ReceiveBuffer:       env.ReceiveBuffer,
		TLSListenAddresses:  *f.tlsAddresses,
		TLSHandshakeTimeout: *f.tlsWait,
	}
	return New(env.Logger, opts, PolicyFrom(env.Config), env.Registerer, env.Feed)
}
