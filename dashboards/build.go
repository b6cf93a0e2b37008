package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Stable identifiers: links between the dashboards and bookmarks users make
// depend on them, so they never change once shipped.
const (
	UIDOverview  = "ipsec-overview"
	UIDDrilldown = "ipsec-drilldown"
	UIDSLO       = "ipsec-slo"
	UIDHealth    = "ipsec-exporter-health"

	// Tag is the tag the dashboards find each other by (dashboard links).
	Tag = "ipsec_trap_exporter"
)

// Tags are set on every dashboard.
var Tags = []string{"ipsec", Tag}

// All returns the dashboards in the order they are documented. Their
// runbook links point at runbookURL#anchor, the anchors of docs/runbook.md;
// the shipped files use alerts.DefaultRunbookURL, like the rules.
func All(runbookURL string) []*Dashboard {
	return []*Dashboard{Overview(runbookURL), Drilldown(runbookURL), SLO(runbookURL), ExporterHealth(runbookURL)}
}

// ds is the data source every panel and target uses: the variable, so the
// dashboards work with any Prometheus the user picks.
func ds() *Datasource { return &Datasource{Type: "prometheus", UID: "${datasource}"} }

// Label sets of the event-derived families. Two exporters of an HA pair
// receive the same traps and export the same series, differing only in
// instance, so queries first take max over exactly these labels (dropping
// job and instance); summing across instances would double every count.
const (
	failureKey = "device, peer, interface, vsys, reason, reason_code"
	tunnelKey  = "device, peer"
	stateKey   = "device, peer, state, reason"
)

const (
	metricFailures    = "ipsec_negotiation_failures_total"
	metricLastFailure = "ipsec_negotiation_last_failure_timestamp_seconds"
	metricSuccesses   = "ipsec_negotiation_successes_total"
	metricTunnelUp    = "ipsec_tunnel_up"
	metricStates      = "ipsec_tunnel_state_changes_total"
)

// sel is a selector of metric scoped by the job and instance variables plus
// extra matchers.
func sel(metric string, extra ...string) string {
	m := append([]string{`job=~"$job"`, `instance=~"$instance"`}, extra...)
	return metric + "{" + strings.Join(m, ", ") + "}"
}

func maxBy(labels, expr string) string { return "max by (" + labels + ") (" + expr + ")" }
func sumBy(labels, expr string) string { return "sum by (" + labels + ") (" + expr + ")" }
func rate(selector string) string      { return "rate(" + selector + "[$__rate_interval])" }

// increaseRange counts over the dashboard's time range: "failures in range"
// columns, which is what $__range is for.
func increaseRange(selector string) string { return "increase(" + selector + "[$__range])" }

// copyLabel duplicates label src into dst so that one label can be shown
// twice in a table with different value mappings (text, cause, runbook).
func copyLabel(expr, dst, src string) string {
	return fmt.Sprintf(`label_replace(%s, %q, "$1", %q, "(.*)")`, expr, dst, src)
}

// --- variables ---

func datasourceVar() Variable {
	return Variable{
		Description: "The Prometheus that scrapes the exporters.",
		Label:       "Data source",
		Name:        "datasource",
		Options:     []any{},
		Query:       "prometheus",
		Refresh:     1,
		Type:        "datasource",
	}
}

// queryVar is a label_values variable. all is the value Grafana sends for
// "All": ".*" rather than the list of values, so the queries stay short with
// hundreds of peers.
func queryVar(name, label, desc, query string, multi bool) Variable {
	v := Variable{
		Datasource:  ds(),
		Definition:  query,
		Description: desc,
		Label:       label,
		Multi:       multi,
		IncludeAll:  multi,
		Name:        name,
		Options:     []any{},
		Query:       VariableQuery{QryType: 1, Query: query, RefID: "PrometheusVariableQueryEditor-VariableQuery"},
		Refresh:     2, // on time range change: peers come and go
		Sort:        1,
		Type:        "query",
	}
	if multi {
		v.AllValue = ".*"
	}
	return v
}

func jobVar() Variable {
	return queryVar("job", "Job", "Prometheus job(s) scraping the exporters.",
		"label_values(ipsec_trap_exporter_build_info, job)", true)
}

