package exporter

import (
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
)

// defaultWebAddress is the HTTP port; 9162 and 9163 belong to other
// exporters in Prometheus' default port allocations, this one does not.
const defaultWebAddress = ":9983"

// defaultStoragePath is relative to the working directory, as
// Alertmanager's --storage.path is: the README's run command keeps state
// without a flag, and a service sets an absolute path (StateDirectory=).
const defaultStoragePath = "data/"

// Flags are the run command's flags, declared in one place: the
// exporter's here, each input's in its declaration (inputs.All).
type Flags struct {
	inputs         []input.Builder // by inputs.All
	receiveBuffer  *int
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

// AddFlags declares the run command's flags on app.
func AddFlags(app *kingpin.Application) *Flags {
	f := &Flags{}
	for _, d := range inputs.All {
		f.inputs = append(f.inputs, d.Flags(app))
	}
	f.receiveBuffer = app.Flag("udp.receive-buffer", "Socket receive buffer to ask the kernel for, in bytes, on every UDP socket (traps and syslog); it absorbs storms while decoders catch up.").Default("8388608").Int()
	f.eventsKept = app.Flag("events.buffer-size", "Recent events kept for /events (with the reason text as sent, which never becomes a label).").Default("1000").Int()
	f.storagePath = app.Flag("storage.path", "Directory for what the exporter cannot learn again after a restart: tunnel states, last-failure times, SNMPv3 engine boots. Empty keeps nothing.").Default(defaultStoragePath).IsSetByUser(&f.storagePathSet).String()
	f.writeInterval = app.Flag("storage.write-interval", "How soon after a change the state is written; a crash (kill -9) loses at most this much. Writes cost the same however many events arrive.").Default("5s").Duration()
	f.configFile = app.Flag("config.file", "YAML config file: communities, SNMPv3 users, engine ID, allowed sources, device names, limits, syslog settings.").String()
	f.metricsPath = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
	f.logLevel = app.Flag("log.level", "Only log messages with the given severity or above. One of: [debug, info, warn, error]").Default("info").Enum("debug", "info", "warn", "error")
	f.logFormat = app.Flag("log.format", "Output format of log messages. One of: [logfmt, json]").Default("logfmt").Enum("logfmt", "json")
	f.webFlags = kingpinflag.AddFlags(app, defaultWebAddress)
	f.lifecycle = app.Flag("web.enable-lifecycle", "Enable reloading the configuration over HTTP (POST /-/reload), as Prometheus does. SIGHUP always reloads.").Default("false").Bool()
	return f
}

// exporterOptions turns the parsed flags into what the exporter runs with.
func (f *Flags) exporterOptions() exporterOptions {
	return exporterOptions{
		inputs:        f.inputs,
		receiveBuffer: *f.receiveBuffer,
		metricsPath:   *f.metricsPath,
		eventsKept:    *f.eventsKept,
		webFlags:      f.webFlags,
		storage: storageOptions{
			path:          *f.storagePath,
			explicit:      f.storagePathSet,
			writeInterval: *f.writeInterval,
		},
		lifecycle: *f.lifecycle,
	}
}

// ConfigFile is --config.file ("" when not given).
func (f *Flags) ConfigFile() string { return *f.configFile }
