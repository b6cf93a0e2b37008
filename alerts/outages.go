package alerts

import (
	"fmt"
	"strings"

	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// One page per outage: a device that loses many tunnels together (its
// uplink, a board, a hot-standby switchover) pages once, as
// IPSecTunnelDownDeviceWide, and opens one ticket per outage teardown
// reason, as IPSecTunnelTeardownDeviceWide, instead of one page and one
// ticket per tunnel. The per-tunnel alerts still fire in Prometheus and
// reach Alertmanager, which holds them back (alertmanager.yml).

// DeviceDownAlertName pages when DeviceWideTunnels or more tunnels of one
// device went down together and are still down; one rule per unplanned
// teardown class (label class), each with that class's guidance.
const DeviceDownAlertName = "IPSecTunnelDownDeviceWide"

// DeviceTeardownAlertName opens one ticket when DeviceWideTunnels or more
// tunnels of one device were torn down for one outage reason (label
// reason) within TeardownWindow.
const DeviceTeardownAlertName = "IPSecTunnelTeardownDeviceWide"

// DownSinceRecord is, per tunnel down without a plan (IPSecTunnelDown's
// condition), when it went down: the last change of the exporter that
// heard the tunnel last (NewestTunnelState).
const DownSinceRecord = "ipsec:tunnel_down_since:newest"

// DownTogetherRecord is, per device, the most tunnels that went down
// within one DeviceWideDownWindow and are still down.
const DownTogetherRecord = "ipsec:tunnels_down_together:count"

// downSinceExpr is the time of the down of every tunnel for which
// IPSecTunnelDown's condition holds, without its for:.
func downSinceExpr() string {
	lastOver := func(metric string) string { return "last_over_time(" + metric + "[5m])" }
	return NewestTunnelState(lastOver(metricdef.TunnelLastChange.Name), lastOver) +
		"\nand on (" + TunnelKey + ")\n(\n" + indent(tunnelDownExpr(), "  ") + "\n)"
}

// downTogetherExpr groups the downs of each device into windows of
// DeviceWideDownWindow (count_values makes the window a label), and into
// windows shifted by half of one, so that downs less than half a window
// apart always share one; it keeps the largest group. Downs hours apart
// never share one, so tunnels lost one at a time never add up, however
// many stay down.
func downTogetherExpr() string {
	w := duration(DeviceWideDownWindow).Seconds()
	return fmt.Sprintf(`max by (device) (
    count_values by (device) ("down_window", floor(%[1]s / %[2]g))
  or
    count_values by (device) ("down_window_shifted", floor(%[1]s / %[2]g + 0.5))
)`, DownSinceRecord, w)
}

// teardownClassMatcher selects the teardown reasons of class c; the
// unknown class is every reason outside the catalogue, "other" and none.
func teardownClassMatcher(c mib.TeardownClass) string {
	if c == mib.TeardownUnknown {
		return fmt.Sprintf(`reason!~"%s"`, strings.Join(mib.OfflineReasons(), "|"))
	}
	return fmt.Sprintf(`reason=~"%s"`, strings.Join(mib.TeardownSlugs(c), "|"))
}

// DeviceDownExpr is the condition of class c's device-wide tunnel-down
// alert: DeviceWideTunnels or more tunnels down together, and either as
// many torn down with reasons of the class within TeardownWindow (how the
// outage starts) or the alert already pending or firing for the class (it
// reads its own ALERTS series: the class stays known for as long as the
// tunnels stay down, after their teardowns have left the window).
func DeviceDownExpr(c mib.TeardownClass) string {
	sel := fmt.Sprintf(metricdef.TunnelStateChanges.Name+`{state="down",%s}`, teardownClassMatcher(c))
	return fmt.Sprintf(`%[1]s >= %[2]d
and on (device)
(
    count by (device) (
%[3]s >= 1
    ) >= %[2]d
  or
    max by (device) (ALERTS{alertname=%[4]q, class=%[5]q})
)`, DownTogetherRecord, DeviceWideTunnels, indent(newOrIncreased("device, peer", sel, TeardownWindow), "      "), DeviceDownAlertName, c)
}

// DeviceDownFor is the device-wide alert's for: twice DeviceWideLead
// shorter than IPSecTunnelDown's, so that it is in Alertmanager before any
// of them although it reads records of another group (up to an evaluation
// interval old) and runs in a group of its own (up to an interval apart
// from IPSecTunnelDown's).
func DeviceDownFor() string {
	return DeviceWideFor(Policy{For: model.Duration(duration(TunnelDownFor) - duration(DeviceWideLead)).String()})
}

// DeviceDownAnnotations are the annotations of class c's device-wide
// tunnel-down alert.
func DeviceDownAnnotations(c mib.TeardownClass, o Options) map[string]string {
	reasons := "reasons outside the catalogue, or none"
	if c != mib.TeardownUnknown {
		reasons = strings.Join(mib.TeardownSlugs(c), ", ")
	}
	return map[string]string{
		"summary": fmt.Sprintf(`{{ $value | printf "%%.0f" }} tunnels of {{ $labels.device }} are down (teardown class %s)`, c),
		"description": fmt.Sprintf(`{{ $value | printf "%%.0f" }} tunnels of {{ $labels.device }} went down within %s of one another and are still down; %d or more of its tunnels were torn down with reasons of the class %s (%s). One cause on the device, not one per tunnel: their IPSecTunnelDown and IPSecTunnelTeardown alerts, and the device's tunnel_availability burn alerts, are held back (Alertmanager inhibition) while this one fires, which is until fewer than %d of them are down, and %s more. /tunnels?device={{ $labels.device }}&state=down on the exporter lists them.`,
			DeviceWideDownWindow, DeviceWideTunnels, c, reasons, DeviceWideTunnels, DeviceWideHold),
		"remediation": ProjectGuidancePrefix + c.DeviceWideGuidance(),
		"runbook_url": o.Runbook("tunnel-down-device-wide"),
	}
}

// DeviceTeardownAnnotations are the annotations of the device-wide alert of
// teardown reason t.
func DeviceTeardownAnnotations(t mib.Teardown, o Options) map[string]string {
	return map[string]string{
		"summary": fmt.Sprintf(`{{ $value | printf "%%.0f" }} tunnels of {{ $labels.device }} torn down: %s`, t.Text),
		"description": fmt.Sprintf(`{{ $labels.device }} tore down {{ $value | printf "%%.0f" }} of its tunnels in the last %s with reason %q (class %s). %s One cause on the device, not one per tunnel: their %s alerts are held back (Alertmanager inhibition) while this one fires.`,
			TeardownWindow, t.Text, t.Class, t.Meaning, TeardownAlertName(t.Slug)),
		"remediation": ProjectGuidancePrefix + t.Class.DeviceWideGuidance(),
		"runbook_url": o.Runbook("tunnel-teardown-device-wide"),
	}
}

// deviceDownLead is how much sooner than IPSecTunnelDown the device-wide
// alert fires.
func deviceDownLead() string {
	return model.Duration(duration(TunnelDownFor) - duration(DeviceDownFor())).String()
}

// outageRecords are the records the device-wide tunnel-down alert reads,
// in the order they must be evaluated; a group of their own, since a group
// holds either records or alerts.
func outageRecords() []rule {
	return []rule{
		{Record: DownSinceRecord, Expr: downSinceExpr()},
		{Record: DownTogetherRecord, Expr: downTogetherExpr()},
	}
}

// outageRules are the alerts of one page per outage.
func outageRules(o Options) []rule {
	var rules []rule
	for _, c := range mib.UnplannedTeardownClasses() {
		rules = append(rules, rule{
			Alert:         DeviceDownAlertName,
			Expr:          DeviceDownExpr(c),
			For:           DeviceDownFor(),
			KeepFiringFor: DeviceWideHold,
			Labels:        map[string]string{"severity": "critical", "class": string(c)},
			Annotations:   DeviceDownAnnotations(c, o),
		})
	}
	for _, t := range mib.Teardowns() {
		if t.Class != mib.TeardownOutage {
			continue
		}
		rules = append(rules, rule{
			Alert: DeviceTeardownAlertName,
			Expr:  fmt.Sprintf("count by (device, reason) (\n%s\n) >= %d", indent(teardownExpr(t.Slug), "  "), DeviceWideTunnels),
			// Until the last of its per-tunnel alerts, each firing for
			// TeardownWindow after its teardown, has ended.
			KeepFiringFor: TeardownWindow,
			Labels:        map[string]string{"severity": "warning", "class": string(t.Class)},
			Annotations:   DeviceTeardownAnnotations(t, o),
		})
	}
	return rules
}

// outageRunbook is the runbook section of the device-wide tunnel alerts.
func outageRunbook() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<a id=\"tunnel-down-device-wide\"></a>\n## %s\n\n", DeviceDownAlertName)
	fmt.Fprintf(&b, "%d or more tunnels of one device went down within %s of one another and are still down, and as many were torn down with reasons of one unplanned teardown class (label `class`): the device lost its uplink, a board or its hot-standby partner, not %d peers each their own. It pages once (severity critical), %s before their `IPSecTunnelDown` would, and Alertmanager holds back the device's `IPSecTunnelDown` and `IPSecTunnelTeardown…` alerts and its `tunnel_availability` burn alerts while it fires (they stay visible in Alertmanager and on `/tunnels?device=…&state=down`). ", DeviceWideTunnels, DeviceWideDownWindow, DeviceWideTunnels, deviceDownLead())
	fmt.Fprintf(&b, "It fires until fewer than %d of those tunnels are down, and %s more (`keep_firing_for`), so that the stragglers of a recovery are not paged one by one; a tunnel still down after that pages as `IPSecTunnelDown`. Tunnels that go down one at a time, more than %s apart, never add up to it, however many stay down: each pages. Per class:\n\n", DeviceWideTunnels, DeviceWideHold, DeviceWideDownWindow)
	b.WriteString("| class | what to check |\n|---|---|\n")
	for _, c := range mib.UnplannedTeardownClasses() {
		fmt.Fprintf(&b, "| %s | %s |\n", c, c.DeviceWideGuidance())
	}
	fmt.Fprintf(&b, "\n<a id=\"tunnel-teardown-device-wide\"></a>\n## %s\n\n", DeviceTeardownAlertName)
	fmt.Fprintf(&b, "%d or more tunnels of one device were torn down for one outage reason (label `reason`) within %s: one ticket (severity warning) instead of one `IPSecTunnelTeardown…` per tunnel, which Alertmanager holds back while it fires (it keeps firing for %s after the count drops, until the last of them has ended). The per-tunnel teardown alerts wait %s (`for:`) so that it is in Alertmanager first. The remediation is the class's device-wide advice above; the reason's own guidance, which looks at one peer, is in its section of this runbook.\n", DeviceWideTunnels, TeardownWindow, TeardownWindow, DeviceWideLead)
	return b.String()
}