func instanceVar() Variable {
	return queryVar("instance", "Instance", "Exporter instance(s); an HA pair shows as two instances with the same series.",
		`label_values(ipsec_trap_exporter_build_info{job=~"$job"}, instance)`, true)
}

func standardVars(extra ...Variable) Templating {
	return Templating{List: append([]Variable{datasourceVar(), jobVar(), instanceVar()}, extra...)}
}

// --- dashboard ---

func newDashboard(uid, file, title, desc string) *Dashboard {
	return &Dashboard{
		Annotations: Annotations{List: []map[string]any{{
			"builtIn":    1,
			"datasource": map[string]any{"type": "grafana", "uid": "-- Grafana --"},
			"enable":     true,
			"hide":       true,
			"iconColor":  "rgba(0, 211, 255, 1)",
			"name":       "Annotations & Alerts",
			"type":       "dashboard",
		}}},
		Description: desc,
		Editable:    true,
		// Shared crosshair: failures, state changes and budget line up in time.
		GraphTooltip: 1,
		Links: []Link{{
			AsDropdown:  true,
			Icon:        "external link",
			IncludeVars: true,
			KeepTime:    true,
			Tags:        []string{Tag},
			Title:       "IPSec dashboards",
			Type:        "dashboards",
		}},
		Refresh:       "1m",
		SchemaVersion: SchemaVersion,
		Tags:          slices.Clone(Tags),
		Time:          TimeRange{From: "now-6h", To: "now"},
		Title:         title,
		UID:           uid,
		Version:       1,
		File:          file,
	}
}

// layout places panels left to right on Grafana's 24-column grid, wrapping
// to a new line when a panel does not fit, and numbers them.
type layout struct {
	d          *Dashboard
	x, y, rowH int
}

func (l *layout) add(w, h int, p *Panel) {
	if l.x+w > 24 {
		l.x, l.y, l.rowH = 0, l.y+l.rowH, 0
	}
	p.GridPos = GridPos{H: h, W: w, X: l.x, Y: l.y}
	p.ID = len(l.d.Panels) + 1
	l.x += w
	l.rowH = max(l.rowH, h)
	l.d.Panels = append(l.d.Panels, p)
}

// --- panels ---

func newPanel(typ, title, desc, unit string, targets ...Target) *Panel {
	for i := range targets {
		targets[i].RefID = string(rune('A' + i))
		targets[i].Datasource = ds()
		targets[i].EditorMode = "code"
	}
	return &Panel{
		Datasource:  ds(),
		Description: desc,
		FieldConfig: FieldConfig{
			Defaults: FieldDefaults{
				Mappings:   []ValueMapping{},
				Thresholds: Thresholds{Mode: "absolute", Steps: []Step{{Color: "green"}}},
				Unit:       unit,
			},
			Overrides: []Override{},
		},
		Options: map[string]any{},
		Targets: targets,
		Title:   title,
		Type:    typ,
	}
}

// series is a range query drawn over time.
func series(expr, legend string) Target {
	return Target{Expr: expr, Format: "time_series", LegendFormat: legend, Range: true}
}

// instant is evaluated once, at the end of the range: stats and tables.
func instant(expr, legend string) Target {
	return Target{Expr: expr, Format: "time_series", Instant: true, LegendFormat: legend}
}

// table is an instant query returned as a table, one column per label.
func table(expr string) Target {
	return Target{Expr: expr, Format: "table", Instant: true, LegendFormat: "__auto"}
}

func timeseries(title, desc, unit string, stacked bool, targets ...Target) *Panel {
	p := newPanel("timeseries", title, desc, unit, targets...)
	custom := map[string]any{
		"drawStyle":         "line",
		"fillOpacity":       10,
		"lineWidth":         1,
		"pointSize":         4,
		"showPoints":        "never",
		"spanNulls":         false,
		"stacking":          map[string]any{"group": "A", "mode": "none"},
		"thresholdsStyle":   map[string]any{"mode": "off"},
		"axisSoftMin":       0,
		"lineInterpolation": "linear",
	}
	if stacked {
		custom["stacking"] = map[string]any{"group": "A", "mode": "normal"}
		custom["fillOpacity"] = 60
		custom["drawStyle"] = "bars"
	}
	p.FieldConfig.Defaults.Custom = custom
	p.FieldConfig.Defaults.Color = map[string]any{"mode": "palette-classic"}
	p.Options = map[string]any{
		"legend":  map[string]any{"calcs": []string{"max", "lastNotNull"}, "displayMode": "table", "placement": "right", "showLegend": true},
		"tooltip": map[string]any{"mode": "multi", "sort": "desc"},
	}
	return p
}

