// Package metricdef declares every metric family the exporter exposes, once:
// name (namespace, subsystem, name, as node_exporter builds them), help and
// labels. The collectors register these declarations; the rule and runbook
// generators, the dashboards, the pages and explain write queries with
// their names. A rename is one edit here, and TestNoFamilyNameOutsideHome
// fails when a non-test Go file elsewhere spells a family's name.
package metricdef

import "github.com/prometheus/client_golang/prometheus"

// Namespace is the first word of every family; the exporter's own health
// families are under the subsystem ExporterSubsystem.
const (
	Namespace         = "ipsec"
	ExporterSubsystem = "trap_exporter"
)

// Family is one metric family's declaration.
type Family struct {
	Name   string // the full name, e.g. ipsec_tunnel_up
	Help   string
	Labels []string
}

func family(subsystem, name, help string, labels ...string) Family {
	return Family{Name: prometheus.BuildFQName(Namespace, subsystem, name), Help: help, Labels: labels}
}

// String is the family's name, so that a Family reads as its name in
// format strings and PromQL built with fmt.
func (f Family) String() string { return f.Name }

// NewCounterVec is the family as a counter vector.
func (f Family) NewCounterVec() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: f.Name, Help: f.Help}, f.Labels)
}

// NewGaugeVec is the family as a gauge vector.
func (f Family) NewGaugeVec() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: f.Name, Help: f.Help}, f.Labels)
}

// NewCounter is the family as a counter without labels.
func (f Family) NewCounter() prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Name: f.Name, Help: f.Help})
}

// NewGauge is the family as a gauge without labels.
func (f Family) NewGauge() prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{Name: f.Name, Help: f.Help})
}

// NewDesc is the family's descriptor, for collectors computed at scrape
// time.
func (f Family) NewDesc() *prometheus.Desc {
	return prometheus.NewDesc(f.Name, f.Help, f.Labels, nil)
}

// The labels of the event families.
var (
	failureLabels = []string{"device", "peer", "interface", "vsys", "reason", "reason_code"}
	tunnelLabels  = []string{"device", "peer"}
)

// Event families: what devices reported (pipeline/metrics.go).
var (
	NegotiationFailures = family("negotiation", "failures_total",
		"IPSec tunnel negotiation failures reported by devices (IPSEC/4/IPSECNEGOFAIL and the router family's hwIPSecNegotiationFail).", failureLabels...)
	NegotiationLastFailure = family("negotiation", "last_failure_timestamp_seconds",
		"Unix time of the last negotiation failure of this label set, as received by the exporter.", failureLabels...)
	NegotiationSuccesses = family("negotiation", "successes_total",
		"Successful IPSec negotiations: tunnel up/start notifications, one per negotiation that built a tunnel (a rekey's included). Clears such as hwIPSecNegotiationSuccess are counted by name only.", tunnelLabels...)
	TunnelUp = family("tunnel", "up",
		"1 after a tunnel up/start notification, 0 after a down/stop notification.", tunnelLabels...)
	TunnelDownPlanned = family("tunnel", "down_planned",
		"1 while a tunnel is down after a planned teardown (classes lifecycle and administrative), else 0: availability SLOs and IPSecTunnelDown leave such downtime out.", tunnelLabels...)
	TunnelLastChange = family("tunnel", "last_change_timestamp_seconds",
		"Unix time at which ipsec_tunnel_up last changed (or was first set), as received by the exporter; kept across restarts.", tunnelLabels...)
	TunnelLastNotification = family("tunnel", "last_notification_timestamp_seconds",
		"Unix time of the last up or down notification of this tunnel (a rekey's teardown included), as received by the exporter; kept across restarts. Rules merge an HA pair by it: the exporter that heard last knows the state.", tunnelLabels...)
	TunnelStateChanges = family("tunnel", "state_changes_total",
		"Tunnel up/down notifications, by new state and teardown reason (a rekey's teardown is counted here but leaves ipsec_tunnel_up alone).",
		"device", "peer", "state", "reason")
	DeviceNotifications = family("device", "notifications_total",
		"Accepted notifications of the catalogue, by sending device and name.", "device", "notification")
	Notifications = family("", "notifications_total",
		"Accepted notifications (traps and log lines) by catalogue name; other for notifications not in the catalogue.", "notification")
)

