package alerts

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/prometheus/common/model"
)

// Objective is the target of one SLI, the fraction of good events (or of
// time up) over 30 days.
type Objective struct {
	SLO    string
	Target float64
	Why    string
}

// Objectives are the only place the targets are set; the rule file records
// them as slo:objective:ratio, so that every other rule and the dashboards
// read them from there.
var Objectives = []Objective{
	{SLO: "negotiation_success", Target: 0.99,
		Why: "Of the negotiations a peer attempts, 99% succeed. Devices retry failed negotiations within seconds, so 1% failing is invisible to users; more means a peer that often cannot build its tunnel."},
	{SLO: "tunnel_availability", Target: 0.995,
		Why: "A tunnel is up 99.5% of the time (3.6 hours of downtime in 30 days). Each site-to-site tunnel runs over Internet links that no one here controls; at 99.9% a single one-minute outage would burn a page's worth of budget, and the TunnelDown alert already covers outages as they happen."},
}

// SLOWindows are the windows of slo:sli_error:ratio_rate<window>.
var SLOWindows = []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"}

// BurnAlert is one multi-window burn-rate condition (SRE workbook, table
// 5-8; Sloth's defaults for a 30-day period).
type BurnAlert struct {
	Severity    string
	LongWindow  string
	ShortWindow string
	Factor      float64
	Budget      string // budget spent when the condition holds for the long window
}

// BurnAlerts page when the budget would be gone in about 2 or 5 days and
// ticket when it would be gone in about 10 or 30 days.
var BurnAlerts = []BurnAlert{
	{"critical", "1h", "5m", 14.4, "2%"},
	{"critical", "6h", "30m", 6, "5%"},
	{"warning", "1d", "2h", 3, "10%"},
	{"warning", "3d", "6h", 1, "10%"},
}

// MinFailures is the fewest negotiation failures in a burn alert's long
// window that may fire it: a peer that negotiates a few times a day has a
// 50% error ratio after one failed rekey, which is not a budget burning.
const MinFailures = 3

// LongWindows are the SLO windows computed from the records of BaseWindow
// rather than from raw series: rate(...[30d]) over every failure series of
// every exporter would read each sample of 30 days at every evaluation.
// The sum of a peer's 5m rates over the window, times the evaluation
// interval, is its increase over the window: each failure lies in the 5m
// windows of the evaluations that follow it (Sloth computes its 30-day SLIs
// from the 5m ones the same way). docs/benchmarks.md has the cost and the
// difference from the raw computation.
var LongWindows = []string{"3d", "30d"}

// BaseWindow is the window of the records the long windows are built from.
const BaseWindow = "5m"

// Labels of the SLO records. Every record of slo:sli_error:ratio_rate*,
// slo:error_budget_remaining:ratio and ipsec:negotiation_failures:increase*
// says its level: per peer (labels device and peer) or per device (label
// device). The level is a label of its own because a series may lack peer
// (a log line or trap without a peer address): its per-peer SLI has the
// labels of a per-device one, and without the level the two would collide.
const (
	LevelLabel  = "sli_level"
	LevelPeer   = "peer"
	LevelDevice = "device"
)

// evaluationClock records the time of each evaluation of the SLI group;
// idelta of it is the group's evaluation interval, which turns a sum of
// rates over the evaluations into an increase, whatever interval
// Prometheus (or promtool, or a test) evaluates the group at.
const evaluationClock = "ipsec:slo_sli_evaluation:timestamp_seconds"

func isLongWindow(w string) bool { return slices.Contains(LongWindows, w) }

func windowSeconds(w string) int64 {
	d, err := model.ParseDuration(w)
	if err != nil {
		panic(fmt.Sprintf("bad SLO window %q", w))
	}
	return int64(time.Duration(d) / time.Second)
}

// The negotiation inputs take the max across exporter instances per series
// (HA pairs hold the same counts), then sum the distinct series of a peer
// (interfaces, vsys, reasons).
func failuresRate(window string) string {
	if isLongWindow(window) {
		return rateFromBase("ipsec:negotiation_failures", window)
	}
	return fmt.Sprintf("sum by (device, peer) (max by (%[2]s) (rate("+metricdef.NegotiationFailures.Name+"[%[1]s])))", window, FailureSeriesKey)
}

func successesRate(window string) string {
	if isLongWindow(window) {
		return rateFromBase("ipsec:negotiation_successes", window)
	}
	return fmt.Sprintf("max by (device, peer) (rate("+metricdef.NegotiationSuccesses.Name+"[%s]))", window)
}

// rateFromBase is the rate over a long window from the BaseWindow records:
// their sum over the window times the evaluation interval is the increase.
func rateFromBase(record, window string) string {
	return fmt.Sprintf("sum_over_time(%[1]s:rate%[2]s[%[3]s]) * on () group_left () idelta(%[4]s[15m]) / %[5]d",
		record, BaseWindow, window, evaluationClock, windowSeconds(window))
}

