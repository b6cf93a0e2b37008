package alerts

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Retention the operator can see: the 30-day SLIs read 30 days of records,
// and a Prometheus that keeps 15 (its default) silently computes them over
// 15. These rules say how much of the longest SLO window the data covers,
// and alert when the storage keeps less than it.

// RetentionAlertName fires when the storage keeps less than the longest SLO
// window.
const RetentionAlertName = "IPSecSLORetentionTooShort"

// Records of the retention rules. The clock is one series, a sample per
// evaluation, so that the oldest sample left within the window is cheap to
// find (one series, not every failure series) and says what any storage
// (Prometheus, VictoriaMetrics) still holds of the records the long windows
// read.
const (
	retentionClock    = "ipsec:slo_retention_clock:timestamp_seconds"
	retentionSince    = "ipsec:slo_retention_since:timestamp_seconds"
	WindowOldest      = "ipsec:slo_window_oldest:timestamp_seconds"
	WindowCoverage    = "ipsec:slo_window_coverage:ratio"
	retentionMetric   = "prometheus_tsdb_retention_limit_seconds"
	coverageShortfall = 0.99
)

// retentionLag is how much newer than the rules' start the oldest sample
// must be before the loss counts: more than a block's deletion rounding.
const retentionLag = time.Hour

// LongestSLOWindow is the longest window of the SLIs.
func LongestSLOWindow() string {
	longest := SLOWindows[0]
	for _, w := range SLOWindows {
		if duration(w) > duration(longest) {
			longest = w
		}
	}
	return longest
}

// RetentionNeeded is the retention the SLO rules need: the longest window
// and a day, so that the window's first day is not the next to be deleted.
func RetentionNeeded() string {
	return strconv.Itoa(int(duration(LongestSLOWindow())/(24*time.Hour))+1) + "d"
}

func retentionRecords() []rule {
	w := LongestSLOWindow()
	return []rule{
		{Record: retentionClock, Expr: "vector(time())"},
		// Latched: its own last value while there is one, so it keeps the
		// time the rules first ran (reset by a gap in evaluation longer
		// than the lookback, which only delays the alert).
		{Record: retentionSince, Expr: retentionSince + " or vector(time())"},
		{Record: WindowOldest, Expr: fmt.Sprintf("min_over_time(%s[%s])", retentionClock, w), Labels: map[string]string{"window": w}},
		{Record: WindowCoverage, Expr: fmt.Sprintf("clamp_max((time() - %s) / %d, 1)", WindowOldest, windowSeconds(w)), Labels: map[string]string{"window": w}},
	}
}

func retentionAlerts(o Options) []rule {
	w := LongestSLOWindow()
	remediation := fmt.Sprintf("%sKeep at least %s: Prometheus --storage.tsdb.retention.time=%s (and a --storage.tsdb.retention.size that holds that much), VictoriaMetrics -retentionPeriod=%s; or evaluate ipsec_slo.rules.yml in a server that keeps it (docs/scaling.md). Until then read the %s SLIs and the error budget as covering the share of the window the SLO dashboard shows (%s).",
		ProjectGuidancePrefix, RetentionNeeded(), RetentionNeeded(), RetentionNeeded(), w, WindowCoverage)
	return []rule{
		{
			// Prometheus 3 exports its time retention (0: none); the
			// Prometheus 2.42 of Debian 12 does not, where the rule below
			// catches it once data has been deleted.
			Alert:  RetentionAlertName,
			Expr:   fmt.Sprintf("max by (instance) (%s) > 0 < %d", retentionMetric, windowSeconds(w)),
			For:    "10m",
			Labels: map[string]string{"severity": "warning", "window": w},
			Annotations: map[string]string{
				"summary":     fmt.Sprintf("Prometheus {{ $labels.instance }} keeps {{ $value | humanizeDuration }} of data, less than the %s SLO window", w),
				"description": fmt.Sprintf("%s of {{ $labels.instance }} is {{ $value | humanizeDuration }}: the %s SLIs (slo:sli_error:ratio_rate%s) and the remaining error budget silently cover only that much, if this Prometheus evaluates the SLO rules.", retentionMetric, w, w),
				"remediation": remediation,
				"runbook_url": o.Runbook("slo-retention-too-short"),
			},
		},
		{
			// Any storage: the oldest sample of the clock within the window
			// is newer than the rules' first run, and the window is not
			// covered: samples inside it were deleted.
			Alert: RetentionAlertName,
			// The coverage again, from time() rather than its record, so
			// that its value does not depend on which of the two groups
			// was evaluated first.
			Expr: fmt.Sprintf("clamp_max((time() - %[1]s{window=%[2]q}) / %[3]d, 1) < %[4]g\nand on ()\n%[1]s{window=%[2]q} - on () %[5]s > %[6]d",
				WindowOldest, w, windowSeconds(w), coverageShortfall, retentionSince, int(retentionLag.Seconds())),
			For:    "1h",
			Labels: map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     fmt.Sprintf("The %s SLO window covers {{ $value | humanizePercentage }}: the storage deletes samples inside it", w),
				"description": fmt.Sprintf("The oldest sample of %s left within the last %s is newer than these rules' first evaluation: the storage deleted samples the %s window needs. The %s SLIs and the remaining error budget cover {{ $value | humanizePercentage }} of the window, and will not cover more.", retentionClock, w, w, w),
				"remediation": remediation,
				"runbook_url": o.Runbook("slo-retention-too-short"),
			},
		},
	}
}