// Exporter families: the exporter's own health.
var (
	Series = family(ExporterSubsystem, "series",
		"Series the exporter holds per event-derived metric family; new label sets beyond ipsec_trap_exporter_series_limit are dropped as series_limit.", "metric")
	SeriesLimit = family(ExporterSubsystem, "series_limit",
		"The configured limits.max_series per event-derived metric family; 0 means unlimited.")
	ConfigReloads = family(ExporterSubsystem, "config_reloads_total",
		"Configuration reloads by result (success, failure); a failed reload keeps the old configuration.", "result")
	ConfigLastReloadSuccessful = family(ExporterSubsystem, "config_last_reload_successful",
		"1 if the last configuration (re)load succeeded.")
	StateLastWrite = family(ExporterSubsystem, "state_last_write_timestamp_seconds",
		"Unix time of the last successful write of the state file; 0 when it was never written.")
	StateSize = family(ExporterSubsystem, "state_size_bytes",
		"Size of the state file at its last successful write.")
	StateWrites = family(ExporterSubsystem, "state_writes_total",
		"Attempts to write the state file.")
	StateWriteFailures = family(ExporterSubsystem, "state_write_failures_total",
		"Attempts to write the state file that failed; the previous file stays in place.")
	StateLastRestoreSuccessful = family(ExporterSubsystem, "state_last_restore_successful",
		"1 if the state file was read at start (or there was none yet), 0 if it was unusable and set aside, or state is not kept.")
	StateBadFiles = family(ExporterSubsystem, "state_bad_files_total",
		"State files that could not be used, by reason; each was moved aside and the exporter started empty.", "reason")
	StateCountersContinued = family(ExporterSubsystem, "state_counters_continued",
		"1 if the event counters continue the values of the last clean shutdown, 0 if they started at 0 (first start, after a crash, or state is not kept).")
)

// Trap input families (trapin/stats.go).
var (
	TrapPacketsReceived = family("trap", "packets_received_total",
		"SNMP packets received and parsed as the given version, whether or not they were accepted afterwards.", "version")
	TrapPacketsDropped = family("trap", "packets_dropped_total",
		"Packets that did not become an event, by reason.", "reason")
	TrapInformsAcknowledged = family("trap", "informs_acknowledged_total",
		"Inform requests answered with a response after they were authenticated and accepted.")
	TrapEngineDiscoveryReports = family("trap", "engine_discovery_reports_total",
		"SNMPv3 engine discovery requests from inform senders answered with a Report: the probe for the engine ID, and the time synchronisation (boots and time 0) some stacks send next.")
)

// Syslog input families (syslogin/metrics.go).
var (
	SyslogMessagesReceived = family("syslog", "messages_received_total",
		"Syslog messages read, by transport (a UDP datagram, or a TCP or TLS frame), whether or not they became an event.", "transport")
	SyslogMessagesParsed = family("syslog", "messages_parsed_total",
		"Syslog messages parsed into an IPSec event and recorded.")
	SyslogMessagesDropped = family("syslog", "messages_dropped_total",
		"Syslog messages that did not become an event, by reason.", "reason")
	SyslogTCPConnections = family("syslog", "tcp_connections",
		"Syslog TCP connections open now, TLS ones included.")
	SyslogTCPConnectionsAccepted = family("syslog", "tcp_connections_accepted_total",
		"Syslog TCP connections accepted, TLS ones included.")
	SyslogTCPConnectionsRefused = family("syslog", "tcp_connections_refused_total",
		"Syslog TCP and TLS connections closed at accept, by reason (limit, source_not_allowed).", "reason")
	SyslogTLSHandshakeFailures = family("syslog", "tls_handshake_failures_total",
		"Syslog TLS connections closed because their handshake did not complete, by reason (timeout, client_certificate, protocol).", "reason")
)

// All lists every family, for the test that keeps names in this package
// and for documentation checks.
func All() []Family {
	return []Family{
		NegotiationFailures, NegotiationLastFailure, NegotiationSuccesses, TunnelUp, TunnelDownPlanned, TunnelLastChange,
		TunnelLastNotification, TunnelStateChanges, DeviceNotifications, Notifications,
		Series, SeriesLimit, ConfigReloads, ConfigLastReloadSuccessful,
		StateLastWrite, StateSize, StateWrites, StateWriteFailures, StateLastRestoreSuccessful, StateBadFiles, StateCountersContinued,
		TrapPacketsReceived, TrapPacketsDropped, TrapInformsAcknowledged, TrapEngineDiscoveryReports,
		SyslogMessagesReceived, SyslogMessagesParsed, SyslogMessagesDropped, SyslogTCPConnections,
		SyslogTCPConnectionsAccepted, SyslogTCPConnectionsRefused, SyslogTLSHandshakeFailures,
	}
}
