package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// exporterMetrics are the series the exporter exposes (DESIGN.md's metrics
// contract plus the exporter's own health), and the Prometheus and
// client_golang series the health dashboard uses. The end-to-end test checks
// that each one used really appears in a scrape.
var exporterMetrics = []string{
	"ipsec_negotiation_failures_total",
	"ipsec_negotiation_last_failure_timestamp_seconds",
	"ipsec_negotiation_successes_total",
	"ipsec_tunnel_up",
	"ipsec_tunnel_state_changes_total",
	"ipsec_trap_packets_received_total",
	"ipsec_trap_packets_dropped_total",
	"ipsec_trap_notifications_total",
	"ipsec_trap_informs_acknowledged_total",
	"ipsec_trap_engine_discovery_reports_total",
	"ipsec_trap_exporter_build_info",
	"ipsec_trap_exporter_config_last_reload_successful",
	"ipsec_trap_exporter_config_reloads_total",
	"ipsec_trap_series",
	"ipsec_trap_series_limit",
	"process_resident_memory_bytes",
	"process_cpu_seconds_total",
	"go_memstats_heap_inuse_bytes",
	"go_goroutines",
}

// prometheusMetrics are written by Prometheus itself for every target.
var prometheusMetrics = []string{"up", "scrape_duration_seconds"}

// sloRules are the recording rules of alerts/ipsec_slo.rules.yml the SLO
// dashboard reads (the names are a contract with that file).
var sloRules = func() []string {
	r := []string{ruleObjective, ruleErrorBudget, ruleBudgetRemaining}
	for _, w := range append(slices.Clone(BurnWindows), "30d") {
		r = append(r, fmt.Sprintf(ruleSLIError, w))
	}
	return r
}()

// eventMetrics derive from traps: both exporters of an HA pair expose the
// same series, so they must be combined with max, never summed.
var eventMetrics = []string{metricFailures, metricLastFailure, metricSuccesses, metricTunnelUp, metricStates}

// counterFunctions are the only places a counter may appear: its raw value
// depends on when the exporter started.
var counterFunctions = []string{"rate", "increase", "irate", "resets", "changes"}

func isCounter(metric string) bool { return strings.HasSuffix(metric, "_total") }

func isRule(metric string) bool { return strings.HasPrefix(metric, "slo:") }

// allowedMetrics is what a query may name.
func allowedMetrics() []string {
	return slices.Concat(exporterMetrics, prometheusMetrics, sloRules)
}

// loadDashboards reads every dashboard JSON file in dir.
func loadDashboards(t *testing.T, pattern string) map[string]*Dashboard {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards match %s (%v)", pattern, err)
	}
	out := map[string]*Dashboard{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d Dashboard
		dec := json.NewDecoder(strings.NewReader(string(b)))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = &d
	}
	return out
}

// varQuery is the query of a query variable, stored either as a string or
// as Grafana 10's object (a map once read from JSON).
func varQuery(v Variable) string {
	switch q := v.Query.(type) {
	case string:
		return q
	case VariableQuery:
		return q.Query
	case map[string]any:
		s, _ := q["query"].(string)
		return s
	}
	return ""
}

