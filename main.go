// Command ipsec_trap_exporter receives the SNMP traps Huawei firewalls and
// routers send about IPSec tunnels and exposes them as Prometheus metrics.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
	sloggokit "github.com/tjhop/slog-gokit"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/collector"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/syslogin"
)

const exporterName = "ipsec_trap_exporter"

// defaultWebAddress is the HTTP port; 9162 and 9163 belong to other
// exporters in Prometheus' default port allocations, this one does not.
const defaultWebAddress = ":9983"

// defaultStoragePath is relative to the working directory, as
// Alertmanager's --storage.path is: the README's run command keeps state
// without a flag, and a service sets an absolute path (StateDirectory=).
const defaultStoragePath = "data/"

func main() {
	tuneGC()
	stampVersion()
	os.Exit(run(os.Args[1:]))
}

// tuneGC trades memory for throughput: v1/v2c traps take the lean path
// (7 small allocations a trap), but v3 traps and informs go through gosnmp
// (~280), and during a storm the default GOGC=100 would spend a large share
// of the CPU collecting a tiny live heap. GC runs a quarter as
// often, and the soft memory limit still keeps the heap well under 100 MiB.
// GOGC and GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(80 << 20)
	}
}

func run(args []string) int {
	app := kingpin.New(exporterName, "Turns the SNMP traps Huawei firewalls and routers send about IPSec tunnels into Prometheus metrics.")
	app.HelpFlag.Short('h')
	// The send sub-command's --version (v1|v2c|v3) is part of the command
	// line contract, and kingpin refuses an app-level --version beside it, so
	// the exporter's --version is answered here.
	if wantsVersion(args) {
		fmt.Println(version.Print(exporterName))
		return 0
	}

	var storagePathSet bool
	var (
		trapAddresses = app.Flag("trap.listen-address", "UDP address to receive traps on. Repeatable. Ports below 1024 need root or CAP_NET_BIND_SERVICE.").Default(":162").Strings()
		communities   = app.Flag("trap.community", "SNMPv1/v2c community to accept. Repeatable. Ignored when the config file lists communities.").Default("public").Strings()
		receiveBuffer = app.Flag("trap.receive-buffer", "Socket receive buffer to ask the kernel for, in bytes (trap and syslog UDP sockets); it absorbs trap storms while decoders catch up.").Default("8388608").Int()
		queueSize     = app.Flag("trap.queue-size", "Datagrams that may wait for a decoder; beyond it packets are dropped and counted as queue_full.").Default(strconv.Itoa(collector.DefaultQueueSize)).Int()
		workers       = app.Flag("trap.decoders", "Decode goroutines; 0 means one per CPU.").Default("0").Int()
		syslogAddrs   = app.Flag("syslog.listen-address", "HOST:PORT to receive syslog from devices on, on UDP and TCP both. Repeatable. Off by default.").Strings()
		syslogConns   = app.Flag("syslog.max-connections", "Syslog TCP and TLS connections open at once; more are refused and counted.").Default(strconv.Itoa(syslogin.DefaultMaxConnections)).Int()
		syslogIdle    = app.Flag("syslog.idle-timeout", "Close a syslog TCP or TLS connection that delivers no complete message for this long.").Default(syslogin.DefaultIdleTimeout.String()).Duration()
		syslogMaxSize = app.Flag("syslog.max-message-size", "Longest syslog message accepted, in bytes; longer ones are dropped as too_long.").Default(strconv.Itoa(syslogin.DefaultMaxMessageSize)).Int()
		syslogTLS     = app.Flag("syslog.tls-listen-address", "HOST:PORT to receive syslog over TLS on (RFC 5425), with the certificate of syslog.tls in the config file. Repeatable. Off by default.").Strings()
		syslogTLSWait = app.Flag("syslog.tls-handshake-timeout", "Close a syslog TLS connection whose handshake is not complete after this long.").Default(syslogin.DefaultTLSHandshakeTimeout.String()).Duration()
		eventsKept    = app.Flag("events.buffer-size", "Recent events kept for /events (with the reason text as sent, which never becomes a label).").Default("1000").Int()
		storagePath   = app.Flag("storage.path", "Directory for what the exporter cannot learn again after a restart: tunnel states, last-failure times, SNMPv3 engine boots. Empty keeps nothing.").Default(defaultStoragePath).IsSetByUser(&storagePathSet).String()
		writeInterval = app.Flag("storage.write-interval", "How soon after a change the state is written; a crash (kill -9) loses at most this much. Writes cost the same however many traps arrive.").Default("5s").Duration()
		configFile    = app.Flag("config.file", "YAML config file: communities, SNMPv3 users, engine ID, allowed sources, device names, limits, syslog settings.").String()
		metricsPath   = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
		logLevel      = app.Flag("log.level", "Only log messages with the given severity or above. One of: [debug, info, warn, error]").Default("info").Enum("debug", "info", "warn", "error")
		logFormat     = app.Flag("log.format", "Output format of log messages. One of: [logfmt, json]").Default("logfmt").Enum("logfmt", "json")
		webFlags      = kingpinflag.AddFlags(app, defaultWebAddress)
		lifecycle     = app.Flag("web.enable-lifecycle", "Enable reloading the configuration over HTTP (POST /-/reload), as Prometheus does. SIGHUP always reloads.").Default("false").Bool()
	)
	runCmd := app.Command("run", "Run the exporter (the default).").Default()
	checkCmd := app.Command("check-config", "Validate --config.file and exit.")
	sendCmd := app.Command("send", "Send Huawei-shaped IPSec traps: a test trap, an e2e sender, a load generator.")
	sendOpts := addSendFlags(sendCmd)
	rulesCmd := app.Command("rules", "Print the Prometheus rules (or, with --output-dir, write the rule files, dashboards and runbook) with your runbook URL.")
	rulesOpts := addRulesFlags(rulesCmd)
	explainCmd, explainKey := addExplainCommand(app)

	cmd, err := app.Parse(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", exporterName, err)
		return 2
	}
	logger, webLogger := newLogger(*logLevel, *logFormat)

	switch cmd {
	case checkCmd.FullCommand():
		if *configFile == "" {
			fmt.Fprintln(os.Stderr, "check-config needs --config.file")
			return 2
		}
		if _, err := config.Load(*configFile); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("%s: OK\n", *configFile)
		return 0
	case sendCmd.FullCommand():
		if err := sendTraps(sendOpts, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "send: %v\n", err)
			return 1
		}
		return 0
	case rulesCmd.FullCommand():
		if err := writeRules(rulesOpts, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "rules: %v\n", err)
			return 1
		}
		return 0
	case explainCmd.FullCommand():
		return explain(os.Stdout, os.Stderr, *explainKey)
	case runCmd.FullCommand():
	}
	if *writeInterval <= 0 {
		fmt.Fprintf(os.Stderr, "%s: --storage.write-interval must be positive, got %v\n", exporterName, *writeInterval)
		return 2
	}

	e := &exporter{
		logger:      logger,
		webLogger:   webLogger,
		configFile:  *configFile,
		communities: *communities,
	}
	return e.run(exporterOptions{
		receiver: collector.ReceiverOptions{
			ListenAddresses: *trapAddresses,
			ReceiveBuffer:   *receiveBuffer,
			QueueSize:       *queueSize,
			Workers:         *workers,
			// EngineBoots comes from the state directory (exporter.run).
		},
		syslog: syslogin.Options{
			ListenAddresses: *syslogAddrs,
			MaxConnections:  *syslogConns,
			IdleTimeout:     *syslogIdle,
			MaxMessageSize:  *syslogMaxSize,
			ReceiveBuffer:   *receiveBuffer,

			TLSListenAddresses:  *syslogTLS,
			TLSHandshakeTimeout: *syslogTLSWait,
		},
		metricsPath: *metricsPath,
		eventsKept:  *eventsKept,
		webFlags:    webFlags,
		storage: storageOptions{
			path:          *storagePath,
			explicit:      storagePathSet,
			writeInterval: *writeInterval,
		},
		lifecycle: *lifecycle,
	})
}

