package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
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

// SchemaVersion is the dashboard schema the JSON declares: that of Grafana
// 10.4, the oldest release the files are for. The SDK writes 42, Grafana
// 12's schema, which 10.4 does not know. Grafana migrates a dashboard from
// the declared version up to its own on load; migrations 40 to 42 (refresh
// as a string, timepicker time_options, hideFrom.tooltip) change nothing in
// these files, so newer releases show them as generated.
const SchemaVersion = 39

// Tags are set on every dashboard.
var Tags = []string{"ipsec", Tag}

// Dashboard is one generated dashboard: the SDK's model, the file it is
// written to, and which panels must show data once the exporters have
// received traps of every kind (the end-to-end test's contract: the panels
// an operator must never find empty during an incident), by title.
type Dashboard struct {
	dashboard.Dashboard
	File         string
	MustHaveData map[string]bool
}

// All returns the dashboards in the order they are documented. Their
// runbook links point at runbookURL#anchor, the anchors of docs/runbook.md;
// the shipped files use alerts.DefaultRunbookURL, like the rules. It panics
// if the SDK refuses a dashboard: everything it builds from is this
// package's own code, so that is a bug, and every test finds it.
func All(runbookURL string) []*Dashboard {
	var out []*Dashboard
	for _, build := range []func(runbook) *board{overview, drilldown, slo, exporterHealth} {
		d, err := build(runbook(runbookURL)).finish()
		if err != nil {
			panic(err)
		}
		out = append(out, d)
	}
	return out
}

// Marshal is the file content of d: indented like Grafana's export, without
// HTML escaping (PromQL has < and >), ending in a newline.
func Marshal(d *Dashboard) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d.Dashboard); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.File, err)
	}
	return b.Bytes(), nil
}

// literal is a cog.Builder for a value written as a struct literal. It is
// used where the SDK's builder sets a default this repository must not
// emit: placement "inControlsMenu" on links and annotations, which Grafana
// 12 reads as "hide this in the controls menu" and which means nothing on a
// data link.
type literal[T any] struct{ v T }

func (l literal[T]) Build() (T, error) { return l.v, nil }

// ds is the data source every panel, target and variable uses: the
// variable, so the dashboards work with any Prometheus the user picks.
func ds() common.DataSourceRef {
	return common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr("${datasource}")}
}

func ptr[T any](v T) *T { return &v }

// --- variables ---

func datasourceVar() *dashboard.DatasourceVariableBuilder {
	return dashboard.NewDatasourceVariableBuilder("datasource").
		Label("Data source").
		Description("The Prometheus that scrapes the exporters.").
		Type("prometheus")
}

// queryVar is a label_values variable, stored as Grafana 10.4+'s Prometheus
// variable query object. multi adds "All", sent as ".*" rather than the list
// of values, so the queries stay short with hundreds of peers.
func queryVar(name, label, desc, query string, multi bool) *dashboard.QueryVariableBuilder {
	v := dashboard.NewQueryVariableBuilder(name).
		Label(label).
		Description(desc).
		Datasource(ds()).
		Query(dashboard.StringOrMap{Map: map[string]any{
			"qryType": 1,
			"query":   query,
			"refId":   "PrometheusVariableQueryEditor-VariableQuery",
		}}).
		Definition(query).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged). // peers come and go
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(multi).
		IncludeAll(multi)
	if multi {
		v.AllValue(".*")
	}
	return v
}

func jobVar() *dashboard.QueryVariableBuilder {
	return queryVar("job", "Job", "Prometheus job(s) scraping the exporters.",
		"label_values(ipsec_trap_exporter_build_info, job)", true)
}

func instanceVar() *dashboard.QueryVariableBuilder {
	return queryVar("instance", "Instance", "Exporter instance(s); an HA pair shows as two instances with the same series.",
		`label_values(ipsec_trap_exporter_build_info{job=~"$job"}, instance)`, true)
}

// --- dashboard ---

// board is a dashboard being assembled: the SDK's builder, which lays the
// panels out left to right on the 24-column grid, plus what the SDK has no
// field for.
type board struct {
	*dashboard.DashboardBuilder
	file     string
	panels   uint32
	mustHave map[uint32]bool // by panel id
}

// newBoard starts a dashboard with the conventions every one follows: the
// data source, job and instance variables (then extra ones), the tags, the
// link to the others by tag, a shared crosshair, the user's time zone.
func newBoard(uid, file, title, desc string, extraVars ...cog.Builder[dashboard.VariableModel]) *board {
	b := dashboard.NewDashboardBuilder(title).
		Uid(uid).
		Description(desc).
		Tags(slices.Clone(Tags)).
		Editable().
		Tooltip(dashboard.DashboardCursorSyncCrosshair). // failures, state changes and budget line up in time
		Timezone("").                                    // the viewer's preference, not forced to the browser's
		Time("now-6h", "now").
		Refresh("1m").
		Version(1).
		Annotation(literal[dashboard.AnnotationQuery]{dashboard.AnnotationQuery{
			Name:       "Annotations & Alerts",
			Datasource: &common.DataSourceRef{Type: ptr("grafana"), Uid: ptr("-- Grafana --")},
			Enable:     true,
			Hide:       ptr(true),
			IconColor:  "rgba(0, 211, 255, 1)",
			Type:       ptr("dashboard"),
			BuiltIn:    ptr(1.0),
		}}).
		Link(literal[dashboard.DashboardLink]{dashboard.DashboardLink{
			Title:       "IPSec dashboards",
			Type:        dashboard.DashboardLinkTypeDashboards,
			Icon:        "external link",
			Tags:        []string{Tag},
			AsDropdown:  true,
			IncludeVars: true,
			KeepTime:    true,
		}}).
		WithVariable(datasourceVar()).
		WithVariable(jobVar()).
		WithVariable(instanceVar())
	for _, v := range extraVars {
		b.WithVariable(v)
	}
	return &board{DashboardBuilder: b, file: file, mustHave: map[uint32]bool{}}
}

// dataRule says whether the end-to-end test requires a panel to show data.
type dataRule bool

const (
	mustHaveData dataRule = true
	mayBeEmpty   dataRule = false
)

// panelBuilder is what every SDK panel builder offers: numbering and size.
type panelBuilder[B any] interface {
	cog.Builder[dashboard.Panel]
	Id(uint32) B
	Span(uint32) B
	Height(uint32) B
}

// place numbers panel p and adds it w columns wide and h rows high after
// the previous ones; the SDK wraps to a new row when a row is full.
func place[B panelBuilder[B]](d *board, w, h uint32, rule dataRule, p B) {
	d.panels++
	p.Id(d.panels).Span(w).Height(h)
	d.mustHave[d.panels] = bool(rule)
	d.WithPanel(p)
}

// finish builds the dashboard and declares schema version 39, which the SDK
// has no builder option for.
func (d *board) finish() (*Dashboard, error) {
	built, err := d.Build()
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.file, err)
	}
	built.SchemaVersion = SchemaVersion
	must := map[string]bool{}
	for _, p := range built.Panels {
		if p.Panel != nil && p.Panel.Id != nil && p.Panel.Title != nil {
			must[*p.Panel.Title] = d.mustHave[*p.Panel.Id]
		}
	}
	return &Dashboard{Dashboard: built, File: d.file, MustHaveData: must}, nil
}