var labelValuesRe = regexp.MustCompile(`^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// check is one of the conventions of issue 6 item 5 (those of
// grafana/dashboard-linter, plus HA correctness); it returns what is wrong.
type check struct {
	name string
	fn   func(d *Dashboard) []string
}

var checks = []check{
	{"schema-version", func(d *Dashboard) []string {
		if d.SchemaVersion != SchemaVersion {
			return []string{fmt.Sprintf("schemaVersion %d, want %d", d.SchemaVersion, SchemaVersion)}
		}
		return nil
	}},
	{"stable-uid", func(d *Dashboard) []string {
		want := map[string]bool{UIDOverview: true, UIDDrilldown: true, UIDSLO: true, UIDHealth: true}
		if !want[d.UID] {
			return []string{fmt.Sprintf("uid %q is not one of the shipped, stable uids", d.UID)}
		}
		return nil
	}},
	{"tags", func(d *Dashboard) []string {
		var p []string
		for _, tag := range Tags {
			if !slices.Contains(d.Tags, tag) {
				p = append(p, "missing tag "+tag)
			}
		}
		return p
	}},
	{"title-and-description", func(d *Dashboard) []string {
		if d.Title == "" || d.Description == "" {
			return []string{"dashboard title or description empty"}
		}
		return nil
	}},
	{"cross-links", func(d *Dashboard) []string {
		for _, l := range d.Links {
			if l.Type == "dashboards" && slices.Contains(l.Tags, Tag) && l.KeepTime && l.IncludeVars {
				return nil
			}
		}
		return []string{"no dashboard link by tag " + Tag + " keeping time and variables"}
	}},
	{"links-resolve", func(d *Dashboard) []string {
		// Every /d/<uid> a link or data link points to is a shipped dashboard.
		var p []string
		re := regexp.MustCompile(`/d/([a-zA-Z0-9_-]+)`)
		urls := []string{}
		for _, l := range d.Links {
			urls = append(urls, l.URL)
		}
		for _, pn := range d.Panels {
			for _, l := range slices.Concat(pn.Links, pn.FieldConfig.Defaults.Links) {
				urls = append(urls, l.URL)
			}
			for _, o := range pn.FieldConfig.Overrides {
				for _, pr := range o.Properties {
					if pr.ID == "links" {
						b, _ := json.Marshal(pr.Value)
						urls = append(urls, string(b))
					}
				}
			}
		}
		for _, u := range urls {
			for _, m := range re.FindAllStringSubmatch(u, -1) {
				if !slices.Contains([]string{UIDOverview, UIDDrilldown, UIDSLO, UIDHealth}, m[1]) {
					p = append(p, "link to unknown dashboard "+m[1])
				}
			}
		}
		return p
	}},
	{"datasource-variable", func(d *Dashboard) []string {
		for _, v := range d.Templating.List {
			if v.Name == "datasource" && v.Type == "datasource" && varQuery(v) == "prometheus" {
				return nil
			}
		}
		return []string{"no datasource variable of type datasource for prometheus"}
	}},
	{"job-instance-variables", func(d *Dashboard) []string {
		var p []string
		vars := map[string]Variable{}
		for _, v := range d.Templating.List {
			vars[v.Name] = v
		}
		if v, ok := vars["job"]; !ok || v.Type != "query" || varQuery(v) != "label_values(ipsec_trap_exporter_build_info, job)" {
			p = append(p, "job variable missing or not label_values(ipsec_trap_exporter_build_info, job)")
		}
		if v, ok := vars["instance"]; !ok || v.Type != "query" ||
			varQuery(v) != `label_values(ipsec_trap_exporter_build_info{job=~"$job"}, instance)` {
			p = append(p, "instance variable missing or not scoped by $job")
		}
		for _, name := range []string{"job", "instance"} {
			if v, ok := vars[name]; ok && (!v.Multi || !v.IncludeAll || v.AllValue != ".*") {
				p = append(p, name+" variable must be multi-value with All = .*")
			}
		}
		return p
	}},
	{"variables-use-datasource-and-scope", func(d *Dashboard) []string {
		var p []string
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			if v.Datasource == nil || v.Datasource.UID != "${datasource}" {
				p = append(p, "variable "+v.Name+" does not use ${datasource}")
			}
			if v.Name == "job" || v.Name == "instance" {
				continue
			}
			m := labelValuesRe.FindStringSubmatch(varQuery(v))
			if m == nil {
				p = append(p, "variable "+v.Name+" is not a label_values query")
				continue
			}
			p = append(p, queryProblems("variable "+v.Name, m[1], false, v.Name)...)
		}
		return p
	}},
	{"panel-datasource", func(d *Dashboard) []string {
		var p []string
		for _, pn := range d.Panels {
			if pn.Datasource == nil || pn.Datasource.UID != "${datasource}" {
				p = append(p, pn.Title+": panel data source is not ${datasource}")
			}
			for _, tg := range pn.Targets {
				if tg.Datasource == nil || tg.Datasource.UID != "${datasource}" {
					p = append(p, pn.Title+" "+tg.RefID+": target data source is not ${datasource}")
				}
			}
		}
		return p
	}},
	{"panel-unit", func(d *Dashboard) []string {
		var p []string
		for _, pn := range d.Panels {
			if pn.FieldConfig.Defaults.Unit == "" {
				p = append(p, pn.Title+": no unit")
			}
		}
		return p
	}},
	{"panel-description", func(d *Dashboard) []string {
		var p []string
		for _, pn := range d.Panels {
			if strings.TrimSpace(pn.Description) == "" {
				p = append(p, pn.Title+": no description")
			}
		}
		return p
	}},
	{"panel-ids-and-titles-unique", func(d *Dashboard) []string {
		var p []string
		ids, titles := map[int]bool{}, map[string]bool{}
		for _, pn := range d.Panels {
			if ids[pn.ID] || titles[pn.Title] || pn.Title == "" {
				p = append(p, fmt.Sprintf("panel %d %q: id or title empty or repeated", pn.ID, pn.Title))
			}
			ids[pn.ID], titles[pn.Title] = true, true
			if len(pn.Targets) == 0 {
				p = append(p, pn.Title+": no query")
			}
		}
		return p
	}},
	{"queries", func(d *Dashboard) []string {
		var p []string
		for _, pn := range d.Panels {
			for _, tg := range pn.Targets {
				p = append(p, queryProblems(pn.Title+" "+tg.RefID, tg.Expr, true, "")...)
			}
		}
		return p
	}},
}

// queryProblems holds one query to the conventions: job/instance scoping
// (recording rules: device instead), $__rate_interval, counters only in
// rate/increase, known metric names, and max across the instances of an HA
// pair. Variable queries are not panel queries (strict false): only their
// names and scoping are checked, except by the variable being defined
// (defines: the device variable cannot be scoped by itself).
func queryProblems(where, expr string, strict bool, defines string) []string {
	a, err := analyze(expr)
	if err != nil {
		return []string{fmt.Sprintf("%s: cannot tokenize %q: %v", where, expr, err)}
	}
	var p []string
	add := func(format string, args ...any) { p = append(p, where+": "+fmt.Sprintf(format, args...)) }
	for _, s := range a.problems {
		add("%s", s)
	}
	if len(a.selectors) == 0 {
		add("no metric selector in %q", expr)
	}
	for _, s := range a.selectors {
		names := s.names()
		if len(names) == 0 {
			add("selector without a metric name in %q", expr)
		}
		for _, name := range names {
			if !slices.Contains(allowedMetrics(), name) {
				add("%s is neither an exporter metric nor a shipped recording rule", name)
			}
		}
		name := strings.Join(names, "|")
		switch {
		case isRule(name):
			// Recording rules aggregate across the exporters (and jobs)
			// already and carry no job or instance label; the per-device
			// ones are scoped by the device variable instead. Objective
			// and budget have only the slo label.
			if name != ruleObjective && name != ruleErrorBudget && defines != "device" && !s.has("device", "=~", "$device") {
				add("%s not scoped by device=~\"$device\"", name)
			}
		default:
			if !s.has("job", "=~", "$job") || !s.has("instance", "=~", "$instance") {
				add("%s not scoped by job=~\"$job\", instance=~\"$instance\"", name)
			}
		}
		if !strict {
			continue
		}
		inner := frame{}
		if len(s.frames) > 0 {
			inner = s.frames[len(s.frames)-1]
		}
		if s.hasRange {
			switch {
			case s.rng == "$__rate_interval":
			case s.rng == "$__range" && inner.fn == "increase":
				// "in range" columns count over the dashboard's range.
			default:
				add("%s: range [%s], want [$__rate_interval] ([$__range] only in increase)", name, s.rng)
			}
			if !slices.Contains(rangeFunctions, inner.fn) {
				add("%s: range selector outside a range function", name)
			}
		}
		if isCounter(name) && (!s.hasRange || !slices.Contains(counterFunctions, inner.fn)) {
			add("counter %s used outside rate/increase/irate/resets/changes", name)
		}
		var aggs []frame
		for i := len(s.frames) - 1; i >= 0; i-- {
			if s.frames[i].agg {
				aggs = append(aggs, s.frames[i])
			}
		}
		switch {
		case slices.Contains(eventMetrics, name):
			if len(aggs) == 0 || aggs[0].fn != "max" || aggs[0].without ||
				slices.Contains(aggs[0].by, "instance") || slices.Contains(aggs[0].by, "job") {
				add("%s: first aggregation must be max by (...) without instance/job, to merge an HA pair", name)
			}
		case isRule(name):
		default:
			// Exporter health is per instance: aggregations must keep it.
			for _, g := range aggs {
				if g.without || !slices.Contains(g.by, "instance") {
					add("%s: %s aggregates across instances", name, g.fn)
				}
			}
		}
	}
	return p
}

func TestDashboardConventions(t *testing.T) {
	for file, d := range loadDashboards(t, "*.json") {
		for _, c := range checks {
			t.Run(file+"/"+c.name, func(t *testing.T) {
				for _, problem := range c.fn(d) {
					t.Error(problem)
				}
			})
		}
	}
}

// TestChecksCatchViolations proves each check can fail: the fixture breaks
// every convention at least once.
func TestChecksCatchViolations(t *testing.T) {
	d := loadDashboards(t, filepath.Join("testdata", "bad-dashboard.json"))["bad-dashboard.json"]
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if len(c.fn(d)) == 0 {
				t.Errorf("check %s found nothing wrong in testdata/bad-dashboard.json", c.name)
			}
		})
	}
}

func TestQueryProblems(t *testing.T) {
	ok := `sum by (reason) (max by (device, peer, interface, vsys, reason, reason_code) (rate(ipsec_negotiation_failures_total{job=~"$job", instance=~"$instance"}[$__rate_interval])))`
	tests := []struct {
		name, expr string
		want       string // substring of a problem; "" for none
	}{
		{"good", ok, ""},
		{"good health", `rate(ipsec_trap_packets_received_total{job=~"$job", instance=~"$instance"}[$__rate_interval])`, ""},
		{"good rule", `max by (slo) (slo:sli_error:ratio_rate1h{device=~"$device", peer=""}) / on (slo) max by (slo) (slo:error_budget:ratio)`, ""},
		{"good increase range", `sum by (reason) (max by (device) (increase(ipsec_tunnel_state_changes_total{job=~"$job", instance=~"$instance"}[$__range])))`, ""},
		{"unknown metric", `ipsec_tunnels{job=~"$job", instance=~"$instance"}`, "neither an exporter metric"},
		{"unscoped", `max by (device, peer) (ipsec_tunnel_up{job=~"$job"})`, "not scoped"},
		{"rule unscoped", `slo:error_budget_remaining:ratio`, "not scoped by device"},
		{"fixed range", `max by (device) (rate(ipsec_negotiation_failures_total{job=~"$job", instance=~"$instance"}[5m]))`, "want [$__rate_interval]"},
		{"range in rate", `max by (device) (rate(ipsec_negotiation_failures_total{job=~"$job", instance=~"$instance"}[$__range]))`, "want [$__rate_interval]"},
		{"raw counter", `max by (device) (ipsec_negotiation_failures_total{job=~"$job", instance=~"$instance"})`, "counter"},
		{"sum across instances", `sum by (device) (rate(ipsec_negotiation_failures_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))`, "first aggregation must be max"},
		{"no aggregation", `ipsec_tunnel_up{job=~"$job", instance=~"$instance"}`, "first aggregation must be max"},
		{"health summed", `sum(rate(ipsec_trap_packets_received_total{job=~"$job", instance=~"$instance"}[$__rate_interval]))`, "aggregates across instances"},
		{"postfix grouping", `max(ipsec_tunnel_up{job=~"$job", instance=~"$instance"}) by (device)`, "grouping after"},
		{"name matcher", `max by (device) ({__name__=~"ipsec_tunnel_up|ipsec_bogus", job=~"$job", instance=~"$instance"})`, "ipsec_bogus"},
		{"unbalanced", `max by (device) (ipsec_tunnel_up{job=~"$job", instance=~"$instance"}`, "unbalanced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := queryProblems("q", tt.expr, true, "")
			if tt.want == "" {
				if len(p) > 0 {
					t.Errorf("unexpected problems: %q", p)
				}
				return
			}
			for _, s := range p {
				if strings.Contains(s, tt.want) {
					return
				}
			}
			t.Errorf("problems %q, want one containing %q", p, tt.want)
		})
	}
}

// TestRecordingRulesShipped holds the SLO dashboard to the rule file: every
// slo:* name it reads must be recorded there.
func TestRecordingRulesShipped(t *testing.T) {
	recorded := recordedRules(t)
	for _, name := range sloRules {
		if !slices.Contains(recorded, name) {
			t.Errorf("the SLO dashboard reads %s, which no alerts/*.rules.yml records", name)
		}
	}
}

// ruleFiles are the shipped rule files, loaded by the end-to-end test.
func ruleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "alerts", "*.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func recordedRules(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, f := range ruleFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Groups []struct {
				Rules []struct {
					Record string `yaml:"record"`
				} `yaml:"rules"`
			} `yaml:"groups"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range doc.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					names = append(names, r.Record)
				}
			}
		}
	}
	return names
}
