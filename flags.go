package main

import (
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/syslogin"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// flags are the run command's flags, declared in one place; the README's
// flags table documents them.
type flags struct {
	trapAddresses  *[]string
	communities    *[]string
	receiveBuffer  *int
	queueSize      *int
	workers        *int
	syslogAddrs    *[]string
	syslogConns    *int
	syslogIdle     *time.Duration
	syslogMaxSize  *int
	syslogTLS      *[]string
	syslogTLSWait  *time.Duration
	eventsKept     *int
	storagePath    *string
	storagePathSet bool
	writeInterval  *time.Duration
	configFile     *string
	metricsPath    *string
	logLevel       *string
	logFormat      *string
	webFlags       *web.FlagConfig
	lifecycle      *bool
}

func addFlags(app *kingpin.Application) *flags {
	f := &flags{}
	f.trapAddresses = app.Flag("trap.listen-address", "UDP address to receive traps on. Repeatable. Ports below 1024 need root or CAP_NET_BIND_SERVICE.").Default(":162").Strings()
	f.communities = app.Flag("trap.community", "SNMPv1/v2c community to accept. Repeatable. Ignored when the config file lists communities.").Default("public").Strings()
	f.receiveBuffer = app.Flag("udp.receive-buffer", "Socket receive buffer to ask the kernel for, in bytes, on every UDP socket (traps and syslog); it absorbs storms while decoders catch up.").Default("8388608").Int()
	f.queueSize = app.Flag("trap.queue-size", "Datagrams that may wait for a decoder; beyond it packets are dropped and counted as queue_full.").Default(strconv.Itoa(trapin.DefaultQueueSize)).Int()
	f.workers = app.Flag("trap.decoders", "Decode goroutines; 0 means one per CPU.").Default("0").Int()
	f.syslogAddrs = app.Flag("syslog.listen-address", "HOST:PORT to receive syslog from devices on, on UDP and TCP both. Repeatable. Off by default.").Strings()
	f.syslogTLS = app.Flag("syslog.tls-listen-address", "HOST:PORT to receive syslog over TLS on (RFC 5425), with the certificate of syslog.tls in the config file. Repeatable. Off by default.").Strings()
	f.syslogTLSWait = app.Flag("syslog.tls-handshake-timeout", "Close a syslog TLS connection whose handshake is not complete after this long.").Default(syslogin.DefaultTLSHandshakeTimeout.String()).Duration()
	f.syslogConns = app.Flag("syslog.max-connections", "Syslog TCP and TLS connections open at once; more are refused and counted.").Default(strconv.Itoa(syslogin.DefaultMaxConnections)).Int()
	f.syslogIdle = app.Flag("syslog.idle-timeout", "Close a syslog TCP or TLS connection that delivers no complete message for this long.").Default(syslogin.DefaultIdleTimeout.String()).Duration()
	f.syslogMaxSize = app.Flag("syslog.max-message-size", "Longest syslog message accepted, in bytes; longer ones are dropped as too_long.").Default(strconv.Itoa(syslogin.DefaultMaxMessageSize)).Int()
	f.eventsKept = app.Flag("events.buffer-size", "Recent events kept for /events (with the reason text as sent, which never becomes a label).").Default("1000").Int()
	f.storagePath = app.Flag("storage.path", "Directory for what the exporter cannot learn again after a restart: tunnel states, last-failure times, SNMPv3 engine boots. Empty keeps nothing.").Default(defaultStoragePath).IsSetByUser(&f.storagePathSet).String()
	f.writeInterval = app.Flag("storage.write-interval", "How soon after a change the state is written; a crash (kill -9) loses at most this much. Writes cost the same however many traps arrive.").Default("5s").Duration()
	f.configFile = app.Flag("config.file", "YAML config file: communities, SNMPv3 users, engine ID, allowed sources, device names, limits, syslog settings.").String()
	f.metricsPath = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
	f.logLevel = app.Flag("log.level", "Only log messages with the given severity or above. One of: [debug, info, warn, error]").Default("info").Enum("debug", "info", "warn", "error")
	f.logFormat = app.Flag("log.format", "Output format of log messages. One of: [logfmt, json]").Default("logfmt").Enum("logfmt", "json")
	f.webFlags = kingpinflag.AddFlags(app, defaultWebAddress)
	f.lifecycle = app.Flag("web.enable-lifecycle", "Enable reloading the configuration over HTTP (POST /-/reload), as Prometheus does. SIGHUP always reloads.").Default("false").Bool()
	return f
}

// exporterOptions turns the parsed flags into what the exporter runs with.
func (f *flags) exporterOptions() exporterOptions {
	return exporterOptions{
		trap: trapin.Options{
			ListenAddresses: *f.trapAddresses,
			ReceiveBuffer:   *f.receiveBuffer,
			QueueSize:       *f.queueSize,
			Workers:         *f.workers,
			Communities:     *f.communities,
			// EngineBoots comes from the state directory (exporter.run).
		},
		syslog: syslogin.Options{
			ListenAddresses: *f.syslogAddrs,
			MaxConnections:  *f.syslogConns,
			IdleTimeout:     *f.syslogIdle,
			MaxMessageSize:  *f.syslogMaxSize,
			ReceiveBuffer:   *f.receiveBuffer,

			TLSListenAddresses:  *f.syslogTLS,
			TLSHandshakeTimeout: *f.syslogTLSWait,
		},
		metricsPath: *f.metricsPath,
		eventsKept:  *f.eventsKept,
		webFlags:    f.webFlags,
		storage: storageOptions{
			path:          *f.storagePath,
			explicit:      f.storagePathSet,
			writeInterval: *f.writeInterval,
		},
		lifecycle: *f.lifecycle,
	}
}