// RenderRetentionRules writes ipsec_slo_retention.rules.yml.
func RenderRetentionRules(w io.Writer, o Options) error {
	win := LongestSLOWindow()
	var h strings.Builder
	h.WriteString(comment("Code generated by go generate ./alerts from alerts/retention.go and the SLO windows of alerts/slo.go. DO NOT EDIT."))
	h.WriteString("#\n")
	h.WriteString(comment(fmt.Sprintf("Retention the operator can see. The %s SLIs of ipsec_slo.rules.yml need %s of data; Prometheus keeps 15 days unless told otherwise (--storage.tsdb.retention.time=%s), and with less the %s SLIs and the error budget silently cover what is kept. %s{window=%q} is the share of the window the storage holds (from the oldest sample of %s, one series, so cheap over %s, in Prometheus and VictoriaMetrics alike): it grows for %s after the rules first run, and stops short of 1 when the retention is too short. The SLO dashboard shows it.",
		win, win, RetentionNeeded(), win, WindowCoverage, win, retentionClock, win, win)))
	h.WriteString("#\n")
	h.WriteString(comment(fmt.Sprintf("%s (a ticket) fires from %s where Prometheus scrapes itself (Prometheus 3; not in Prometheus 2.42), at once; and, in any storage, once samples within the window have been deleted: the oldest sample is newer than the rules' first run (%s, which keeps its own value) while the window is not covered.",
		RetentionAlertName, retentionMetric, retentionSince)))
	h.WriteString("\n")
	return writeYAML(w, h.String(), ruleFile{Groups: []ruleGroup{
		{Name: "ipsec_slo_retention_records", Rules: retentionRecords()},
		{Name: "ipsec_slo_retention_alerts", Rules: retentionAlerts(o)},
	}})
}

