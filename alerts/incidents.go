package alerts

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// One page per incident: the rules of ipsec_incidents.rules.yml exist so
// that Alertmanager's inhibit rules (alertmanager.yml) can fold what one
// cause sets off into one notification.

// DeviceWideAlertName is the alert that stands for the per-peer failure
// alerts of one remediation group when DeviceWidePeers or more peers of one
// device meet their condition. One rule per group, all with this name and
// the group in the label remediation_group, so that one inhibit rule
// (equal: [device, remediation_group]) covers them all.
const DeviceWideAlertName = "IPSecNegotiationFailingDeviceWide"

// TunnelDownInhibitorName is an alert that never notifies: it fires while
// IPSecTunnelDown is pending or firing for a peer, and for InhibitorTail
// after it last fired, and inhibits that peer's tunnel_availability burn
// alerts. IPSecTunnelDown itself cannot do that: a burn over 1h/5m at 14.4x
// fires after 4.3 minutes of downtime, before IPSecTunnelDown (for: 5m)
// does, and keeps firing for up to its short window after the tunnel is
// back, when IPSecTunnelDown has resolved.
const TunnelDownInhibitorName = "IPSecTunnelDownInhibitor"

// InhibitorSeverity is the severity of alerts that only inhibit; the
// example Alertmanager configuration routes it to a receiver without
// integrations.
const InhibitorSeverity = "none"

// inhibitorMargin covers the scrape and evaluation lags between the tunnel
// coming back and a burn alert clearing.
const inhibitorMargin = 10 * time.Minute

// InhibitorTail is how long the inhibitor holds after IPSecTunnelDown last
// fired: the longest short window of the paging burn alerts (once the
// outage has left it, the burn stops), plus a margin.
func InhibitorTail() string {
	var longest time.Duration
	for _, b := range BurnAlerts {
		if b.Severity != "critical" {
			continue
		}
		if d := duration(b.ShortWindow); d > longest {
			longest = d
		}
	}
	return model.Duration(longest + inhibitorMargin).String()
}

func duration(s string) time.Duration {
	d, err := model.ParseDuration(s)
	if err != nil {
		panic(fmt.Sprintf("bad duration %q", s))
	}
	return time.Duration(d)
}

// DeviceWideFor is the for: of a class's device-wide alert: DeviceWideLead
// shorter than the per-peer alerts', at least 0 (empty).
func DeviceWideFor(p Policy) string {
	d := duration(p.For) - duration(DeviceWideLead)
	if d <= 0 {
		return ""
	}
	return model.Duration(d).String()
}