func stat(title, desc, unit string, targets ...Target) *Panel {
	p := newPanel("stat", title, desc, unit, targets...)
	p.Options = map[string]any{
		"colorMode":     "background",
		"graphMode":     "none",
		"justifyMode":   "auto",
		"orientation":   "auto",
		"reduceOptions": map[string]any{"calcs": []string{"lastNotNull"}, "fields": "", "values": false},
		"textMode":      "auto",
	}
	return p
}

func barGauge(title, desc, unit string, targets ...Target) *Panel {
	p := newPanel("bargauge", title, desc, unit, targets...)
	p.Options = map[string]any{
		"displayMode":   "gradient",
		"orientation":   "horizontal",
		"reduceOptions": map[string]any{"calcs": []string{"lastNotNull"}, "fields": "", "values": false},
		"showUnfilled":  true,
	}
	return p
}

func stateTimeline(title, desc string, targets ...Target) *Panel {
	p := newPanel("state-timeline", title, desc, "none", targets...)
	p.FieldConfig.Defaults.Custom = map[string]any{"fillOpacity": 80, "lineWidth": 0}
	p.FieldConfig.Defaults.Color = map[string]any{"mode": "thresholds"}
	p.Options = map[string]any{
		"alignValue":  "left",
		"legend":      map[string]any{"displayMode": "list", "placement": "bottom", "showLegend": true},
		"mergeValues": true,
		"rowHeight":   0.9,
		"showValue":   "auto",
		"tooltip":     map[string]any{"mode": "single", "sort": "none"},
	}
	return p
}

// tablePanel shows instant table queries: columns orders fields and renames
// them (label columns keep their names, which data links and overrides refer
// to; value columns get a title). Time is hidden. Several targets are merged
// into one row per label set.
func tablePanel(title, desc, unit string, columns [][2]string, sortBy string, targets ...Target) *Panel {
	p := newPanel("table", title, desc, unit, targets...)
	p.Options = map[string]any{
		"cellHeight": "sm",
		"footer":     map[string]any{"show": false, "reducer": []string{"sum"}, "fields": ""},
		"showHeader": true,
	}
	if sortBy != "" {
		p.Options["sortBy"] = []map[string]any{{"desc": true, "displayName": sortBy}}
	}
	p.FieldConfig.Defaults.Custom = map[string]any{"align": "auto", "cellOptions": map[string]any{"type": "auto"}, "filterable": true}
	index := map[string]int{}
	rename := map[string]string{}
	for i, c := range columns {
		index[c[0]] = i
		if c[0] != c[1] {
			rename[c[0]] = c[1]
		}
	}
	if len(targets) > 1 {
		p.Transformations = append(p.Transformations, map[string]any{"id": "merge", "options": map[string]any{}})
	}
	p.Transformations = append(p.Transformations, map[string]any{"id": "organize", "options": map[string]any{
		"excludeByName": map[string]bool{"Time": true, "__name__": true},
		"indexByName":   index,
		"renameByName":  rename,
	}})
	return p
}

// override applies properties to the field named name (after renaming).
func (p *Panel) override(name string, props ...Property) *Panel {
	p.FieldConfig.Overrides = append(p.FieldConfig.Overrides, Override{
		Matcher:    Matcher{ID: "byName", Options: name},
		Properties: props,
	})
	return p
}

func mappingsProp(m ...ValueMapping) Property { return Property{ID: "mappings", Value: m} }
func unitProp(unit string) Property           { return Property{ID: "unit", Value: unit} }
func linksProp(l ...DataLink) Property        { return Property{ID: "links", Value: l} }

