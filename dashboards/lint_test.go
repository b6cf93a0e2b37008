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

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
)

// exporterMetrics are the series the exporter exposes (the README's metrics
// contract plus the exporter's own health), and the Prometheus and
// client_golang series the health dashboard uses. The end-to-end test checks
// that each one used really appears in a scrape.
var exporterMetrics = []string{
	"ipsec_negotiation_failures_total",
	"ipsec_negotiation_last_failure_timestamp_seconds",
	"ipsec_negotiation_successes_total",
	"ipsec_tunnel_up",
	"ipsec_tunnel_down_planned",
	"ipsec_tunnel_last_change_timestamp_seconds",
	"ipsec_tunnel_last_notification_timestamp_seconds",
	"ipsec_tunnel_state_changes_total",
	"ipsec_trap_packets_received_total",
	"ipsec_trap_packets_dropped_total",
	"ipsec_notifications_total",
	"ipsec_trap_informs_acknowledged_total",
	"ipsec_trap_engine_discovery_reports_total",
	"ipsec_trap_exporter_build_info",
	"ipsec_trap_exporter_config_last_reload_successful",
	"ipsec_trap_exporter_config_reloads_total",
	"ipsec_trap_exporter_series",
	"ipsec_trap_exporter_series_limit",
	"process_resident_memory_bytes",
	"process_cpu_seconds_total",
	"go_memstats_heap_inuse_bytes",
	"go_goroutines",
}

// syslogMetrics are the syslog input's own, registered only when it listens
// (--syslog.listen-address), so the scrape check of the end-to-end test,
// which runs the exporter without it, leaves them out.
var syslogMetrics = []string{
	"ipsec_syslog_messages_received_total",
	"ipsec_syslog_messages_dropped_total",
	"ipsec_syslog_tcp_connections",
	"ipsec_syslog_tcp_connections_refused_total",
}

// prometheusMetrics are written by Prometheus itself for every target.
var prometheusMetrics = []string{"up", "scrape_duration_seconds"}

// sloRules are the recording rules of alerts/ipsec_slo.rules.yml the SLO
// dashboard reads (the names are a contract with that file).
var sloRules = func() []string {
	r := []string{ruleObjective, ruleErrorBudget, ruleBudgetRemaining, alerts.WindowCoverage}
	for _, w := range append(slices.Clone(BurnWindows), "30d") {
		r = append(r, fmt.Sprintf(ruleSLIError, w))
	}
	return r
}()

// eventMetrics derive from traps: both exporters of an HA pair expose the
// same series, so they must be combined with max, never summed.
var eventMetrics = []string{metricFailures, metricLastFailure, metricSuccesses, metricTunnelUp, metricDownPlanned,
	metricLastChange, metricLastHeard, metricStates}

// counterFunctions are the only places a counter may appear: its raw value
// depends on when the exporter started.
var counterFunctions = []string{"rate", "increase", "irate", "resets", "changes"}

func isCounter(metric string) bool { return strings.HasSuffix(metric, "_total") }

func isRule(metric string) bool {
	return strings.HasPrefix(metric, "slo:") || slices.Contains(sloRules, metric)
}

// allowedMetrics is what a query may name.
func allowedMetrics() []string {
	return slices.Concat(exporterMetrics, syslogMetrics, prometheusMetrics, sloRules)
}

