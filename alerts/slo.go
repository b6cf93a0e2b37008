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

// The SLI windows come from four kinds of records, so that the raw
// counters are read once per evaluation over 5 minutes and no rule sums
// more than 120 records per peer (docs/benchmarks.md has the cost and the
// difference from rate() over raw counters in each window):
//
//   - 5m: rate() over the raw counters, per peer, the HA pair merged, every
//     minute (ipsec:negotiation_*:rate5m).
//   - 30m and 1h: the sum of those per-minute records over the window,
//     weighed by the evaluation interval. Each scrape interval lies in four
//     of five consecutive 5m windows, which rate() extrapolates by 5/4, so
//     the sum counts each event once.
//   - 2h and 6h: the sum of 5-minute buckets, the mean of the last five
//     per-minute records, written once every 5 minutes
//     (ipsec:negotiation_*:rate5m_bucket); 1d and 3d: of hourly buckets, the
//     1h record written once an hour (rate1h_bucket); 30d: of 6-hour
//     buckets, the mean of the last six hourly ones (rate6h_bucket). They
//     are in a group evaluated every 4 minutes (LongInterval).
//
// Buckets tile time: each per-minute record is in exactly one, so a sum over
// buckets counts each event once; the window ends at the newest bucket, up
// to a bucket (5 minutes, an hour, 6 hours) before the evaluation. A
// missing record counts as zero, as a counter without increase does.
// Availability is the same with means of ipsec:tunnel_available:newest.
// Only sum_over_time and avg_over_time over recorded series, which every
// engine computes alike, build the windows; rate() reads only raw counters.

// SLIInterval is the evaluation interval of the groups that read the raw
// series and build the windows up to 1h. The rules do not depend on it:
// the per-minute sums weigh each record by the interval the evaluation
// clock measures, and a bucket closes at the first evaluation of each 5
// minutes or hour of the clock, whatever the interval (end-to-end tests run
// the groups every second). It is written on the groups so that the cost
// does not follow a shorter global evaluation_interval.
const SLIInterval = time.Minute

// LongInterval is the evaluation interval of ipsec_slo_sli_long (2h to 30d):
// below the 5-minute lookback, so that an instant query (an alert) always
// finds its records.
const LongInterval = 4 * time.Minute

// The evaluation clock: the time of each evaluation of ipsec_slo_sli and
// the time since the previous one, which weighs the per-minute records
// and closes the buckets.
const (
	evaluationClock    = "ipsec:slo_sli_evaluation:timestamp_seconds"
	evaluationInterval = "ipsec:slo_sli_evaluation:interval_seconds"
)

// BaseWindow is the window of the one rule that reads the raw counters.
const BaseWindow = "5m"

// windowStep is the spacing of the records a window's rule sums (the
// evaluation interval up to 1h, else the bucket size), and the record
// name's suffix of those records.
func windowStep(w string) (time.Duration, string) {
	switch d := duration(w); {
	case w == BaseWindow:
		return 0, ""
	case d <= time.Hour:
		return SLIInterval, BaseWindow
	case d <= 6*time.Hour:
		return 5 * time.Minute, BaseWindow + "_bucket"
	case d <= 3*24*time.Hour:
		return time.Hour, "1h_bucket"
	default:
		return 6 * time.Hour, "6h_bucket"
	}
}

// isLongWindow says whether a window's records are in ipsec_slo_sli_long.
func isLongWindow(w string) bool { return duration(w) > time.Hour }

// recordRange is the range selector over records spaced step apart that
// holds the window's last duration/step of them: a second short of the
// window, because Prometheus 2.x selects closed ranges [t-w, t] and 3.x
// left-open ones (t-w, t], and a group that reads records written at its
// own timestamps (always so in promtool) would get one more on 2.x.
func recordRange(w string) string {
	return model.Duration(duration(w) - time.Second).String()
}

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