func thresholds(base string, steps ...any) Thresholds {
	t := Thresholds{Mode: "absolute", Steps: []Step{{Color: base}}}
	for i := 0; i+1 < len(steps); i += 2 {
		v := steps[i].(float64)
		t.Steps = append(t.Steps, Step{Color: steps[i+1].(string), Value: &v})
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// --- mappings generated from the catalogue ---

func valueMapping(pairs [][2]string) ValueMapping {
	opts := make(map[string]MappingResult, len(pairs))
	for i, p := range pairs {
		opts[p[0]] = MappingResult{Index: i, Text: p[1]}
	}
	return ValueMapping{Type: "value", Options: opts}
}

// reasonTextMapping shows a reason slug as the vendor's text.
func reasonTextMapping() ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{r.Slug, r.Text})
	}
	pairs = append(pairs, [2]string{mib.UnknownReason, "unknown (code not in the catalogue)"})
	return valueMapping(pairs)
}

// reasonCauseMapping shows a reason slug as its possible cause.
func reasonCauseMapping() ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{r.Slug, r.Cause})
	}
	return valueMapping(pairs)
}

// reasonCodeMapping shows a reason code with its text, for the legend.
func reasonCodeMapping() ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{strconv.Itoa(r.Code), fmt.Sprintf("%d: %s", r.Code, r.Text)})
	}
	return valueMapping(pairs)
}

// runbookMapping shows a reason slug as the name of its group, which is the
// runbook's anchor: the column's data link appends the displayed text, so
// the link of every reason lands on its group's section, and the unknown
// reason on the section of the failures the catalogue does not know.
func runbookMapping() ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{r.Slug, r.Group})
	}
	pairs = append(pairs, [2]string{mib.UnknownReason, alerts.UnknownGroup.Name})
	return valueMapping(pairs)
}

// runbookSection is a panel link to a section of the runbook that is not a
// reason group (tunnel down, drops, series limit, ...).
func (p *Panel) runbookSection(runbookURL, anchor, title string) *Panel {
	p.Links = append(p.Links, DataLink{TargetBlank: true, Title: "Runbook: " + title, URL: runbookURL + "#" + anchor})
	return p
}

func runbookLink(runbookURL string) DataLink {
	return DataLink{TargetBlank: true, Title: "Runbook: ${__value.text}", URL: runbookURL + "#${__value.text}"}
}

// drilldownLink opens the drill-down for the device (and peer) of the row,
// keeping the data source, job, instance and time range.
func drilldownLink(withPeer bool) DataLink {
	u := "/d/" + UIDDrilldown + "?${datasource:queryparam}&${job:queryparam}&${instance:queryparam}&var-device=${__data.fields.device}"
	title := "Drill down to device ${__data.fields.device}"
	if withPeer {
		u += "&var-peer=${__data.fields.peer}"
		title = "Drill down to ${__data.fields.device} / ${__data.fields.peer}"
	}
	return DataLink{Title: title, URL: u + "&${__url_time_range}"}
}

// teardownMapping shows a teardown reason slug as its text and class, so
// that a rekey is told from an outage at a glance.
func teardownMapping() ValueMapping {
	pairs := [][2]string{{mib.OtherOfflineReason, "other (text not in the catalogue; see /events)"}, {"", "(no reason sent)"}}
	for _, t := range mib.Teardowns() {
		pairs = append(pairs, [2]string{t.Slug, fmt.Sprintf("%s (%s)", t.Text, t.Class)})
	}
	return valueMapping(pairs)
}

// teardownRunbookLink opens the runbook section of the row's teardown
// reason; the raw value is the slug, whatever the mapping displays.
func teardownRunbookLink(runbookURL string) DataLink {
	return DataLink{TargetBlank: true, Title: "Runbook: ${__value.raw}", URL: runbookURL + "#teardown-${__value.raw}"}
}

func upDownMapping() ValueMapping {
	return ValueMapping{Type: "value", Options: map[string]MappingResult{
		"0": {Color: "red", Index: 0, Text: "DOWN"},
		"1": {Color: "green", Index: 1, Text: "UP"},
	}}
}

// Marshal is the file content of d: indented like Grafana's export, without
// HTML escaping (PromQL has < and >), ending in a newline.
func Marshal(d *Dashboard) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	return b.Bytes(), nil
}
