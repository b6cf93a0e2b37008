// Package exporter is the exporter's run command: it wires the inputs
// (inputs.All), the pipeline, the state, the pages and the web server
// together, runs them, reloads the configuration on SIGHUP or POST
// /-/reload, and stops them in order. The root package's main parses the
// command line and calls Run.
package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
	pages "github.com/ipsec-trap-exporter/ipsec_trap_exporter/web"
)

// Name is the exporter's name: its version collector's and its log's.
const Name = "ipsec_trap_exporter"

// Run runs the exporter with the flags parsed and returns the exit code:
// 0 after a signal to stop, 1 when it cannot start or the web server
// fails, 2 for flags it cannot run with.
func Run(f *Flags) int {
	if *f.writeInterval <= 0 {
		fmt.Fprintf(os.Stderr, "%s: --storage.write-interval must be positive, got %v\n", Name, *f.writeInterval)
		return 2
	}
	logger, webLogger := newLogger(*f.logLevel, *f.logFormat)
	e := &exporter{logger: logger, webLogger: webLogger, configFile: *f.configFile}
	return e.run(f.exporterOptions())
}

type exporterOptions struct {
	inputs        []input.Builder // by inputs.All
	receiveBuffer int
	metricsPath   string
	eventsKept    int
	webFlags      *web.FlagConfig
	storage       storageOptions
	lifecycle     bool
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
	logger     log.Logger
	webLogger  *slog.Logger
	configFile string

	mu       sync.Mutex    // serializes reloads
	inputs   []input.Input // the ones turned on, in the order of inputs.All
	running  []input.Declaration
	pipeline *pipeline.Pipeline
	metrics  *pipeline.Metrics
	reloads  *prometheus.CounterVec
	lastOK   prometheus.Gauge
}

// run is the exporter's life: load the config, restore the state, start
// the inputs and the web server, wait for a signal, and stop in the
// reverse order so that every queued event is recorded and written.
func (e *exporter) run(opts exporterOptions) int {
	level.Info(e.logger).Log("msg", "Starting "+Name, "version", version.Info())
	level.Info(e.logger).Log("msg", "Build context", "build_context", version.BuildContext())
	cfg, err := e.loadConfig()
	if err != nil {
		level.Error(e.logger).Log("msg", "Invalid configuration", "err", err)
		return 1
	}
	reg := e.newRegistry()
	keeper, restored, err := e.restoreState(cfg, opts, reg)
	if err != nil {
		level.Error(e.logger).Log("msg", "Cannot keep state", "err", err)
		return 1
	}
	defer keeper.close()
	recent := pipeline.NewRecent(opts.eventsKept)
	if err := e.buildInputs(cfg, opts, reg, recent, restored); err != nil {
		level.Error(e.logger).Log("msg", "Cannot receive", "err", err)
		return 1
	}
	// The new engine boots are on disk before any sender can see them.
	keeper.start(e.logger)
	for i := len(e.inputs) - 1; i >= 0; i-- {
		e.inputs[i].Start() // the last of inputs.All first, traps last
	}
	stopExpiry := make(chan struct{})
	go e.expireSeries(stopExpiry)

	server, serveErr, err := e.serve(opts, reg, recent, stopExpiry)
	if err != nil {
		level.Error(e.logger).Log("msg", "Building the web pages failed", "err", err)
		return 1
	}
	code := e.waitForSignal(serveErr)
	for i := len(e.inputs) - 1; i >= 0; i-- {
		e.inputs[i].Stop() // in the same order: each drains its queue
	}
	close(stopExpiry)
	keeper.stop(e.logger)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
	level.Info(e.logger).Log("msg", "Stopped")
	return code
}

// registries are where metrics are registered: all holds everything
// /metrics serves; the exporter's own metrics (process, Go, build, reloads,
// state, the inputs' counters) are also in self, which the landing page
// gathers on every request without gathering 20,000 event series. As a
// Registerer it registers on both: only the event series (pipeline.Metrics)
// go to all alone.
type registries struct{ all, self *prometheus.Registry }

func (r registries) Register(c prometheus.Collector) error {
	if err := r.all.Register(c); err != nil {
		return err
	}
	if err := r.self.Register(c); err != nil {
		r.all.Unregister(c)
		return err
	}
	return nil
}