// failuresIncrease is the per-peer count of failures over window: the rate
// times the window, which is what increase() computes from the same rate.
func failuresIncrease(window string) string {
	return fmt.Sprintf("ipsec:negotiation_failures:rate%s * %d", window, windowSeconds(window))
}

// negotiationSLI divides failures by all negotiations. A side with no series
// counts as zero when the other has one; a peer with neither, or with no
// events in the window, gets no series instead of NaN.
func negotiationSLI(level, window string) string {
	f := "ipsec:negotiation_failures:rate" + window
	s := "ipsec:negotiation_successes:rate" + window
	if level == LevelDevice {
		f = "sum by (device) (" + f + ")"
		s = "sum by (device) (" + s + ")"
	}
	return fmt.Sprintf(`(%[1]s or %[2]s * 0)
/
((%[1]s or %[2]s * 0) + (%[2]s or %[1]s * 0) > 0)`, f, s)
}

// TunnelAvailableRecord is a tunnel's availability, 1 or 0, in the state
// of the exporter that heard the tunnel last (NewestTunnelState).
const TunnelAvailableRecord = "ipsec:tunnel_available:newest"

// tunnelAvailable is up, or down after a planned teardown
// (ipsec_tunnel_down_planned). The "or" keeps it working against exporters
// that predate that series.
func tunnelAvailable() string {
	read := func(metric string) string { return metric }
	return NewestTunnelState(fmt.Sprintf("clamp_max(%[1]s + (%[2]s or %[1]s * 0), 1)", metricdef.TunnelUp.Name, metricdef.TunnelDownPlanned.Name), read)
}

// availabilitySLI per peer is the share of the window the tunnel was not
// available; per device, the average over its peers, read from the
// per-peer records of the same evaluation rather than from the window's
// samples a second time.
func availabilitySLI(level, window string) string {
	if level == LevelPeer {
		return fmt.Sprintf("1 - avg_over_time(%s[%s])", TunnelAvailableRecord, window)
	}
	return fmt.Sprintf(`avg by (device) (slo:sli_error:ratio_rate%s{slo="tunnel_availability",%s=%q})`, window, LevelLabel, LevelPeer)
}

// sliRules are the rules of the ipsec_slo_sli group: the clock, the rates
// (short windows from raw series, long ones from the 5m rates), the
// failure counts of the burn alerts' long windows, and both SLIs at both
// levels. Rules of a group run in order at one timestamp, each seeing what
// the earlier ones recorded, so later rules build on earlier ones.
func sliRules() []rule {
	rules := []rule{{Record: evaluationClock, Expr: "vector(time())"}}
	for _, win := range SLOWindows {
		rules = append(rules,
			rule{Record: "ipsec:negotiation_failures:rate" + win, Expr: failuresRate(win)},
			rule{Record: "ipsec:negotiation_successes:rate" + win, Expr: successesRate(win)},
		)
	}
	for _, b := range BurnAlerts {
		name := "ipsec:negotiation_failures:increase" + b.LongWindow
		rules = append(rules,
			rule{Record: name, Expr: failuresIncrease(b.LongWindow), Labels: map[string]string{"slo": "negotiation_success", LevelLabel: LevelPeer}},
			rule{Record: name, Expr: fmt.Sprintf("sum by (device) (%s{%s=%q})", name, LevelLabel, LevelPeer), Labels: map[string]string{"slo": "negotiation_success", LevelLabel: LevelDevice}},
		)
	}
	for _, level := range []string{LevelPeer, LevelDevice} {
		for _, win := range SLOWindows {
			rules = append(rules,
				rule{Record: "slo:sli_error:ratio_rate" + win, Expr: negotiationSLI(level, win), Labels: map[string]string{"slo": "negotiation_success", LevelLabel: level}},
				rule{Record: "slo:sli_error:ratio_rate" + win, Expr: availabilitySLI(level, win), Labels: map[string]string{"slo": "tunnel_availability", LevelLabel: level}},
			)
		}
	}
	return rules
}