var labelValuesRe = regexp.MustCompile(`^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// check is one of the conventions of issue 6 item 5 (those of
// grafana/dashboard-linter, plus HA correctness); it returns what is wrong.
type check struct {
	name string
	fn   func(d *dashboard.Dashboard) []string
}

var checks = []check{
	{"schema-version", func(d *dashboard.Dashboard) []string {
		if d.SchemaVersion != SchemaVersion {
			return []string{fmt.Sprintf("schemaVersion %d, want %d", d.SchemaVersion, SchemaVersion)}
		}
		return nil
	}},
	{"stable-uid", func(d *dashboard.Dashboard) []string {
		want := map[string]bool{UIDOverview: true, UIDDrilldown: true, UIDSLO: true, UIDHealth: true}
		if !want[str(d.Uid)] {
			return []string{fmt.Sprintf("uid %q is not one of the shipped, stable uids", str(d.Uid))}
		}
		return nil
	}},
	{"tags", func(d *dashboard.Dashboard) []string {
		var p []string
		for _, tag := range Tags {
			if !slices.Contains(d.Tags, tag) {
				p = append(p, "missing tag "+tag)
			}
		}
		return p
	}},
	{"title-and-description", func(d *dashboard.Dashboard) []string {
		if str(d.Title) == "" || str(d.Description) == "" {
			return []string{"dashboard title or description empty"}
		}
		return nil
	}},
	{"cross-links", func(d *dashboard.Dashboard) []string {
		for _, l := range d.Links {
			if l.Type == dashboard.DashboardLinkTypeDashboards && slices.Contains(l.Tags, Tag) && l.KeepTime && l.IncludeVars {
				return nil
			}
		}
		return []string{"no dashboard link by tag " + Tag + " keeping time and variables"}
	}},
	{"links-resolve", func(d *dashboard.Dashboard) []string {
		// Every /d/<uid> a link or data link points to is a shipped dashboard.
		var p []string
		re := regexp.MustCompile(`/d/([a-zA-Z0-9_-]+)`)
		var urls []string
		for _, l := range d.Links {
			urls = append(urls, str(l.Url))
		}
		for _, pn := range panels(d) {
			for _, l := range slices.Concat(pn.Links, fieldConfig(pn).Defaults.Links) {
				urls = append(urls, str(l.Url))
			}
			for _, o := range fieldConfig(pn).Overrides {
				for _, pr := range o.Properties {
					if pr.Id == "links" {
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
	{"datasource-variable", func(d *dashboard.Dashboard) []string {
		for _, v := range d.Templating.List {
			if v.Name == "datasource" && v.Type == dashboard.VariableTypeDatasource && varQuery(v) == "prometheus" {
				return nil
			}
		}
		return []string{"no datasource variable of type datasource for prometheus"}
	}},
	{"job-instance-variables", func(d *dashboard.Dashboard) []string {
		var p []string
		vars := map[string]dashboard.VariableModel{}
		for _, v := range d.Templating.List {
			vars[v.Name] = v
		}
		if v, ok := vars["job"]; !ok || v.Type != dashboard.VariableTypeQuery || varQuery(v) != "label_values(ipsec_trap_exporter_build_info, job)" {
			p = append(p, "job variable missing or not label_values(ipsec_trap_exporter_build_info, job)")
		}
		if v, ok := vars["instance"]; !ok || v.Type != dashboard.VariableTypeQuery ||
			varQuery(v) != `label_values(ipsec_trap_exporter_build_info{job=~"$job"}, instance)` {
			p = append(p, "instance variable missing or not scoped by $job")
		}
		for _, name := range []string{"job", "instance"} {
			if v, ok := vars[name]; ok && (!flag(v.Multi) || !flag(v.IncludeAll) || str(v.AllValue) != ".*") {
				p = append(p, name+" variable must be multi-value with All = .*")
			}
		}
		return p
	}},
	{"variables-use-datasource-and-scope", func(d *dashboard.Dashboard) []string {
		var p []string
		for _, v := range d.Templating.List {
			if v.Type != dashboard.VariableTypeQuery {
				continue
			}
			if v.Datasource == nil || str(v.Datasource.Uid) != "${datasource}" {
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
	{"panel-datasource", func(d *dashboard.Dashboard) []string {
		var p []string
		for _, pn := range panels(d) {
			if pn.Datasource == nil || str(pn.Datasource.Uid) != "${datasource}" {
				p = append(p, str(pn.Title)+": panel data source is not ${datasource}")
			}
			for i, tg := range pn.Targets {
				q, ok := tg.(*prometheus.Dataquery)
				switch {
				case !ok:
					p = append(p, fmt.Sprintf("%s target %d: not a Prometheus query (%T)", str(pn.Title), i, tg))
				case q.Datasource == nil || str(q.Datasource.Uid) != "${datasource}":
					p = append(p, str(pn.Title)+" "+str(q.RefId)+": target data source is not ${datasource}")
				}
			}
		}
		return p
	}},
	{"panel-unit", func(d *dashboard.Dashboard) []string {
		var p []string
		for _, pn := range panels(d) {
			if str(fieldConfig(pn).Defaults.Unit) == "" {
				p = append(p, str(pn.Title)+": no unit")
			}
		}
		return p
	}},
	{"panel-thresholds", func(d *dashboard.Dashboard) []string {
		// Without thresholds Grafana applies its default, red from 80.
		var p []string
		for _, pn := range panels(d) {
			if th := fieldConfig(pn).Defaults.Thresholds; th == nil || len(th.Steps) == 0 {
				p = append(p, str(pn.Title)+": no thresholds (Grafana would colour values from 80 red)")
			}
		}
		return p
	}},
	{"panel-description", func(d *dashboard.Dashboard) []string {
		var p []string
		for _, pn := range panels(d) {
			if strings.TrimSpace(str(pn.Description)) == "" {
				p = append(p, str(pn.Title)+": no description")
			}
		}
		return p
	}},
	{"panel-ids-and-titles-unique", func(d *dashboard.Dashboard) []string {
		var p []string
		ids, titles := map[uint32]bool{}, map[string]bool{}
		for _, pn := range panels(d) {
			title := str(pn.Title)
			if pn.Id == nil || ids[*pn.Id] || titles[title] || title == "" {
				p = append(p, fmt.Sprintf("panel %q: id missing or repeated, or title empty or repeated", title))
			}
			if pn.Id != nil {
				ids[*pn.Id] = true
			}
			titles[title] = true
			if len(pn.Targets) == 0 {
				p = append(p, title+": no query")
			}
		}
		return p
	}},
	{"tunnel-state-merge", func(d *dashboard.Dashboard) []string {
		// A tunnel's state is the state of the exporter that heard the
		// tunnel last, never the max across an HA pair.
		var p []string
		merge := "group_left () max by (" + tunnelKey + ") ((" + metricLastHeard
		for _, pn := range panels(d) {
			for _, q := range promTargets(pn) {
				for _, m := range []string{metricTunnelUp, metricDownPlanned, metricLastChange} {
					if strings.Contains(q.Expr, m+"{") && !strings.Contains(q.Expr, merge) {
						p = append(p, fmt.Sprintf("%s %s: %s not merged by the last notification (alerts.NewestTunnelState)", str(pn.Title), str(q.RefId), m))
					}
				}
			}
		}
		return p
	}},
	{"queries", func(d *dashboard.Dashboard) []string {
		var p []string
		for _, pn := range panels(d) {
			for _, q := range promTargets(pn) {
				p = append(p, queryProblems(str(pn.Title)+" "+str(q.RefId), q.Expr, true, "")...)
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
			// and budget have only the slo label, the window's coverage
			// only window.
			if name != ruleObjective && name != ruleErrorBudget && name != alerts.WindowCoverage && defines != "device" && !s.has("device", "=~", "$device") {
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
		{"good rule", `max by (slo) (slo:sli_error:ratio_rate1h{device=~"$device", sli_level="device"}) / on (slo) max by (slo) (slo:error_budget:ratio)`, ""},
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
