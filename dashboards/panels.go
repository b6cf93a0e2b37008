package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// --- queries ---

type query = *prometheus.DataqueryBuilder

func promQuery(expr string) query {
	return prometheus.NewDataqueryBuilder().
		Expr(expr).
		Datasource(ds()).
		EditorMode(prometheus.QueryEditorModeCode).
		Exemplar(false)
}

// series is a range query drawn over time.
func series(expr, legend string) query {
	return promQuery(expr).Range().Format(prometheus.PromQueryFormatTimeSeries).LegendFormat(legend)
}

// instant is evaluated once, at the end of the range: stats and tables.
func instant(expr, legend string) query {
	return promQuery(expr).Instant().Format(prometheus.PromQueryFormatTimeSeries).LegendFormat(legend)
}

// tableQuery is an instant query returned as a table, one column per label.
func tableQuery(expr string) query {
	return promQuery(expr).Instant().Format(prometheus.PromQueryFormatTable).LegendFormat("__auto")
}

// targets names the queries of a panel A, B, ...
func targets(qs []query) []cog.Builder[variants.Dataquery] {
	out := make([]cog.Builder[variants.Dataquery], len(qs))
	for i, q := range qs {
		out[i] = q.RefId(string(rune('A' + i)))
	}
	return out
}

// --- panels ---

// panel is what every SDK panel builder offers and every panel here sets.
type panel[B any] interface {
	Title(string) B
	Description(string) B
	Unit(string) B
	Datasource(common.DataSourceRef) B
	Thresholds(cog.Builder[dashboard.ThresholdsConfig]) B
	Targets([]cog.Builder[variants.Dataquery]) B
}

// basics sets what every panel has: title, description, unit, the data
// source variable, the queries, and thresholds. Thresholds are always
// written, as a single green step unless the panel sets its own: without
// them Grafana applies its default (red from 80), which would colour a stat
// of 100 tunnels up as an alarm.
func basics[B panel[B]](p B, title, desc, unit string, qs []query) B {
	return p.Title(title).Description(desc).Unit(unit).Datasource(ds()).
		Thresholds(thresholds("green")).Targets(targets(qs))
}

func timeseriesPanel(title, desc, unit string, stacked bool, qs ...query) *timeseries.PanelBuilder {
	p := basics(timeseries.NewPanelBuilder(), title, desc, unit, qs).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdPaletteClassic)).
		DrawStyle(common.GraphDrawStyleLine).
		LineInterpolation(common.LineInterpolationLinear).
		LineWidth(1).
		FillOpacity(10).
		PointSize(4).
		ShowPoints(common.VisibilityModeNever).
		SpanNulls(common.BoolOrFloat64{Bool: ptr(false)}).
		AxisSoftMin(0).
		Stacking(common.NewStackingConfigBuilder().Group("A").Mode(common.StackingModeNone)).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeOff)).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeTable).
			Placement(common.LegendPlacementRight).
			ShowLegend(true).
			Calcs([]string{"max", "lastNotNull"})).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
	if stacked {
		p.DrawStyle(common.GraphDrawStyleBars).
			FillOpacity(60).
			Stacking(common.NewStackingConfigBuilder().Group("A").Mode(common.StackingModeNormal))
	}
	return p
}

func reduceLast() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Fields("").Values(false)
}

func statPanel(title, desc, unit string, qs ...query) *stat.PanelBuilder {
	return basics(stat.NewPanelBuilder(), title, desc, unit, qs).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		JustifyMode(common.BigValueJustifyModeAuto).
		Orientation(common.VizOrientationAuto).
		TextMode(common.BigValueTextModeAuto).
		ReduceOptions(reduceLast())
}

func barGaugePanel(title, desc, unit string, qs ...query) *bargauge.PanelBuilder {
	return basics(bargauge.NewPanelBuilder(), title, desc, unit, qs).
		DisplayMode(common.BarGaugeDisplayModeGradient).
		Orientation(common.VizOrientationHorizontal).
		ShowUnfilled(true).
		ReduceOptions(reduceLast())
}

func stateTimelinePanel(title, desc string, qs ...query) *statetimeline.PanelBuilder {
	return basics(statetimeline.NewPanelBuilder(), title, desc, "none", qs).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)).
		FillOpacity(80).
		LineWidth(0).
		AlignValue(common.TimelineValueAlignmentLeft).
		MergeValues(true).
		RowHeight(0.9).
		ShowValue(common.VisibilityModeAuto).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom).
			ShowLegend(true)).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeSingle).Sort(common.SortOrderNone))
}

// column is a field of a table: its name in the query result and the title
// it is shown under. Label columns keep their names, which data links and
// overrides refer to; value columns ("Value", or "Value #A" when several
// queries are merged) get a title.
type column struct{ field, title string }

func label(name string) column { return column{name, name} }