// RenderRetentionTests writes the promtool tests of the retention rules: a
// Prometheus that keeps 15 days fires the alert, one that keeps 31 or has
// no time limit does not; a storage that deleted samples the rules wrote
// fires it; the coverage grows with the rules' age and a young Prometheus,
// whose data is all there, does not alert.
func RenderRetentionTests(w io.Writer, o Options) error {
	win := LongestSLOWindow()
	fires, err := expandedAlertValue(retentionAlerts(o)[0], map[string]string{"instance": "prometheus:9090"}, float64(15*24*3600))
	if err != nil {
		return err
	}
	deleted, err := expandedAlertValue(retentionAlerts(o)[1], map[string]string{"window": win}, 2.0*3600/float64(windowSeconds(win)))
	if err != nil {
		return err
	}
	retention := func(seconds int) []inputSeries {
		return []inputSeries{{Series: retentionMetric + `{instance="prometheus:9090",job="prometheus"}`, Values: fmt.Sprintf("%dx180", seconds)}}
	}
	f := unitTestFile{
		RuleFiles:          []string{"../ipsec_slo_retention.rules.yml"},
		EvaluationInterval: "1m",
		Tests: []unitTestGroup{
			{
				Name: RetentionAlertName + ": a Prometheus keeping 15 days", Interval: "1m", InputSeries: retention(15 * 24 * 3600),
				AlertRuleTest: []alertRuleTest{
					{EvalTime: "5m", Alertname: RetentionAlertName, ExpAlerts: []expAlert{}},
					{EvalTime: "15m", Alertname: RetentionAlertName, ExpAlerts: []expAlert{fires}},
				},
			},
			{
				Name: RetentionAlertName + ": a Prometheus keeping " + RetentionNeeded(), Interval: "1m", InputSeries: retention(int(windowSeconds(RetentionNeeded()))),
				AlertRuleTest: []alertRuleTest{{EvalTime: "15m", Alertname: RetentionAlertName, ExpAlerts: []expAlert{}}},
			},
			{
				Name: RetentionAlertName + ": a Prometheus without a time limit", Interval: "1m", InputSeries: retention(0),
				AlertRuleTest: []alertRuleTest{{EvalTime: "15m", Alertname: RetentionAlertName, ExpAlerts: []expAlert{}}},
			},
			{
				// The rules have run since two days before the first sample
				// the storage still holds (the latch reads this input and
				// records the same value).
				Name: RetentionAlertName + ": samples within the window deleted", Interval: "1m",
				InputSeries: []inputSeries{{Series: retentionSince, Values: "-172800x200"}},
				AlertRuleTest: []alertRuleTest{
					{EvalTime: "30m", Alertname: RetentionAlertName, ExpAlerts: []expAlert{}},
					{EvalTime: "2h", Alertname: RetentionAlertName, ExpAlerts: []expAlert{deleted}},
				},
			},
			{
				Name: WindowCoverage + ": six hours of rules cover 6h of " + win + ", and a storage that lost nothing does not alert", Interval: "1m",
				InputSeries:   []inputSeries{{Series: "up", Values: "1x400"}},
				AlertRuleTest: []alertRuleTest{{EvalTime: "6h", Alertname: RetentionAlertName, ExpAlerts: []expAlert{}}},
				// Rounded to 9 decimals, so that the test holds on
				// VictoriaMetrics too, which stores a record's value with
				// 12 significant digits (docs/victoriametrics.md).
				PromQLExprTest: []promqlExprTest{{
					Expr: "round(" + WindowCoverage + " * 1e9) / 1e9", EvalTime: "6h",
					ExpSamples: []expSample{{Labels: fmt.Sprintf(`{window=%q}`, win), Value: math.Round(6.0*3600/float64(windowSeconds(win))*1e9) / 1e9}},
				}},
			},
		},
	}
	header := comment("Code generated by go generate ./alerts from alerts/retention.go. DO NOT EDIT.") +
		comment("promtool unit tests of ipsec_slo_retention.rules.yml; run: promtool test rules alerts/tests/*.yml") + "\n"
	return writeYAML(w, header, f)
}

// retentionRunbook is the runbook section of RetentionAlertName.
func retentionRunbook() string {
	w := LongestSLOWindow()
	return fmt.Sprintf("\n<a id=\"slo-retention-too-short\"></a>\n## %[1]s\n\nThe storage keeps less than the %[2]s SLO window: the %[2]s SLIs (`slo:sli_error:ratio_rate%[2]s`) and the remaining error budget silently cover what is kept (Prometheus keeps 15 days unless told otherwise). It fires from `%[3]s` (Prometheus 3, where Prometheus scrapes itself; label `instance`) within minutes, and in any storage (Prometheus 2, VictoriaMetrics) once samples inside the window have been deleted, from `%[4]s`, the share of the window the storage holds, which the SLO dashboard shows (it grows for %[2]s after the rules first run). Keep at least %[5]s: `--storage.tsdb.retention.time=%[5]s` (and a `--storage.tsdb.retention.size` that holds that much), VictoriaMetrics `-retentionPeriod=%[5]s`, or evaluate `ipsec_slo.rules.yml` in a server that keeps it (docs/scaling.md).\n",
		RetentionAlertName, w, retentionMetric, WindowCoverage, RetentionNeeded())
}
