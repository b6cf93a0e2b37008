package alerts

import (
	"fmt"
	"io"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// TeardownWindow is how long a teardown alert stays firing after the
// teardown: long enough to be seen and routed, short enough to resolve by
// itself once the cause is gone.
const TeardownWindow = "15m"

// TunnelDownFor is how long a tunnel stays down before IPSecTunnelDown
// fires: a tunnel that renegotiates within it never pages.
const TunnelDownFor = "5m"

// FlappingWindow and FlappingThreshold: three unplanned downs in 30 minutes
// is a pattern (unstable path, DPD too aggressive, lifetimes that disagree),
// not a single outage.
const (
	FlappingWindow    = "30m"
	FlappingThreshold = 3
)

// plannedReasons is the regex of the teardown reasons that are not
// instability: rekeys, the normal end of a tunnel, and someone's decision.
func plannedReasons() string {
	return strings.Join(mib.TeardownSlugs(mib.TeardownRekey, mib.TeardownLifecycle, mib.TeardownAdministrative), "|")
}

// UnplannedDowns selects the down transitions that count as instability:
// every reason outside the planned classes, including reasons the catalogue
// does not know (other) and downs without a reason (the router family).
func UnplannedDowns() string {
	return fmt.Sprintf(metricdef.TunnelStateChanges.Name+`{state="down",reason!~"%s"}`, plannedReasons())
}

// TeardownAlertName is the alert of one outage-class teardown reason.
func TeardownAlertName(slug string) string { return "IPSecTunnelTeardown" + camel(slug) }

// PredictiveAlertName is the alert of a notification that announces a
// failure.
func PredictiveAlertName(notification string) string {
	return "IPSecDeviceWarning" + strings.TrimPrefix(notification, "hw")
}

// newOrIncreased counts a counter selection over a window as the max across
// exporter instances; a series born within the window counts with its
// whole value, which increase() cannot see.
func newOrIncreased(by, sel, window string) string {
	return fmt.Sprintf(`max by (%[1]s) (
    (%[2]s unless %[2]s offset %[3]s)
  or
    increase(%[2]s[%[3]s])
)`, by, sel, window)
}

// tunnelDownExpr selects the tunnels down without a plan, in the state of
// the exporter that heard each tunnel last.
func tunnelDownExpr() string {
	lastOver := func(metric string) string { return "last_over_time(" + metric + "[5m])" }
	return NewestTunnelState(lastOver(metricdef.TunnelUp.Name), lastOver) + " == 0\nunless on (" + TunnelKey + ")\n  " +
		NewestTunnelState(lastOver(metricdef.TunnelDownPlanned.Name), lastOver) + " == 1"
}

// teardownExpr selects the tunnels torn down with reason slug within
// TeardownWindow, once for the HA pair.
func teardownExpr(slug string) string {
	sel := fmt.Sprintf(metricdef.TunnelStateChanges.Name+`{state="down",reason="%s"}`, slug)
	return newOrIncreased("device, peer, reason", sel, TeardownWindow) + " >= 1"
}

// TunnelRules are the rules of ipsec_tunnels.rules.yml: tunnel down and
// flapping, one alert per outage-class teardown reason, and one per
// notification that predicts failures.
func TunnelRules(o Options) []rule {
	rules := []rule{
		{
			// last_over_time rides over the scrapes that fail while an
			// exporter restarts (an upgrade, a crash): a failed scrape marks
			// the series stale, which would resolve the alert and start its
			// 5 minutes again although the exporter restores the tunnel's
			// state from its state directory. Range selectors skip
			// staleness markers, so the last value holds through up to 5
			// minutes of failed scrapes, while a new value (an up trap)
			// counts at the next scrape.
			Alert:  "IPSecTunnelDown",
			Expr:   tunnelDownExpr(),
			For:    TunnelDownFor,
			Labels: map[string]string{"severity": "critical"},
			Annotations: map[string]string{
				"summary":     "IPSec tunnel to {{ $labels.peer }} on {{ $labels.device }} is down",
				"description": "The tunnel between {{ $labels.device }} and peer {{ $labels.peer }} went down (hwIPSecTunnelStop, state down or status change) and has not come back for 5 minutes.",
				"remediation": ProjectGuidancePrefix + "the teardown reason of the down transition (label reason of " + metricdef.TunnelStateChanges.Name + "{state=\"down\"}; the IPSecTunnelTeardown alert of the same peer, if any, carries its guidance) says why the tunnel went down. Check the path to the peer, then the IPSecNegotiationFailing alerts of this peer: when the tunnel cannot come back, their remediation says what to fix. A tunnel taken down on purpose (an operator, AAA, the normal end of a lease) does not fire this alert.",
				"runbook_url": o.Runbook("tunnel-down"),
			},
		},
		{
			Alert: "IPSecTunnelFlapping",
			Expr: fmt.Sprintf(`max by (device, peer) (
  sum by (device, peer, instance) (
      (%[1]s unless %[1]s offset %[2]s)
    or
      increase(%[1]s[%[2]s])
  )
) >= %[3]d`, UnplannedDowns(), FlappingWindow, FlappingThreshold),
			Labels: map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     "IPSec tunnel to {{ $labels.peer }} on {{ $labels.device }} is flapping",
				"description": "The tunnel between {{ $labels.device }} and peer {{ $labels.peer }} went down {{ $value | printf \"%.0f\" }} times in the last " + FlappingWindow + ", not counting rekeys and planned teardowns.",
				"remediation": ProjectGuidancePrefix + "compare the teardown reasons of the down transitions (" + metricdef.TunnelStateChanges.Name + "{state=\"down\"} by reason). dpd timeout points to packet loss on the path or DPD settings too aggressive for it; hard expiries point to rekeys that fail, so SA lifetimes or DPD settings that differ between the two ends (display ike sa, display ipsec sa on both).",
				"runbook_url": o.Runbook("tunnel-flapping"),
			},
		},
	}
	for _, t := range mib.Teardowns() {
		if t.Class != mib.TeardownOutage {
			continue
		}
		rules = append(rules, rule{
			Alert: TeardownAlertName(t.Slug),
			Expr:  teardownExpr(t.Slug),
			// IPSecTunnelTeardownDeviceWide (no for:) is in Alertmanager,
			// inhibiting, before these of the same outage are.
			For:    DeviceWideLead,
			Labels: map[string]string{"severity": "warning", "class": string(t.Class)},
			Annotations: map[string]string{
				"summary":     fmt.Sprintf("IPSec tunnel to {{ $labels.peer }} on {{ $labels.device }} torn down: %s", t.Text),
				"description": fmt.Sprintf("{{ $labels.device }} tore down its tunnel to {{ $labels.peer }} {{ $value | printf \"%%.0f\" }} times in the last %s with reason %q. %s", TeardownWindow, t.Text, t.Meaning),
				"remediation": ProjectGuidancePrefix + t.Guidance,
				"runbook_url": o.Runbook(TeardownAnchor(t.Slug)),
			},
		})
	}
	for _, n := range mib.Notifications() {
		if n.Predicts == "" {
			continue
		}
		sel := fmt.Sprintf(metricdef.DeviceNotifications.Name+`{notification="%s"}`, n.Name)
		rules = append(rules, rule{
			Alert:  PredictiveAlertName(n.Name),
			Expr:   newOrIncreased("device, notification", sel, "1h") + " >= 1",
			Labels: map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     fmt.Sprintf("{{ $labels.device }}: %s", strings.TrimSuffix(n.Description, ".")),
				"description": fmt.Sprintf("{{ $labels.device }} sent %s {{ $value | printf \"%%.0f\" }} times in the last hour: %s", n.Name, n.Description),
				"remediation": ProjectGuidancePrefix + n.Predicts,
				"runbook_url": o.Runbook(NotificationAnchor(n.Name)),
			},
		})
	}
	return rules
}