func windowSeconds(w string) int64 { return int64(duration(w) / time.Second) }

// failuresRate and successesRate read the raw counters over window: the
// rule of the BaseWindow records, and the SLIs of the Sloth and OpenSLO
// specs. The failures take the max across exporter instances per series
// (HA pairs hold the same counts), then sum the distinct series of a peer
// (interfaces, vsys, reasons).
func failuresRate(window string) string {
	return fmt.Sprintf("sum by (device, peer) (max by (%[2]s) (rate("+metricdef.NegotiationFailures.Name+"[%[1]s])))", window, FailureSeriesKey)
}

func successesRate(window string) string {
	return fmt.Sprintf("max by (device, peer) (rate("+metricdef.NegotiationSuccesses.Name+"[%s]))", window)
}

// Negotiation kinds: the records ipsec:negotiation_<kind>:rate<window>.
const (
	failures  = "failures"
	successes = "successes"
)

func rateRecord(kind, suffix string) string { return "ipsec:negotiation_" + kind + ":rate" + suffix }

// availableRecord is ipsec:tunnel_available:avg<suffix>, the mean of
// TunnelAvailableRecord over a window or a bucket.
func availableRecord(suffix string) string { return "ipsec:tunnel_available:avg" + suffix }

// windowRate is the rule of rateRecord(kind, window): the raw counters for
// BaseWindow, else the window's records of windowStep summed into a
// per-second rate, a missing record counting as zero. The per-minute
// records are weighed by the evaluation interval; each bucket already is
// the mean rate of its 5 minutes or hour.
func windowRate(kind, window string) string {
	step, base := windowStep(window)
	switch {
	case step == 0 && kind == failures:
		return failuresRate(window)
	case step == 0:
		return successesRate(window)
	case base == BaseWindow:
		return perEvaluation(rateRecord(kind, base), window)
	}
	return fmt.Sprintf("sum_over_time(%s[%s]) / %d", rateRecord(kind, base), recordRange(window), duration(window)/step)
}

// perEvaluation is the mean per-second rate over window of a record of
// ipsec_slo_sli: the sum of its records times the evaluation interval
// over the window's seconds.
func perEvaluation(record, window string) string {
	return fmt.Sprintf("sum_over_time(%s[%s]) * on () group_left () %s / %d", record, recordRange(window), evaluationInterval, windowSeconds(window))
}

// windowAvailable is the mean availability of a peer's tunnel over window:
// of the per-evaluation input up to 1h, of the buckets beyond. A tunnel
// without a record for part of the window is averaged over the rest, as
// avg_over_time over the input would.
func windowAvailable(window string) string {
	src := TunnelAvailableRecord
	if _, base := windowStep(window); base != BaseWindow && base != "" {
		src = availableRecord(base)
	}
	return fmt.Sprintf("avg_over_time(%s[%s])", src, recordRange(window))
}