// wantsVersion reports whether args ask for the exporter's version rather
// than send's --version flag.
func wantsVersion(args []string) bool {
	found := false
	for _, a := range args {
		switch a {
		case "send":
			return false
		case "--version":
			found = true
		}
	}
	return found
}

type exporterOptions struct {
	receiver    collector.ReceiverOptions
	syslog      syslogin.Options
	metricsPath string
	eventsKept  int
	webFlags    *web.FlagConfig
	storage     storageOptions
	lifecycle   bool
}

type storageOptions struct {
	path string
	// explicit is true when the path was given on the command line: a
	// directory the exporter cannot use is then an error, not a warning.
	explicit      bool
	writeInterval time.Duration
}

// exporter holds what a reload needs.
type exporter struct {
	logger      log.Logger
	webLogger   *slog.Logger
	configFile  string
	communities []string

	mu       sync.Mutex // serializes reloads
	receiver *collector.Receiver
	syslog   *syslogin.Server // nil without --syslog.listen-address or --syslog.tls-listen-address
	dedup    *collector.Dedup // nil with syslog
	metrics  *collector.Metrics
	reloads  *prometheus.CounterVec
	lastOK   prometheus.Gauge
}

func (e *exporter) run(opts exporterOptions) int {
	logger := e.logger
	level.Info(logger).Log("msg", "Starting "+exporterName, "version", version.Info())
	level.Info(logger).Log("msg", "Build context", "build_context", version.BuildContext())

	cfg, err := e.loadConfig()
	if err != nil {
		level.Error(logger).Log("msg", "Invalid configuration", "err", err)
		return 1
	}
	policy := e.policy(cfg)

	reg := prometheus.NewRegistry()
	reg.MustRegister(
		versioncollector.NewCollector(exporterName),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	e.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ipsec_trap_exporter_config_reloads_total",
		Help: "Configuration reloads by result (success, failure); a failed reload keeps the old configuration.",
	}, []string{"result"})
	e.lastOK = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "ipsec_trap_exporter_config_last_reload_successful",
		Help: "1 if the last configuration (re)load succeeded.",
	})
	reg.MustRegister(e.reloads, e.lastOK)
	e.reloads.WithLabelValues("success")
	e.reloads.WithLabelValues("failure")
	e.lastOK.Set(1)

	store, restored, err := e.openState(opts.storage, state.NewMetrics(reg))
	if err != nil {
		level.Error(logger).Log("msg", "Cannot keep state", "err", err)
		return 1
	}
	if store != nil {
		defer store.Close()
	}
	// A new run is a new SNMPv3 engine incarnation (RFC 3414 2.2.2).
	opts.receiver.EngineBoots = state.NextEngineBoots(restored.EngineBoots)

	e.metrics = collector.NewMetrics(reg, limits(cfg))
	stats := e.metrics.Restore(restored.Tunnels, restored.Failures, time.Now())
	if store != nil {
		level.Info(logger).Log("msg", "State restored", "file", store.Path(), "tunnels", stats.Tunnels, "failure_series", stats.Failures,
			"skipped_older_than_series_ttl", stats.Expired, "skipped_over_max_series", stats.OverLimit, "engine_boots", opts.receiver.EngineBoots)
	}
	opts.receiver.Superseding = collector.NewSuperseding()
	for name, devices := range restored.Superseding {
		for _, device := range devices {
			opts.receiver.Superseding.Remember(name, device)
		}
	}
	snapshot := func() *state.State {
		tunnels, failures := e.metrics.Snapshot()
		return &state.State{EngineBoots: opts.receiver.EngineBoots, Tunnels: tunnels, Failures: failures,
			Superseding: opts.receiver.Superseding.Devices()}
	}
	stopWriter, writerDone := make(chan struct{}), make(chan struct{})
	if store != nil {
		// The new engine boots are on disk before any sender can see them.
		if err := store.Save(snapshot()); err != nil {
			level.Error(logger).Log("msg", "Writing the state failed; retrying at the next interval", "err", err)
		}
		w := &state.Writer{Store: store, Interval: opts.storage.writeInterval, Changed: e.metrics.StateChanged, Snapshot: snapshot, Logger: logger}
		go func() { w.Run(stopWriter); close(writerDone) }()
	} else {
		close(writerDone)
	}

	recent := collector.NewRecent(opts.eventsKept)
	var syslogGate collector.Gate
	if len(opts.syslog.ListenAddresses) > 0 || len(opts.syslog.TLSListenAddresses) > 0 {
		// A device may report one event both ways: the two inputs share a
		// de-duplication window (README, "No double counting").
		e.dedup = collector.NewDedup(time.Duration(cfg.Syslog.DedupWindow))
		opts.receiver.Gate = e.dedup.Gate(collector.InputTrap)
		syslogGate = e.dedup.Gate(collector.InputSyslog)
	}
	e.receiver, err = collector.NewReceiver(logger, opts.receiver, policy, collector.NewReceiverStats(reg), e.metrics, recent)
	if err != nil {
		level.Error(logger).Log("msg", "Cannot receive traps", "err", err)
		return 1
	}
	if syslogGate != nil {
		e.syslog, err = syslogin.NewServer(logger, opts.syslog, syslogPolicy(cfg), reg, syslogGate, e.metrics, recent)
		if err != nil {
			level.Error(logger).Log("msg", "Cannot receive syslog", "err", err)
			return 1
		}
		e.syslog.Start()
	}
	e.receiver.Start()

	stopExpiry := make(chan struct{})
	go e.expireSeries(stopExpiry)

	mux := http.NewServeMux()
	mux.Handle(opts.metricsPath, promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:            stdLogger{logger},
		MaxRequestsInFlight: 4,
		EnableOpenMetrics:   true,
	}))
	if err := e.registerPages(mux, reg, recent, opts); err != nil {
		level.Error(logger).Log("msg", "Building the web pages failed", "err", err)
		return 1
	}

	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- web.ListenAndServe(server, opts.webFlags, e.webLogger)
	}()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	code := 0
