// Command ipsec_trap_exporter receives the SNMP traps Huawei firewalls and
// routers send about IPSec tunnels and exposes them as Prometheus metrics.
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/common/version"
	sloggokit "github.com/tjhop/slog-gokit"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
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
	app.Version(version.Print(exporterName))
	f := addFlags(app)
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
	switch cmd {
	case checkCmd.FullCommand():
		return checkConfig(*f.configFile)
	case sendCmd.FullCommand():
		return report("send", sendTraps(sendOpts, os.Stdout))
	case rulesCmd.FullCommand():
		return report("rules", writeRules(rulesOpts, os.Stdout))
	case explainCmd.FullCommand():
		return explain(os.Stdout, os.Stderr, *explainKey)
	case runCmd.FullCommand():
	}
	if *f.writeInterval <= 0 {
		fmt.Fprintf(os.Stderr, "%s: --storage.write-interval must be positive, got %v\n", exporterName, *f.writeInterval)
		return 2
	}
	logger, webLogger := newLogger(*f.logLevel, *f.logFormat)
	e := &exporter{logger: logger, webLogger: webLogger, configFile: *f.configFile}
	return e.run(f.exporterOptions())
}

// report prints a sub-command's error and turns it into the exit code.
func report(name string, err error) int {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// checkConfig is the check-config sub-command.
func checkConfig(file string) int {
	if file == "" {
		fmt.Fprintln(os.Stderr, "check-config needs --config.file")
		return 2
	}
	if _, err := config.Load(file); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%s: OK\n", file)
	return 0
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
	var dropped *state.CountersDroppedError
	switch {
	case errors.As(err, &dropped):
		level.Error(e.logger).Log("msg", "The counters start at 0", "err", err)
	case err != nil:
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

// applyConfig hands a new config to every input, then to the pipeline. A
// refused config must change nothing: inputs that check a config against
// their flags (the syslog input's TLS listener needs a certificate) check
// it first, and the trap input, which can refuse one too (SNMPv3 users its
// decoder cannot use), is the first to take it.
func (e *exporter) applyConfig() error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	for _, in := range e.inputs {
		if c, ok := in.(interface{ CheckConfig(*config.Config) error }); ok {
			if err := c.CheckConfig(cfg); err != nil {
				return err
			}
		}
	}
	for _, in := range e.inputs {
		if err := in.Reload(cfg); err != nil {
			return err
		}
	}
	e.metrics.SetLimits(cfg.Limits)
	e.pipeline.SetDedupWindow(time.Duration(cfg.Syslog.DedupWindow))
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
