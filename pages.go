package main

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/collector"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/web"
)

// registerPages adds the pages for people, the JSON API, and the
// health, readiness and reload endpoints.
func (e *exporter) registerPages(mux *http.ServeMux, reg *prometheus.Registry, recent *collector.Recent, opts exporterOptions) error {
	pages, err := web.New(web.Options{
		Recent:      recent,
		EventsKept:  opts.eventsKept,
		Gatherer:    reg,
		MetricsPath: opts.metricsPath,
		ConfigFile:  e.configFile,
		Lifecycle:   opts.lifecycle,
	})
	if err != nil {
		return err
	}
	pages.Register(mux)
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
