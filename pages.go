package main

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/collector"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/web"
)

// registerPages adds the pages for people, the JSON API, and the
// health, readiness and reload endpoints. The pages read the pipeline's
// state (e.metrics) and the exporter's own metrics (self); they sample the
// drop counters until stop is closed.
func (e *exporter) registerPages(mux *http.ServeMux, self prometheus.Gatherer, recent *collector.Recent, opts exporterOptions, stop <-chan struct{}) error {
	pages, err := web.New(web.Options{
		Recent:      recent,
		EventsKept:  opts.eventsKept,
		State:       e.metrics,
		SelfMetrics: self,
		MetricsPath: opts.metricsPath,
		ConfigFile:  e.configFile,
		Lifecycle:   opts.lifecycle,
	})
	if err != nil {
		return err
	}
	pages.Register(mux)
	go pages.Run(stop)
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy") })
	mux.HandleFunc("/-/ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Ready") })
	mux.HandleFunc("/-/reload", e.reloadHandler(opts.lifecycle))
	return nil
}

// reloadHandler reloads the config file on POST or PUT, and only with
// --web.enable-lifecycle: as in Prometheus, anyone who can reach the port
// must not be able to make the exporter act unless the operator asked for
// it. SIGHUP always works.
func (e *exporter) reloadHandler(enabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !enabled {
			http.Error(w, "Lifecycle API is not enabled: start the exporter with --web.enable-lifecycle, or send it SIGHUP.", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodPost && r.Method != http.MethodPut {
			w.WriteHeader(http.StatusMethodNotAllowed)
			fmt.Fprintln(w, "This endpoint requires a POST request.")
			return
		}
		if err := e.reload(); err != nil {
			http.Error(w, fmt.Sprintf("reload failed, old configuration kept: %v", err), http.StatusBadRequest)
			return
		}
		fmt.Fprintln(w, "Reloaded")
	}
}

// teeRegisterer registers every collector on two registries: the exporter's
// own metrics go to both the one /metrics serves and the small one the
// landing page reads.
type teeRegisterer struct{ all, self *prometheus.Registry }

func (t teeRegisterer) Register(c prometheus.Collector) error {
	if err := t.all.Register(c); err != nil {
		return err
	}
	if err := t.self.Register(c); err != nil {
		t.all.Unregister(c)
		return err
	}
	return nil
}

func (t teeRegisterer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := t.Register(c); err != nil {
			panic(err)
		}
	}
}

func (t teeRegisterer) Unregister(c prometheus.Collector) bool {
	self := t.self.Unregister(c)
	return t.all.Unregister(c) || self
}