// tablePanel shows instant table queries, columns in order, Time and the
// metric name hidden, most of sortBy first ("" keeps the query's order).
// Several queries are merged into one row per label set.
func tablePanel(title, desc, unit string, columns []column, sortBy string, qs ...query) *table.PanelBuilder {
	p := basics(table.NewPanelBuilder(), title, desc, unit, qs).
		CellHeight(common.TableCellHeightSm).
		ShowHeader(true).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{"sum"}).Fields([]string{})).
		Align(common.FieldTextAlignmentAuto).
		CellOptions(common.TableCellOptions{TableAutoCellOptions: &common.TableAutoCellOptions{Type: common.TableCellDisplayModeAuto}}).
		Filterable(true)
	if sortBy != "" {
		p.SortBy([]cog.Builder[common.TableSortByFieldState]{
			common.NewTableSortByFieldStateBuilder().DisplayName(sortBy).Desc(true),
		})
	}
	var steps []dashboard.DataTransformerConfig
	if len(qs) > 1 {
		steps = append(steps, dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}})
	}
	return p.Transformations(append(steps, organize(columns, "Time", "__name__")))
}

// organize orders and renames the columns and hides the fields named.
func organize(columns []column, hidden ...string) dashboard.DataTransformerConfig {
	index := map[string]int{}
	rename := map[string]string{}
	for i, c := range columns {
		index[c.field] = i
		if c.field != c.title {
			rename[c.field] = c.title
		}
	}
	exclude := map[string]bool{}
	for _, h := range hidden {
		exclude[h] = true
	}
	return dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
		"excludeByName": exclude,
		"indexByName":   index,
		"renameByName":  rename,
	}}
}

// --- field configuration ---

// thresholds colours values from base upwards, step by step.
func thresholds(base string, steps ...dashboard.Threshold) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().
		Mode(dashboard.ThresholdsModeAbsolute).
		Steps(append([]dashboard.Threshold{{Color: base}}, steps...))
}

// from is a threshold step: color from value v up.
func from(v float64, color string) dashboard.Threshold {
	return dashboard.Threshold{Value: &v, Color: color}
}

func mappingsProp(m ...dashboard.ValueMapping) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "mappings", Value: m}
}

func unitProp(unit string) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "unit", Value: unit}
}

func linksProp(l ...dashboard.DashboardLink) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "links", Value: l}
}

// dashedLine draws a series dashed: objectives and limits, not data.
func dashedLine() dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "custom.lineStyle", Value: common.LineStyle{
		Fill: ptr(common.LineStyleFillDash), Dash: []float64{10, 10},
	}}
}

// --- links ---

// dataLink is a link on a panel or a value. Grafana's dashboard schema (and
// so the SDK) types panel and field links as dashboard links, so the JSON
// carries the dashboard-link fields too; Grafana reads title, url and
// targetBlank of a data link and ignores the rest.
func dataLink(title, url string, newTab bool) dashboard.DashboardLink {
	return dashboard.DashboardLink{Title: title, Type: dashboard.DashboardLinkTypeLink, Url: &url,
		Tags: []string{}, TargetBlank: newTab}
}

// links adapts links to what the SDK's panel builders take.
func links(ls ...dashboard.DashboardLink) []cog.Builder[dashboard.DashboardLink] {
	out := make([]cog.Builder[dashboard.DashboardLink], len(ls))
	for i, l := range ls {
		out[i] = literal[dashboard.DashboardLink]{l}
	}
	return out
}

// runbook is the base URL of the runbook the dashboards link to (a
// parameter of All): every runbook link is made by its methods.
type runbook string

// url is the address of a runbook section. The anchor may hold a Grafana
// variable (${__value.text}) that the link fills in per row.
func (r runbook) url(anchor string) string { return string(r) + "#" + anchor }

// section is a panel link to a section of the runbook that is not a
// reason group (tunnel down, drops, series limit, ...).
func (r runbook) section(anchor, title string) dashboard.DashboardLink {
	return dataLink("Runbook: "+title, r.url(anchor), true)
}

// reasonLink opens the runbook section a value (mapped to a reason group
// by runbookMapping) names.
func (r runbook) reasonLink() dashboard.DashboardLink {
	return dataLink("Runbook: ${__value.text}", r.url("${__value.text}"), true)
}

// teardownLink opens the runbook section of the row's teardown reason; the
// raw value is the slug, whatever the mapping displays.
func (r runbook) teardownLink() dashboard.DashboardLink {
	return dataLink("Runbook: ${__value.raw}", r.url("teardown-${__value.raw}"), true)
}

// drilldownLink opens the drill-down for the device (and peer) of the row,
// keeping the data source, job, instance and time range.
func drilldownLink(withPeer bool) dashboard.DashboardLink {
	u := "/d/" + UIDDrilldown + "?${datasource:queryparam}&${job:queryparam}&${instance:queryparam}&var-device=${__data.fields.device}"
	title := "Drill down to device ${__data.fields.device}"
	if withPeer {
		u += "&var-peer=${__data.fields.peer}"
		title = "Drill down to ${__data.fields.device} / ${__data.fields.peer}"
	}
	return dataLink(title, u+"&${__url_time_range}", false)
}