loop:
	for {
		select {
		case sig := <-signals:
			if sig == syscall.SIGHUP {
				if err := e.reload(); err != nil {
					level.Error(logger).Log("msg", "Reload failed; keeping the old configuration", "err", err)
				}
				continue
			}
			level.Info(logger).Log("msg", "Shutting down: draining the trap queue", "signal", sig)
			break loop
		case err := <-serveErr:
			if !errors.Is(err, http.ErrServerClosed) {
				level.Error(logger).Log("msg", "Web server failed", "err", err)
				code = 1
			}
			break loop
		}
	}
	if e.syslog != nil {
		e.syslog.Stop()
	}
	e.receiver.Stop()
	close(stopExpiry)
	close(stopWriter)
	<-writerDone
	if store != nil {
		// Every queued trap has been recorded: this write holds them all.
		if err := store.Save(snapshot()); err != nil {
			level.Error(logger).Log("msg", "Writing the state at shutdown failed", "err", err)
		} else {
			level.Info(logger).Log("msg", "State written", "file", store.Path())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
	level.Info(logger).Log("msg", "Stopped")
	return code
}

// openState opens the storage directory and reads the state file. It
// returns a nil store when state is not kept: --storage.path is empty, or
// the default directory cannot be used (a warning: an exporter that ran
// before state existed keeps running). A directory given explicitly that
// cannot be used is an error. An unusable state file is never an error: it
// is set aside and the exporter starts empty.
func (e *exporter) openState(opts storageOptions, m *state.Metrics) (*state.Store, *state.State, error) {
	if opts.path == "" {
		level.Warn(e.logger).Log("msg", "State is not kept (--storage.path is empty): a restart forgets tunnel states and last-failure times, and SNMPv3 engine boots stay at 1")
		return nil, &state.State{}, nil
	}
	store, err := state.Open(opts.path, m)
	if err != nil {
		if opts.explicit {
			return nil, nil, fmt.Errorf("--storage.path=%s: %w", opts.path, err)
		}
		level.Warn(e.logger).Log("msg", "State is not kept: the default storage directory cannot be used; set --storage.path to a writable directory",
			"path", opts.path, "err", err)
		return nil, &state.State{}, nil
	}
	restored, err := store.Load()
	if err != nil {
		level.Error(e.logger).Log("msg", "The state file is unusable; starting without the tunnel states and failure times it held",
			"err", err, "engine_boots_read", restored.EngineBoots)
	}
	return store, restored, nil
}

// loadConfig reads the config file, or builds the flag-only config.
func (e *exporter) loadConfig() (*config.Config, error) {
	if e.configFile == "" {
		return config.Default(), nil
	}
	return config.Load(e.configFile)
}

// policy maps a config to what the receiver enforces.
func (e *exporter) policy(cfg *config.Config) *collector.Policy {
	p := &collector.Policy{
		Communities: cfg.Communities,
		Devices:     cfg.Devices,
		EngineID:    string(cfg.EngineID),
	}
	if len(p.Communities) == 0 {
		p.Communities = e.communities
	}
	if ts := cfg.TunnelStatus; ts != nil {
		p.TunnelStatus = collector.TunnelStatusMap{}
		for _, v := range ts.Up {
			p.TunnelStatus[v] = collector.KindTunnelUp
		}
		for _, v := range ts.Down {
			p.TunnelStatus[v] = collector.KindTunnelDown
		}
	}
	for _, s := range cfg.AllowedSources {
		p.AllowedSources = append(p.AllowedSources, netip.Prefix(s))
	}
	for i := range cfg.Users {
		p.Users = append(p.Users, cfg.Users[i].USM())
	}
	if p.EngineID == "" && len(p.Users) > 0 {
		p.EngineID = derivedEngineID()
		level.Info(e.logger).Log("msg", "No engine_id configured; using one derived from the host name. Configure it on devices that send v3 informs, or set engine_id",
			"engine_id", fmt.Sprintf("0x%x", p.EngineID))
	}
	return p
}

// derivedEngineID is stable across restarts on one host (RFC 3411 format 4,
// text, under a private enterprise number), so devices need not rediscover
// it after every restart.
func derivedEngineID() string {
	host, _ := os.Hostname()
	sum := sha256.Sum256([]byte(exporterName + "\x00" + host))
	// 0x80001f88: RFC 3411 format under enterprise 8072 (net-snmp), as a
	// generic receiver; format 5 (octets), then 8 octets of the hash.
	id := []byte{0x80, 0x00, 0x1f, 0x88, 0x05}
	id = append(id, sum[:8]...)
	return string(id)
}

// syslogPolicy maps a config to what the syslog listener enforces: the same
// allow-list and device names as traps.
func syslogPolicy(cfg *config.Config) *syslogin.Policy {
	p := &syslogin.Policy{Devices: cfg.Devices, DeviceFromHostname: cfg.Syslog.DeviceFromHostname}
	if t := cfg.Syslog.TLS; t != nil {
		p.TLS = &syslogin.TLS{Certificate: t.Certificate, ClientCAs: t.ClientCAs}
	}
	for _, s := range cfg.AllowedSources {
		p.AllowedSources = append(p.AllowedSources, netip.Prefix(s))
	}
	return p
}

func limits(cfg *config.Config) collector.Limits {
	return collector.Limits{MaxSeries: cfg.Limits.MaxSeries, SeriesTTL: cfg.Limits.TTL()}
}

// reload applies a new config without touching the counters; a bad config
// is refused whole and the old one stays.
func (e *exporter) reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.applyConfig()
	if err != nil {
		e.reloads.WithLabelValues("failure").Inc()
		e.lastOK.Set(0)
		return err
	}
	e.reloads.WithLabelValues("success").Inc()
	e.lastOK.Set(1)
	level.Info(e.logger).Log("msg", "Configuration reloaded", "file", e.configFile)
	return nil
}