// RenderSLORules writes ipsec_slo.rules.yml.
func RenderSLORules(w io.Writer, o Options) error {
	var h strings.Builder
	h.WriteString(comment("Code generated by go generate ./alerts from alerts/slo.go. DO NOT EDIT; change the objectives in alerts/slo.go, or, without Go, the slo:objective:ratio rules below."))
	h.WriteString("#\n")
	h.WriteString(comment("Two SLIs, each per peer (sli_level=\"peer\", labels device and peer) and per device (sli_level=\"device\", label device): negotiation_success, the share of negotiations that fail, failures / (successes + failures), where a success is a tunnel coming up (a clear such as hwIPSecNegotiationSuccess is not one); and tunnel_availability, the share of time a tunnel is down without a plan, 1 - the time average of " + TunnelAvailableRecord + " (up, or down after a planned teardown: lifecycle or administrative). The sli_level label keeps a per-peer series without a peer (a failure reported without a peer address) apart from its device's series. Counts are first reduced with max across exporter instances (two trap hosts receive the same traps), never summed; a tunnel's state is that of the exporter that heard the tunnel last."))
	h.WriteString("#\n")
	h.WriteString(comment("Windows " + strings.Join(LongWindows, " and ") + " are computed from the " + BaseWindow + " rates, not from raw series: the sum of a peer's " + BaseWindow + " rates over the window times the evaluation interval (idelta of " + evaluationClock + ") is its increase over the window. Their cost grows with peers, not with failure series and exporters, and their values differ from the raw computation by a few per cent at most on sparse peers (docs/benchmarks.md)."))
	h.WriteString("#\n")
	h.WriteString(comment("Objectives:"))
	for _, o := range Objectives {
		h.WriteString(comment(fmt.Sprintf("- %s: %s. %s", o.SLO, strconv.FormatFloat(o.Target, 'f', -1, 64), o.Why)))
	}
	h.WriteString("#\n")
	h.WriteString(comment("Burn-rate alerts as in the SRE workbook and Sloth: page when the error ratio is above 14.4 times the budget over 1h and 5m, or 6 times over 6h and 30m; ticket when above 3 times over 1d and 2h, or once over 3d and 6h. The short window makes the alert stop soon after the burning does. Negotiation alerts also need at least " + strconv.Itoa(MinFailures) + " failures in the long window: on a peer that negotiates a few times a day one failed rekey is a 50% error ratio, not a budget burning."))
	h.WriteString("#\n")
	h.WriteString(comment("The 30d window needs 30 days of retention (--storage.tsdb.retention.time=31d); with less, the long windows cover what is kept."))
	h.WriteString("\n")

	obj := ruleGroup{Name: "ipsec_slo_objectives"}
	for _, o := range Objectives {
		obj.Rules = append(obj.Rules, rule{Record: "slo:objective:ratio", Expr: fmt.Sprintf("vector(%s)", strconv.FormatFloat(o.Target, 'f', -1, 64)), Labels: map[string]string{"slo": o.SLO}})
	}
	obj.Rules = append(obj.Rules, rule{Record: "slo:error_budget:ratio", Expr: "1 - slo:objective:ratio"})

	inputs := ruleGroup{Name: "ipsec_slo_inputs", Rules: []rule{{Record: TunnelAvailableRecord, Expr: tunnelAvailable()}}}
	sli := ruleGroup{Name: "ipsec_slo_sli", Rules: sliRules()}

	budget := ruleGroup{Name: "ipsec_slo_budget", Rules: []rule{{
		Record: "slo:error_budget_remaining:ratio",
		Expr:   "1 - (slo:sli_error:ratio_rate30d / on (slo) group_left () slo:error_budget:ratio)",
	}}}

	alerts := ruleGroup{Name: "ipsec_slo_alerts"}
	for _, b := range BurnAlerts {
		factor := strconv.FormatFloat(b.Factor, 'f', -1, 64)
		alerts.Rules = append(alerts.Rules, rule{
			Alert: "IPSecSLOErrorBudgetBurn",
			Expr: fmt.Sprintf(`(
    slo:sli_error:ratio_rate%[1]s > on (slo) group_left () (%[3]s * slo:error_budget:ratio)
  and
    slo:sli_error:ratio_rate%[2]s > on (slo) group_left () (%[3]s * slo:error_budget:ratio)
)
unless on (slo, sli_level, device, peer)
  ipsec:negotiation_failures:increase%[1]s < %[4]d`, b.LongWindow, b.ShortWindow, factor, MinFailures),
			Labels: map[string]string{
				"severity":     b.Severity,
				"window":       b.LongWindow,
				"short_window": b.ShortWindow,
			},
			Annotations: map[string]string{
				"summary":     fmt.Sprintf(`{{ $labels.slo }} error budget burning %sx on {{ $labels.device }}{{ with $labels.peer }} peer {{ . }}{{ end }}`, factor),
				"description": fmt.Sprintf(`The %[4]s error ratio of {{ $labels.device }}{{ with $labels.peer }} towards peer {{ . }}{{ end }} is {{ $value | humanizePercentage }} over the last %[1]s (and still over %[2]s): more than %[3]s times the error budget. At this rate %[5]s of the 30-day budget is gone in %[1]s.`, b.LongWindow, b.ShortWindow, factor, "{{ $labels.slo }}", b.Budget),
				"remediation": ProjectGuidancePrefix + "For negotiation_success, look at the IPSecNegotiationFailing alerts and the failures by reason of this device and peer: their remediation says what to fix. For tunnel_availability, look at IPSecTunnelDown and IPSecTunnelFlapping and the offline reasons of the tunnel's down transitions. A per-device alert (sli_level device) means many peers of the device are affected: look at the device and its uplink first.",
				"runbook_url": o.Runbook("slo-error-budget-burn"),
			},
		})
	}
	return writeYAML(w, h.String(), ruleFile{Groups: []ruleGroup{obj, inputs, sli, budget, alerts}})
}