// bucket keeps a record only at the evaluation that opens each size (5m
// or 1h) of the clock, the one less than an evaluation interval into it:
// one evaluation of each, whatever the interval.
func bucket(expr string, size time.Duration) string {
	return fmt.Sprintf("%s and on () (vector(time()) %% %d < on () %s)", expr, int(size/time.Second), evaluationInterval)
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
	f := rateRecord(failures, window)
	s := rateRecord(successes, window)
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
// available, over TunnelAvailableRecord itself (the form of the Sloth and
// OpenSLO specs); per device, the average over its peers, read from the
// per-peer records of the same evaluation rather than from the window's
// samples a second time.
func availabilitySLI(level, window string) string {
	if level == LevelPeer {
		return fmt.Sprintf("1 - avg_over_time(%s[%s])", TunnelAvailableRecord, window)
	}
	return fmt.Sprintf(`avg by (device) (slo:sli_error:ratio_rate%s{slo="tunnel_availability",%s=%q})`, window, LevelLabel, LevelPeer)
}

// availabilityRule is availabilitySLI of the rules: per peer from the
// window's record (availableRecord) where the group records one, else from
// windowAvailable.
func availabilityRule(level, window string) string {
	if level == LevelDevice {
		return availabilitySLI(level, window)
	}
	if slices.Contains(availableWindows, window) {
		return "1 - " + availableRecord(window)
	}
	return "1 - " + windowAvailable(window)
}

// availableWindows have an availableRecord of their own: the buckets are
// built from them.
var availableWindows = []string{BaseWindow, "1h"}

// sliRules are the rules of a group of SLI windows (ipsec_slo_sli: the
// windows up to 1h and the buckets; ipsec_slo_sli_long: the longer ones):
// the rates, the failure counts of the burn alerts' long windows, and both
// SLIs at both levels. Rules of a group run in order at one timestamp,
// each seeing what the earlier ones recorded, so later rules build on
// earlier ones.
func sliRules(long bool) []rule {
	var windows []string
	for _, w := range SLOWindows {
		if isLongWindow(w) == long {
			windows = append(windows, w)
		}
	}
	var rules []rule
	if !long {
		rules = []rule{
			{Record: evaluationInterval, Expr: fmt.Sprintf("time() - %s", evaluationClock)},
			{Record: evaluationClock, Expr: "vector(time())"},
		}
	}
	for _, win := range windows {
		for _, kind := range []string{failures, successes} {
			rules = append(rules, rule{Record: rateRecord(kind, win), Expr: windowRate(kind, win)})
		}
		if slices.Contains(availableWindows, win) {
			rules = append(rules, rule{Record: availableRecord(win), Expr: windowAvailable(win)})
		}
	}
	if !long {
		rules = append(rules, bucketRules()...)
	}
	for _, b := range BurnAlerts {
		if isLongWindow(b.LongWindow) != long {
			continue
		}
		name := "ipsec:negotiation_failures:increase" + b.LongWindow
		rules = append(rules,
			rule{Record: name, Expr: failuresIncrease(b.LongWindow), Labels: map[string]string{"slo": "negotiation_success", LevelLabel: LevelPeer}},
			rule{Record: name, Expr: fmt.Sprintf("sum by (device) (%s{%s=%q})", name, LevelLabel, LevelPeer), Labels: map[string]string{"slo": "negotiation_success", LevelLabel: LevelDevice}},
		)
	}
	for _, level := range []string{LevelPeer, LevelDevice} {
		for _, win := range windows {
			rules = append(rules,
				rule{Record: "slo:sli_error:ratio_rate" + win, Expr: negotiationSLI(level, win), Labels: map[string]string{"slo": "negotiation_success", LevelLabel: level}},
				rule{Record: "slo:sli_error:ratio_rate" + win, Expr: availabilityRule(level, win), Labels: map[string]string{"slo": "tunnel_availability", LevelLabel: level}},
			)
		}
	}
	return rules
}

// bucketRules write the buckets the long windows sum: every 5 minutes the
// mean of the last five per-minute 5m rates (each per-minute record in one
// bucket), every hour the 1h rate (the mean of the last 60), every 6 hours
// the mean of the last six hourly buckets; and the same for availability.
func bucketRules() []rule {
	five := BaseWindow + "_bucket"
	six := fmt.Sprintf("[%s]) / 6", recordRange("6h"))
	var rules []rule
	for _, kind := range []string{failures, successes} {
		rules = append(rules,
			rule{Record: rateRecord(kind, five), Expr: bucket(perEvaluation(rateRecord(kind, BaseWindow), BaseWindow), 5*time.Minute)},
			rule{Record: rateRecord(kind, "1h_bucket"), Expr: bucket(rateRecord(kind, "1h"), time.Hour)},
			rule{Record: rateRecord(kind, "6h_bucket"), Expr: bucket("sum_over_time("+rateRecord(kind, "1h_bucket")+six, 6*time.Hour)},
		)
	}
	return append(rules,
		rule{Record: availableRecord(five), Expr: bucket(availableRecord(BaseWindow), 5*time.Minute)},
		rule{Record: availableRecord("1h_bucket"), Expr: bucket(availableRecord("1h"), time.Hour)},
		rule{Record: availableRecord("6h_bucket"), Expr: bucket(fmt.Sprintf("avg_over_time(%s[%s])", availableRecord("1h_bucket"), recordRange("6h")), 6*time.Hour)},
	)
}

// RenderSLORules writes ipsec_slo.rules.yml.
func RenderSLORules(w io.Writer, o Options) error {
	var h strings.Builder
	h.WriteString(comment("Code generated by go generate ./alerts from alerts/slo.go. DO NOT EDIT; change the objectives in alerts/slo.go, or, without Go, the slo:objective:ratio rules below."))
	h.WriteString("#\n")
	h.WriteString(comment("Two SLIs, each per peer (sli_level=\"peer\", labels device and peer) and per device (sli_level=\"device\", label device): negotiation_success, the share of negotiations that fail, failures / (successes + failures), where a success is a tunnel coming up (a clear such as hwIPSecNegotiationSuccess is not one); and tunnel_availability, the share of time a tunnel is down without a plan, 1 - the time average of " + TunnelAvailableRecord + " (up, or down after a planned teardown: lifecycle or administrative). The sli_level label keeps a per-peer series without a peer (a failure reported without a peer address) apart from its device's series. Counts are first reduced with max across exporter instances (two trap hosts receive the same traps), never summed; a tunnel's state is that of the exporter that heard the tunnel last."))
	h.WriteString("#\n")
	h.WriteString(comment("Cost: only " + rateRecord(failures, BaseWindow) + " and " + rateRecord(successes, BaseWindow) + " read the raw counters, over " + BaseWindow + ", per peer. Every longer window sums recorded series: 30m and 1h the per-minute " + BaseWindow + " rates; 2h and 6h 5-minute buckets (*_bucket records written once every 5 minutes: the mean of the last five per-minute rates), 1d and 3d hourly buckets (the 1h rate written once an hour), 30d 6-hour buckets (the mean of six hourly ones), in the group ipsec_slo_sli_long, evaluated every " + model.Duration(LongInterval).String() + ". Each per-minute rate is in exactly one bucket, so the sums count each event once; a window from buckets ends at the newest bucket, up to 5 minutes (2h, 6h), an hour (1d, 3d) or 6 hours (30d) before the evaluation; the 1d and 3d SLIs appear at the first full hour after the rules start, the 30d ones at the first 6-hour mark (00:00, 06:00, 12:00, 18:00 UTC). The groups carry their intervals: the buckets assume one ipsec_slo_sli evaluation a minute. docs/benchmarks.md has the cost and the difference from rate() over raw counters per window."))
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

	every := func(d time.Duration) string { return model.Duration(d).String() }
	obj.Interval = every(SLIInterval)
	inputs := ruleGroup{Name: "ipsec_slo_inputs", Interval: every(SLIInterval), Rules: []rule{{Record: TunnelAvailableRecord, Expr: tunnelAvailable()}}}
	sli := ruleGroup{Name: "ipsec_slo_sli", Interval: every(SLIInterval), Rules: sliRules(false)}
	long := ruleGroup{Name: "ipsec_slo_sli_long", Interval: every(LongInterval), Rules: append(sliRules(true), rule{
		Record: "slo:error_budget_remaining:ratio",
		Expr:   "1 - (slo:sli_error:ratio_rate30d / on (slo) group_left () slo:error_budget:ratio)",
	})}

	alerts := ruleGroup{Name: "ipsec_slo_alerts", Interval: every(SLIInterval)}
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
	return writeYAML(w, h.String(), ruleFile{Groups: []ruleGroup{obj, inputs, sli, long, alerts}})
}
