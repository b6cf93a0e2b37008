// Package web serves the exporter's pages for people and its JSON API: the
// landing page, recent events, the reason catalogues with live counts, and
// the runbook.
//
// Every value that came from the network (peer, interface, reason text...)
// is untrusted: pages are html/template, which escapes by context, and the
// Content-Security-Policy allows no script at all. The pages need no
// JavaScript and load nothing from elsewhere; links are relative, so the
// pages also work behind a reverse proxy that serves them under a prefix.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var staticFS embed.FS

// Options is what the pages read.
type Options struct {
	// Recent is the recent-events buffer; EventsKept is its size
	// (--events.buffer-size), shown so that a short list is not a mystery.
	Recent     *pipeline.Recent
	EventsKept int
	// Gatherer is the exporter's registry: the live counts per reason and
	// the configuration status are read from the series everyone scrapes,
	// so the pages never disagree with /metrics.
	Gatherer    prometheus.Gatherer
	MetricsPath string
	ConfigFile  string // empty when the exporter runs on flags only
	// Lifecycle tells whether POST /-/reload is enabled
	// (--web.enable-lifecycle); Reload is what it calls.
	Lifecycle bool
	Reload    func() error
	// Metrics serves MetricsPath; nil leaves the path to the caller.
	Metrics http.Handler
}

// contentSecurityPolicy allows the page's own stylesheet and nothing else:
// no script can run, whatever a device managed to put into a value.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Pages serves the HTML pages and the JSON API.
type Pages struct {
	opts      Options
	templates map[string]*template.Template
	runbook   template.HTML
}

// New parses the templates and renders the runbook once: the catalogues are
// compiled in, so neither changes while the exporter runs.
func New(opts Options) (*Pages, error) {
	p := &Pages{opts: opts, templates: map[string]*template.Template{}}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parsing the page layout: %w", err)
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, page := range pages {
		name := strings.TrimPrefix(page, "templates/")
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, page)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		p.templates[name] = t
	}
	if p.runbook, err = renderRunbook(); err != nil {
		return nil, err
	}
	return p, nil
}

// Register adds every route of the exporter to mux: the metrics, the pages,
// the JSON API and the health, readiness and reload endpoints. The landing
// page takes "/" only when the metrics are elsewhere.
func (p *Pages) Register(mux *http.ServeMux) {
	if p.opts.Metrics != nil {
		mux.Handle(p.opts.MetricsPath, p.opts.Metrics)
	}
	mux.HandleFunc("/-/healthy", healthy)
	mux.HandleFunc("/-/ready", ready)
	mux.HandleFunc("/-/reload", p.reloadHandler)
	if strings.TrimSuffix(p.opts.MetricsPath, "/") != "" {
		mux.HandleFunc("GET /{$}", p.landing)
	}
	mux.HandleFunc("GET /events", p.events)
	mux.HandleFunc("GET /api/v1/events", p.eventsJSON)
	mux.HandleFunc("GET /reasons", p.reasons)
	mux.HandleFunc("GET /reasons/{key}", p.reason)
	mux.HandleFunc("GET /runbook", p.runbookPage)
	mux.HandleFunc("GET /static/style.css", serveStyle)
}

func serveStyle(w http.ResponseWriter, _ *http.Request) {
	css, _ := staticFS.ReadFile("static/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(css)
}

// page is what the layout needs besides the page's own data.
type page struct {
	Title string
	Nav   string // the nav entry to mark as current
	Root  string // relative path to the site root: "./" or "../"
	// MetricsPath is --web.telemetry-path, for the navigation.
	MetricsPath string
	Data        any
}

// rootOf is the relative path from the request's page to the site root, so
// links survive a reverse proxy that adds a path prefix.
func rootOf(r *http.Request) string {
	depth := strings.Count(r.URL.Path, "/") - 1
	if depth <= 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}

// render executes a page into a buffer first, so that a template error
// becomes a 500 instead of half a page.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, pg page) {
	pg.Root, pg.MetricsPath = rootOf(r), p.opts.MetricsPath
	var b bytes.Buffer
	if err := p.templates[name].ExecuteTemplate(&b, "layout.html", pg); err != nil {
		http.Error(w, "rendering the page failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// errorPage answers a bad request with a page that says what was wrong.
func (p *Pages) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p.render(w, r, status, "error.html", page{Title: http.StatusText(status), Data: msg})
}

var funcs = template.FuncMap{
	"trimSlash": func(s string) string { return strings.TrimPrefix(s, "/") },
	// count writes a counter as an integer, never in exponent form.
	"count": func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
}