func (r registries) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

func (r registries) Unregister(c prometheus.Collector) bool {
	self := r.self.Unregister(c)
	return r.all.Unregister(c) || self
}

// newRegistry registers the process, Go and build collectors and the
// exporter's own reload metrics.
func (e *exporter) newRegistry() registries {
	reg := registries{prometheus.NewRegistry(), prometheus.NewRegistry()}
	reg.MustRegister(
		versioncollector.NewCollector(Name),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	e.reloads = metricdef.ConfigReloads.NewCounterVec()
	e.lastOK = metricdef.ConfigLastReloadSuccessful.NewGauge()
	reg.MustRegister(e.reloads, e.lastOK)
	e.reloads.WithLabelValues("success")
	e.reloads.WithLabelValues("failure")
	e.lastOK.Set(1)
	return reg
}

// buildInputs builds the pipeline and the inputs the flags turn on, in
// the order of inputs.All. With more than one, they share a
// de-duplication window (docs/syslog.md, "No double counting").
func (e *exporter) buildInputs(cfg *config.Config, opts exporterOptions, reg registries, recent *pipeline.Recent, restored *state.State) error {
	var builders []input.Builder
	for i, d := range inputs.All {
		if opts.inputs[i].Enabled() {
			e.running = append(e.running, d)
			builders = append(builders, opts.inputs[i])
		}
	}
	var dedup *pipeline.Dedup
	if len(builders) > 1 {
		dedup = pipeline.NewDedup(time.Duration(cfg.Syslog.DedupWindow))
	}
	e.pipeline = pipeline.New(dedup, e.metrics, recent)
	// Every feed before any input: each input's counters expose a
	// duplicate reason per other input.
	feeds := make([]*pipeline.Feed, len(builders))
	for i, d := range e.running {
		feeds[i] = e.pipeline.Feed(d.Origin)
	}
	for i, b := range builders {
		in, err := b.New(input.Env{Logger: e.logger, Config: cfg, Registerer: reg, Feed: feeds[i], ReceiveBuffer: opts.receiveBuffer, Restored: restored})
		if err != nil {
			for _, built := range e.inputs {
				built.Stop()
			}
			return fmt.Errorf("%s input: %w", e.running[i].Origin, err)
		}
		e.inputs = append(e.inputs, in)
	}
	return nil
}

// serve registers every route (web/) and starts the HTTP server. The pages
// sample the drop counters until stop is closed.
func (e *exporter) serve(opts exporterOptions, reg registries, recent *pipeline.Recent, stop <-chan struct{}) (*http.Server, <-chan error, error) {
	p, err := pages.New(pages.Options{
		Recent:      recent,
		EventsKept:  opts.eventsKept,
		State:       e.metrics,
		SelfMetrics: reg.self,
		MetricsPath: opts.metricsPath,
		ConfigFile:  e.configFile,
		Lifecycle:   opts.lifecycle,
		Inputs:      e.running,
		Reload:      e.reload,
		Metrics: promhttp.HandlerFor(reg.all, promhttp.HandlerOpts{
			ErrorLog:            stdLogger{e.logger},
			MaxRequestsInFlight: 4,
			EnableOpenMetrics:   true,
		}),
	})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	p.Register(mux)
	go p.Run(stop)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- web.ListenAndServe(server, opts.webFlags, e.webLogger)
	}()
	return server, serveErr, nil
}

// waitForSignal reloads on SIGHUP and returns the exit code on SIGINT,
// SIGTERM or a web server failure.
func (e *exporter) waitForSignal(serveErr <-chan error) int {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	for {
		select {
		case sig := <-signals:
			if sig == syscall.SIGHUP {
				if err := e.reload(); err != nil {
					level.Error(e.logger).Log("msg", "Reload failed; keeping the old configuration", "err", err)
				}
				continue
			}
			level.Info(e.logger).Log("msg", "Shutting down: draining the inputs' queues", "signal", sig)
			return 0
		case err := <-serveErr:
			if !errors.Is(err, http.ErrServerClosed) {
				level.Error(e.logger).Log("msg", "Web server failed", "err", err)
				return 1
			}
			return 0
		}
	}
}

// expireSeries deletes the series not updated for limits.series_ttl, every
// minute, until stop is closed.
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
