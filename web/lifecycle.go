package web

import (
	"fmt"
	"net/http"
)

// healthy and ready answer as Prometheus' own endpoints do: the process is
// up, and (the listeners are bound before the HTTP server starts) ready.
func healthy(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy") }
func ready(w http.ResponseWriter, _ *http.Request)   { fmt.Fprintln(w, "Ready") }

// reloadHandler reloads the config file on POST or PUT, and only with
// --web.enable-lifecycle: as in Prometheus, anyone who can reach the port
// must not be able to make the exporter act unless the operator asked for
// it. SIGHUP always works.
func (p *Pages) reloadHandler(w http.ResponseWriter, r *http.Request) {
	if !p.opts.Lifecycle || p.opts.Reload == nil {
		http.Error(w, "Lifecycle API is not enabled: start the exporter with --web.enable-lifecycle, or send it SIGHUP.", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.WriteHeader(http.StatusMethodNotAllowed)
		fmt.Fprintln(w, "This endpoint requires a POST request.")
		return
	}
	if err := p.opts.Reload(); err != nil {
		http.Error(w, fmt.Sprintf("reload failed, old configuration kept: %v", err), http.StatusBadRequest)
		return
	}
	fmt.Fprintln(w, "Reloaded")
}