func (e *exporter) applyConfig() error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	sp := syslogPolicy(cfg)
	if e.syslog != nil {
		if err := e.syslog.CheckPolicy(sp); err != nil {
			return err
		}
	}
	if err := e.receiver.SetPolicy(e.policy(cfg)); err != nil {
		return err
	}
	e.metrics.SetLimits(limits(cfg))
	if e.syslog != nil {
		e.syslog.SetPolicy(sp)
		e.dedup.SetWindow(time.Duration(cfg.Syslog.DedupWindow))
	}
	return nil
}

func (e *exporter) expireSeries(stop <-chan struct{}) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			e.metrics.Expire(now)
		}
	}
}

// newLogger builds the go-kit logger the Prometheus way: logfmt or JSON on
// stderr, UTC timestamps, caller, level filter. The second logger is the
// slog bridge for exporter-toolkit: slog records carry their own time and
// caller, so it is built on the writer without ours, or every toolkit line
// would have both twice.
func newLogger(lvl, format string) (log.Logger, *slog.Logger) {
	var base log.Logger
	if format == "json" {
		base = log.NewJSONLogger(log.NewSyncWriter(os.Stderr))
	} else {
		base = log.NewLogfmtLogger(log.NewSyncWriter(os.Stderr))
	}
	allow, ok := map[string]level.Option{
		"debug": level.AllowDebug(), "info": level.AllowInfo(),
		"warn": level.AllowWarn(), "error": level.AllowError(),
	}[strings.ToLower(lvl)]
	if !ok {
		allow = level.AllowInfo()
	}
	logger := level.NewFilter(log.With(base, "ts", log.DefaultTimestampUTC, "caller", log.Caller(5)), allow)
	return logger, slog.New(sloggokit.NewGoKitHandler(level.NewFilter(base, allow), nil))
}

// stdLogger adapts go-kit to promhttp's ErrorLog.
type stdLogger struct{ logger log.Logger }

func (s stdLogger) Println(v ...any) { level.Error(s.logger).Log("msg", fmt.Sprint(v...)) }
