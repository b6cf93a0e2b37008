// Package web serves the exporter's pages for people and its JSON API: the
// landing page with what is broken now, the tunnels, recent events, the
// reason catalogues with live counts, and the runbook.
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
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
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
	// State is the pipeline's own state: tunnels, failure and state-change
	// series. The tunnels, the live counts per reason and the landing
	// page's summary come from it.
	State StateSource
	// SelfMetrics gathers the exporter's own metrics (configuration
	// reloads, what each input received and dropped), the same collectors /metrics
	// serves, so the pages never disagree with it. It must not hold the
	// event series: the landing page gathers it on every request.
	SelfMetrics prometheus.Gatherer
	MetricsPath string
	ConfigFile  string // empty when the exporter runs on flags only
	// Lifecycle tells whether POST /-/reload is enabled
	// (--web.enable-lifecycle); Reload is what it calls.
	Lifecycle bool
	Reload    func() error
	// Inputs are the inputs that run: the landing page counts what each
	// received and dropped.
	Inputs []input.Declaration
	// Metrics serves MetricsPath; nil leaves the path to the caller.
	Metrics http.Handler
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// contentSecurityPolicy allows the page's own stylesheet and nothing else:
// no script can run, whatever a device managed to put into a value.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Pages serves the HTML pages and the JSON API.
type Pages struct {
	opts      Options
	templates map[string]*template.Template
	layout    *template.Template // holds the "advice" block
	runbook   template.HTML
	drops     *dropHistory

	adviceMu sync.Mutex
	advice   map[[2]string]template.HTML // by root and advice key
}

// New parses the templates and renders the runbook once: the catalogues are
// compiled in, so neither changes while the exporter runs.
func New(opts Options) (*Pages, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Pages{opts: opts, templates: map[string]*template.Template{}, advice: map[[2]string]template.HTML{}}
	p.drops = newDropHistory(opts.SelfMetrics, opts.Inputs, opts.Now())
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parsing the page layout: %w", err)
	}
	p.layout = template.Must(base.Clone())
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
	mux.HandleFunc("GET /tunnels", p.tunnelsPage)
	mux.HandleFunc("GET /api/v1/tunnels", p.tunnelsJSON)
	mux.HandleFunc("GET /events", p.events)
	mux.HandleFunc("GET /api/v1/events", p.eventsJSON)
	mux.HandleFunc("GET /reasons", p.reasons)
	mux.HandleFunc("GET /reasons/{key}", p.reason)
	mux.HandleFunc("GET /runbook", p.runbookPage)
	mux.HandleFunc("GET /static/style.css", serveStyle)
}

// Run samples the drop counters every minute until stop is closed: the
// landing page counts the drops of the last hour from these samples.
func (p *Pages) Run(stop <-chan struct{}) { p.drops.run(stop) }

func (p *Pages) now() time.Time { return p.opts.Now() }

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
	// sizeHint is the expected size of the page in bytes, 0 when small.
	sizeHint int
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
	// A page of thousands of rows would otherwise double its buffer a
	// dozen times, three times its size in garbage.
	b.Grow(pg.sizeHint)
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

// adviceAt is what the "advice" template needs: the advice and the
// relative path to the site root for its runbook link.
type adviceAt struct {
	Root   string
	Advice *advice
}

// adviceHTML renders a piece of the catalogue's advice for a page whose
// root is root. Advice comes from the compiled-in catalogues, so each is
// rendered once per root and kept (a few hundred at most): a page of
// thousands of rows then costs no more than its own values.
func (p *Pages) adviceHTML(root string, a *advice) template.HTML {
	if a == nil {
		return ""
	}
	key := [2]string{root, a.key}
	p.adviceMu.Lock()
	defer p.adviceMu.Unlock()
	if h, ok := p.advice[key]; ok {
		return h
	}
	var b strings.Builder
	if err := p.layout.ExecuteTemplate(&b, "advice", adviceAt{root, a}); err != nil {
		return template.HTML(template.HTMLEscapeString("rendering the advice failed: " + err.Error())) //nolint:gosec // escaped
	}
	h := template.HTML(b.String()) //nolint:gosec // html/template's output
	if a.key != "" {
		p.advice[key] = h
	}
	return h
}

var funcs = template.FuncMap{
	// stamp writes an RFC 3339 time that may wrap between the date and the
	// time of day (its text stays the same).
	"stamp": func(s string) template.HTML {
		date, clock, ok := strings.Cut(s, "T")
		if !ok {
			return template.HTML(template.HTMLEscapeString(s)) //nolint:gosec // escaped
		}
		return template.HTML(template.HTMLEscapeString(date) + "T<wbr>" + template.HTMLEscapeString(clock)) //nolint:gosec // escaped
	},
	"trimSlash": func(s string) string { return strings.TrimPrefix(s, "/") },
	// count writes a counter as an integer, never in exponent form.
	"count": func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
}