// TeardownAnchor is the runbook anchor of a teardown reason.
func TeardownAnchor(slug string) string { return "teardown-" + slug }

// NotificationAnchor is the runbook anchor of a notification.
func NotificationAnchor(name string) string { return "notification-" + strings.ToLower(name) }

// RenderTunnelRules writes ipsec_tunnels.rules.yml.
func RenderTunnelRules(w io.Writer, o Options) error {
	var h strings.Builder
	h.WriteString(comment(strings.Replace(generatedBy, "reason catalogue", "teardown and notification catalogues", 1)))
	h.WriteString("#\n")
	h.WriteString(comment("Tunnel alerts, from the tunnel lifecycle notifications (hwIPSecTunnelStart/Stop, hwIPSecTunnelStatusChange, the router's state up/down) and from the notifications that announce failures."))
	h.WriteString("#\n")
	h.WriteString(comment("High availability: devices send every trap to two trap hosts, so two exporters hold the same series, differing only in instance. Counts take the max across instances, never the sum. A tunnel's state is the state of the exporter that heard the tunnel's latest notification (" + metricdef.TunnelLastNotification.Name + "), so a down or up trap that one exporter lost (UDP) is taken from the other; max would keep a tunnel up for as long as one exporter missed its down. The exporters' clocks must agree (NTP) to within the time between two notifications of a tunnel."))
	h.WriteString("#\n")
	h.WriteString(comment("Restarts: the exporter restores its tunnel states from its state directory, but the scrapes that fail while it restarts mark its series stale. IPSecTunnelDown reads the last value within 5 minutes (last_over_time), so a restart neither resolves it nor restarts its 5 minutes; an up trap still ends it at the next scrape."))
	h.WriteString("#\n")
	h.WriteString(comment(fmt.Sprintf("Teardown classes: a rekey's teardown (%s) leaves "+metricdef.TunnelUp.Name+" at 1, since a new SA took over. Lifecycle and administrative teardowns (%s) set ipsec_tunnel_down_planned: IPSecTunnelDown and the availability SLO leave them out, and so does IPSecTunnelFlapping. Every other reason, including unknown text (other) and downs without a reason, is instability. Outage-class reasons get an alert each, firing for %s after the teardown, with the project's guidance for that cause.",
		strings.Join(mib.TeardownSlugs(mib.TeardownRekey), ", "),
		strings.Join(mib.TeardownSlugs(mib.TeardownLifecycle, mib.TeardownAdministrative), ", "), TeardownWindow)))
	h.WriteString("\n")
	return writeYAML(w, h.String(), ruleFile{Groups: []ruleGroup{{Name: "ipsec_tunnels", Rules: TunnelRules(o)}}})
}