// DeviceWideExpr counts, per device, the peers for which the group's
// per-peer alert condition holds (its series key has the peer; a peer with
// several interfaces or reasons counts once).
func DeviceWideExpr(group string, p Policy) string {
	return fmt.Sprintf("count by (device) (\n  count by (device, peer) (\n%s\n  )\n) >= %d",
		indent(FailureExpr(group, p), "    "), DeviceWidePeers)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// DeviceWideAnnotations are the annotations of a group's device-wide
// alert: its remediation is the group's, word for word.
func DeviceWideAnnotations(g mib.Group, o Options) map[string]string {
	p := Policies[g.Class]
	return map[string]string{
		"summary": fmt.Sprintf(`%s on {{ $labels.device }}: {{ $value | printf "%%.0f" }} peers`, g.Title),
		"description": fmt.Sprintf(`{{ $value | printf "%%.0f" }} peers of {{ $labels.device }} each failed to negotiate %d or more times in %s for reasons of the group %s: one cause on the device, not one per peer. Their per-peer %s alerts are held back (Alertmanager inhibition) while this one fires; /events?device={{ $labels.device }} on the exporter lists them.`,
			p.Threshold, p.Window, g.Name, FailureAlertName(g.Name)),
		"remediation": RemediationText(g),
		"runbook_url": o.Runbook(g.Name),
	}
}

// TunnelDownInhibitorExpr is pending or firing IPSecTunnelDown now, or
// firing within the tail, per tunnel; and the same of
// IPSecTunnelDownDeviceWide, per device (no peer label), for the device's
// availability burns.
func TunnelDownInhibitorExpr() string {
	return fmt.Sprintf(`max by (device, peer) (ALERTS{alertname="IPSecTunnelDown"})
or
max by (device, peer) (max_over_time(ALERTS{alertname="IPSecTunnelDown", alertstate="firing"}[%[1]s]))
or
max by (device) (ALERTS{alertname=%[2]q})
or
max by (device) (max_over_time(ALERTS{alertname=%[2]q, alertstate="firing"}[%[1]s]))`, InhibitorTail(), DeviceDownAlertName)
}

// IncidentRules are the rules of ipsec_incidents.rules.yml: one device-wide
// alert per remediation group, and the tunnel-down inhibitor.
func IncidentRules(o Options) ([]rule, error) {
	var rules []rule
	for _, g := range AlertGroups() {
		p, ok := Policies[g.Class]
		if !ok {
			return nil, fmt.Errorf("group %s: no alert policy for class %q", g.Name, g.Class)
		}
		rules = append(rules, rule{
			Alert: DeviceWideAlertName,
			Expr:  DeviceWideExpr(g.Name, p),
			For:   DeviceWideFor(p),
			Labels: map[string]string{
				"severity":          "critical",
				"class":             string(g.Class),
				"remediation_group": g.Name,
			},
			Annotations: DeviceWideAnnotations(g, o),
		})
	}
	rules = append(rules, outageRules(o)...)
	rules = append(rules, rule{
		Alert:  TunnelDownInhibitorName,
		Expr:   TunnelDownInhibitorExpr(),
		Labels: map[string]string{"severity": InhibitorSeverity},
		Annotations: map[string]string{
			"summary":     "{{ with $labels.peer }}IPSecTunnelDown is pending or fired for {{ . }}{{ else }}" + DeviceDownAlertName + " is pending or fired{{ end }} on {{ $labels.device }}: its availability burn alerts are held back",
			"description": "{{ with $labels.peer }}IPSecTunnelDown is pending or firing for the tunnel between {{ $labels.device }} and {{ . }}, or fired within the last " + InhibitorTail() + ". Alertmanager inhibits this peer's IPSecSLOErrorBudgetBurn{slo=\"tunnel_availability\"} meanwhile: the outage pages once, as IPSecTunnelDown.{{ else }}" + DeviceDownAlertName + " is pending or firing for {{ $labels.device }}, or fired within the last " + InhibitorTail() + ". Alertmanager inhibits the device's IPSecSLOErrorBudgetBurn{slo=\"tunnel_availability\"} meanwhile, per peer and per device: the outage pages once, as " + DeviceDownAlertName + ".{{ end }}",
			"remediation": ProjectGuidancePrefix + "nothing to do: this alert only inhibits (severity none, routed to a receiver without integrations). Act on IPSecTunnelDown.",
			"runbook_url": o.Runbook("tunnel-down-inhibitor"),
		},
	})
	return rules, nil
}

// RenderIncidentRules writes ipsec_incidents.rules.yml.
func RenderIncidentRules(w io.Writer, o Options) error {
	rules, err := IncidentRules(o)
	if err != nil {
		return err
	}
	var h strings.Builder
	h.WriteString(comment("Code generated by go generate ./alerts from alerts/incidents.go, alerts/thresholds.go and the reason catalogue in mib/. DO NOT EDIT."))
	h.WriteString("#\n")
	h.WriteString(comment("One page per incident. These alerts exist for the inhibit rules of alerts/alertmanager.yml (load both, or write equivalent inhibit rules):"))
	h.WriteString(comment(fmt.Sprintf("- %s, one rule per remediation group (label remediation_group), fires when %d or more peers of one device meet the condition of that group's per-peer IPSecNegotiationFailing alert, %s before those would fire (for: the class's for minus %s). It pages with the group's remediation, and inhibits the per-peer alerts of the same device and group, and the device's negotiation_success burn alerts: one cause on the device, one notification.",
		DeviceWideAlertName, DeviceWidePeers, DeviceWideLead, DeviceWideLead)))
	h.WriteString(comment(fmt.Sprintf("- %s, one rule per unplanned teardown class (label class), pages when %d or more tunnels of one device went down within %s of one another (%s) and are still down (%s), and as many were torn down with reasons of that class; %s before their IPSecTunnelDown would fire, and until fewer than %d are down plus %s (keep_firing_for). It inhibits the device's IPSecTunnelDown and IPSecTunnelTeardown alerts. Tunnels lost one at a time, more than %s apart, never add up to it.",
		DeviceDownAlertName, DeviceWideTunnels, DeviceWideDownWindow, DownTogetherRecord, DownSinceRecord, deviceDownLead(), DeviceWideTunnels, DeviceWideHold, DeviceWideDownWindow)))
	h.WriteString(comment(fmt.Sprintf("- %s, one rule per outage teardown reason (label reason), opens one ticket when %d or more tunnels of one device were torn down for that reason within %s, and inhibits their per-tunnel IPSecTunnelTeardown alerts (which wait %s for it).",
		DeviceTeardownAlertName, DeviceWideTunnels, TeardownWindow, DeviceWideLead)))
	h.WriteString(comment(fmt.Sprintf("- %s (severity %s: never notifies) fires while IPSecTunnelDown is pending or firing for a peer, and for %s after it last fired, and inhibits that peer's tunnel_availability burn alerts, which would otherwise page before IPSecTunnelDown (after 4.3 minutes of downtime, at 14.4x over 1h/5m) and again after it resolved (until the outage leaves the burn's short window). Without a peer label it does the same for %s and all of the device's tunnel_availability burn alerts.",
		TunnelDownInhibitorName, InhibitorSeverity, InhibitorTail(), DeviceDownAlertName)))
	h.WriteString("\n")
	return writeYAML(w, h.String(), ruleFile{Groups: []ruleGroup{
		{Name: "ipsec_incidents_records", Rules: outageRecords()},
		{Name: "ipsec_incidents", Rules: rules},
	}})
}

// RenderIncidentTests writes the promtool unit tests of
// ipsec_incidents.rules.yml: for every group, that DeviceWidePeers peers
// fire the device-wide alert before any per-peer alert fires, and that one
// peer fewer does not; and when the inhibitor holds.
func RenderIncidentTests(w io.Writer, o Options) error {
	f := unitTestFile{
		RuleFiles:          []string{"../ipsec_negotiation_failures.rules.yml", "../ipsec_tunnels.rules.yml", "../ipsec_incidents.rules.yml"},
		EvaluationInterval: "1m",
	}
	for _, g := range AlertGroups() {
		tests, err := deviceWideTests(g, o)
		if err != nil {
			return err
		}
		f.Tests = append(f.Tests, tests...)
	}
	inhibitor, err := inhibitorTests(o)
	if err != nil {
		return err
	}
	f.Tests = append(f.Tests, inhibitor...)
	outages, err := outageTests(o)
	if err != nil {
		return err
	}
	f.Tests = append(f.Tests, outages...)
	header := comment("Code generated by go generate ./alerts from alerts/incidents.go. DO NOT EDIT.") +
		comment("promtool unit tests of ipsec_incidents.rules.yml; run: promtool test rules alerts/tests/*.yml") + "\n"
	return writeYAML(w, header, f)
}

// deviceWideTests: peers of one device, each on both exporters of the HA
// pair, reach the group's per-peer threshold at 5m + threshold - 1.
func deviceWideTests(g mib.Group, o Options) ([]unitTestGroup, error) {
	p := Policies[g.Class]
	r := mib.Reason{Code: 99, Slug: mib.UnknownReason}
	if rs := ReasonsOf(g.Name); len(rs) > 0 {
		r = rs[0]
	}
	series := func(peers int) []inputSeries {
		values := "_x5 1x40"
		if p.Threshold > 1 {
			values = fmt.Sprintf("_x5 1+1x%d %dx40", p.Threshold-2, p.Threshold)
		}
		var in []inputSeries
		for i := range peers {
			for _, inst := range testInstances {
				in = append(in, inputSeries{
					Series: fmt.Sprintf(metricdef.NegotiationFailures.Name+`{device="fw-hq-01",instance=%q,interface="GigabitEthernet0/0/1",job="ipsec_trap_exporter",peer="198.51.100.%d",reason=%q,reason_code="%d",vsys=""}`,
						inst, i+1, r.Slug, r.Code),
					Values: values,
				})
			}
		}
		return in
	}
	labels := map[string]string{"device": "fw-hq-01", "severity": "critical", "class": string(g.Class), "remediation_group": g.Name}
	ann := map[string]string{}
	for k, v := range DeviceWideAnnotations(g, o) {
		s, err := ExpandAnnotation(v, labels, DeviceWidePeers)
		if err != nil {
			return nil, err
		}
		ann[k] = s
	}
	crossed := 5 + p.Threshold - 1
	fires := crossed + minutes(p.For) - minutes(DeviceWideLead)
	if fires < crossed {
		fires = crossed
	}
	at := func(m int) string { return strconv.Itoa(m) + "m" }
	perPeer := FailureAlertName(g.Name)
	return []unitTestGroup{
		{
			Name:        fmt.Sprintf("%s %s: %d peers fire it, before their per-peer alerts", DeviceWideAlertName, g.Name, DeviceWidePeers),
			Interval:    "1m",
			InputSeries: series(DeviceWidePeers),
			AlertRuleTest: []alertRuleTest{
				{EvalTime: at(fires), Alertname: DeviceWideAlertName, ExpAlerts: []expAlert{{ExpLabels: labels, ExpAnnotations: ann}}},
				{EvalTime: at(fires), Alertname: perPeer, ExpAlerts: []expAlert{}},
			},
		},
		{
			Name:        fmt.Sprintf("%s %s: %d peers do not", DeviceWideAlertName, g.Name, DeviceWidePeers-1),
			Interval:    "1m",
			InputSeries: series(DeviceWidePeers - 1),
			AlertRuleTest: []alertRuleTest{
				{EvalTime: at(crossed + minutes(p.For) + 2), Alertname: DeviceWideAlertName, ExpAlerts: []expAlert{}},
			},
		},
	}, nil
}

// inhibitorTests: a tunnel down for 10 minutes (IPSecTunnelDown pending
// from 5m, firing from 10m, resolved at 15m when it comes back) holds the
// inhibitor from when IPSecTunnelDown is pending until the tail has passed
// since it last fired; a 3-minute outage (never firing) holds it only while
// pending.
func inhibitorTests(o Options) ([]unitTestGroup, error) {
	tunnel := func(peer, up, change string) []inputSeries {
		var in []inputSeries
		for _, inst := range testInstances {
			l := fmt.Sprintf(`{device="fw-hq-01",instance=%q,job="ipsec_trap_exporter",peer=%q}`, inst, peer)
			in = append(in,
				inputSeries{Series: metricdef.TunnelUp.Name + l, Values: up},
				inputSeries{Series: metricdef.TunnelDownPlanned.Name + l, Values: "0x120"},
				inputSeries{Series: metricdef.TunnelLastChange.Name + l, Values: change},
			)
		}
		return in
	}
	rules, err := IncidentRules(o)
	if err != nil {
		return nil, err
	}
	inhibitor := rules[len(rules)-1]
	holds, err := expandedAlert(inhibitor, map[string]string{"device": "fw-hq-01", "peer": "203.0.113.9"})
	if err != nil {
		return nil, err
	}
	short, err := expandedAlert(inhibitor, map[string]string{"device": "fw-hq-01", "peer": "198.51.100.7"})
	if err != nil {
		return nil, err
	}
	down, err := tunnelDownFiring(o, "fw-hq-01", "203.0.113.9")
	if err != nil {
		return nil, err
	}
	tail := minutes(InhibitorTail())
	at := func(m int) string { return strconv.Itoa(m) + "m" }
	return []unitTestGroup{
		{
			Name:        TunnelDownInhibitorName + ": holds from IPSecTunnelDown pending until " + InhibitorTail() + " after it last fired",
			Interval:    "1m",
			InputSeries: tunnel("203.0.113.9", "1x4 0x9 1x100", "0x4 300x9 900x100"),
			AlertRuleTest: []alertRuleTest{
				{EvalTime: "3m", Alertname: TunnelDownInhibitorName, ExpAlerts: []expAlert{}},
				// Pending from 5m; the inhibitor reads ALERTS of the
				// previous evaluation.
				{EvalTime: "7m", Alertname: TunnelDownInhibitorName, ExpAlerts: []expAlert{holds}},
				{EvalTime: "12m", Alertname: "IPSecTunnelDown", ExpAlerts: []expAlert{down}},
				{EvalTime: "20m", Alertname: "IPSecTunnelDown", ExpAlerts: []expAlert{}},
				{EvalTime: at(14 + tail - 2), Alertname: TunnelDownInhibitorName, ExpAlerts: []expAlert{holds}},
				{EvalTime: at(15 + tail + 2), Alertname: TunnelDownInhibitorName, ExpAlerts: []expAlert{}},
			},
		},
		{
			Name:        TunnelDownInhibitorName + ": an outage shorter than IPSecTunnelDown's for: holds it only while pending",
			Interval:    "1m",
			InputSeries: tunnel("198.51.100.7", "1x4 0x2 1x100", "0x4 300x2 420x100"),
			AlertRuleTest: []alertRuleTest{
				{EvalTime: "7m", Alertname: TunnelDownInhibitorName, ExpAlerts: []expAlert{short}},
				{EvalTime: "10m", Alertname: TunnelDownInhibitorName, ExpAlerts: []expAlert{}},
				{EvalTime: "10m", Alertname: "IPSecTunnelDown", ExpAlerts: []expAlert{}},
			},
		},
	}, nil
}

// tunnelDownFiring is IPSecTunnelDown as it fires for device and peer.
func tunnelDownFiring(o Options, device, peer string) (expAlert, error) {
	for _, r := range TunnelRules(o) {
		if r.Alert == "IPSecTunnelDown" {
			return expandedAlert(r, map[string]string{"device": device, "peer": peer})
		}
	}
	return expAlert{}, fmt.Errorf("no IPSecTunnelDown rule")
}

// expandedAlert is rule r as it fires with the labels of its expression
// (and value 1): its annotations expanded, its own labels added.
func expandedAlert(r rule, labels map[string]string) (expAlert, error) {
	return expandedAlertValue(r, labels, 1)
}

// incidentRunbook is the runbook section of the incident alerts.
func incidentRunbook() string {
	var b strings.Builder
	b.WriteString("\n# One page per incident\n\n")
	b.WriteString("`alerts/ipsec_incidents.rules.yml` and the inhibit rules of `alerts/alertmanager.yml` fold what one cause sets off into one notification.\n")
	fmt.Fprintf(&b, "\n<a id=\"negotiation-failing-device-wide\"></a>\n## %s\n\n", DeviceWideAlertName)
	fmt.Fprintf(&b, "%d or more peers of one device meet the condition of one group's `IPSecNegotiationFailing…` alert (label `remediation_group`): one cause on the device, such as an expired local certificate, a proposal changed on the hub, or a limit reached. It pages (severity critical) with that group's remediation and runbook link, %s before the per-peer alerts would fire, and Alertmanager holds back the per-peer alerts of the same device and group, and the device's `negotiation_success` burn alerts, while it fires. ", DeviceWidePeers, DeviceWideLead)
	b.WriteString("Fix the cause on the device; `/events?device=…` on the exporter lists the peers. Per class:\n\n| class | per-peer condition | per-peer for | device-wide for |\n|---|---|---|---|\n")
	for _, c := range classOrder {
		p := Policies[c]
		f := DeviceWideFor(p)
		if f == "" {
			f = "0 (at once)"
		}
		fmt.Fprintf(&b, "| %s | >= %d failures in %s | %s | %s |\n", c, p.Threshold, p.Window, p.For, f)
	}
	b.WriteString(outageRunbook())
	fmt.Fprintf(&b, "\n<a id=\"tunnel-down-inhibitor\"></a>\n## %s\n\n", TunnelDownInhibitorName)
	fmt.Fprintf(&b, "Never notifies (severity `%s`; the example Alertmanager configuration routes it to a receiver without integrations). It fires while `IPSecTunnelDown` is pending or firing for a peer, and for %s after it last fired, and Alertmanager inhibits that peer's `IPSecSLOErrorBudgetBurn{slo=\"tunnel_availability\"}` meanwhile: a tunnel down pages once, as `IPSecTunnelDown`. Without it the fast burn (1h/5m at 14.4×) would page after 4.3 minutes of downtime, before `IPSecTunnelDown` does, and again after the tunnel came back, until the outage leaves the burn's short window. A ticket for the spent budget (1d/2h, 3d/6h) can still follow an outage longer than about 20 minutes, after the tail. It also fires, without a peer label, while `%s` is pending or firing for a device and for %s after, and then holds back every `tunnel_availability` burn alert of that device, per peer and per device.\n", InhibitorSeverity, InhibitorTail(), DeviceDownAlertName, InhibitorTail())
	return b.String()
}