// RenderTunnelTests writes the promtool unit tests of the generated
// teardown and predictive alerts: each fires, once for the HA pair, with
// its catalogue text, and resolves once its window has passed.
func RenderTunnelTests(w io.Writer, o Options) error {
	f := unitTestFile{RuleFiles: []string{"../ipsec_tunnels.rules.yml"}, EvaluationInterval: "1m"}
	for _, r := range TunnelRules(o) {
		var metric, window string
		labels := map[string]string{"device": "fw-hq-01"}
		switch {
		case strings.HasPrefix(r.Alert, "IPSecTunnelTeardown"):
			slug := ""
			for _, t := range mib.Teardowns() {
				if TeardownAlertName(t.Slug) == r.Alert {
					slug = t.Slug
				}
			}
			labels["peer"], labels["reason"] = "203.0.113.9", slug
			metric = fmt.Sprintf(metricdef.TunnelStateChanges.Name+`{device="fw-hq-01",peer="203.0.113.9",state="down",reason=%q`, slug)
			window = TeardownWindow
		case strings.HasPrefix(r.Alert, "IPSecDeviceWarning"):
			for _, n := range mib.Notifications() {
				if PredictiveAlertName(n.Name) == r.Alert {
					labels["notification"] = n.Name
				}
			}
			metric = fmt.Sprintf(metricdef.DeviceNotifications.Name+`{device="fw-hq-01",notification=%q`, labels["notification"])
			window = "1h"
		default:
			continue // hand-written tests in ipsec_tunnels.test.yml
		}
		var in []inputSeries
		for _, inst := range testInstances {
			in = append(in, inputSeries{Series: fmt.Sprintf(`%s,instance=%q,job="ipsec_trap_exporter"}`, metric, inst), Values: "_x5 1x120"})
		}
		l := map[string]string{}
		for k, v := range r.Labels {
			l[k] = v
		}
		for k, v := range labels {
			l[k] = v
		}
		a := map[string]string{}
		for k, v := range r.Annotations {
			s, err := ExpandAnnotation(v, labels, 1)
			if err != nil {
				return err
			}
			a[k] = s
		}
		f.Tests = append(f.Tests, unitTestGroup{
			Name:        r.Alert + ": fires once for the HA pair, resolves after its window",
			Interval:    "1m",
			InputSeries: in,
			AlertRuleTest: []alertRuleTest{
				{EvalTime: "4m", Alertname: r.Alert, ExpAlerts: []expAlert{}},
				{EvalTime: "7m", Alertname: r.Alert, ExpAlerts: []expAlert{{ExpLabels: l, ExpAnnotations: a}}},
				{EvalTime: fmt.Sprintf("%dm", 5+minutes(window)+2), Alertname: r.Alert, ExpAlerts: []expAlert{}},
			},
		})
	}
	header := comment(strings.Replace(generatedBy, "reason catalogue", "teardown and notification catalogues", 1)) +
		comment("promtool unit tests of the generated alerts of ipsec_tunnels.rules.yml; run: promtool test rules alerts/tests/*.yml") + "\n"
	return writeYAML(w, header, f)
}
