package dashboards

import "strings"

// failuresByRate is the failure rate summed by labels, after max across the
// exporters of an HA pair.
func failuresByRate(labels string, extra ...string) string {
	return sumBy(labels, maxBy(failureKey, rate(sel(metricFailures, extra...))))
}

// successRatio is successes / (successes + failures) grouped by labels ("" for
// the total). A group with only one of the two still gets a ratio (0 or 1)
// because the missing side is filled in as zero from the other.
func successRatio(labels string, inRange bool, extra ...string) string {
	agg := func(key, metric string) string {
		inner := rate(sel(metric, extra...))
		if inRange {
			inner = increaseRange(sel(metric, extra...))
		}
		m := maxBy(key, inner)
		if labels == "" {
			return "sum(" + m + ")"
		}
		return sumBy(labels, m)
	}
	s, f := agg(tunnelKey, metricSuccesses), agg(failureKey, metricFailures)
	ok := "(" + s + " or " + f + " * 0)"
	bad := "(" + f + " or " + s + " * 0)"
	return ok + " / (" + ok + " + " + bad + ")"
}

// failingPeersTable lists label sets that failed in the dashboard's range:
// count in range and time of the last failure, with the reason's text and a
// link to its runbook section. Rows come from the last-failure timestamp,
// not from increase(), because increase() misses the first failure of a new
// series: a peer that failed once must still be listed.
func failingPeersTable(runbookURL, title, desc string, labels []string, extra ...string) *Panel {
	by := strings.Join(labels, ", ")
	recent := maxBy(by, sel(metricLastFailure, extra...)+" > $__from / 1000")
	count := sumBy(by, maxBy(failureKey, increaseRange(sel(metricFailures, extra...)))) +
		" and on (" + by + ") " + recent
	var columns [][2]string
	for _, l := range labels {
		columns = append(columns, [2]string{l, l})
	}
	columns = append(columns, [2]string{"Value #A", "Failures in range"}, [2]string{"Value #B", "Last failure"},
		[2]string{"runbook", "runbook"})
	p := tablePanel(title, desc, "short", columns, "Failures in range",
		table(copyLabel(count, "runbook", "reason")),
		table(copyLabel(recent+" * 1000", "runbook", "reason")),
	)
	p.override("reason", mappingsProp(reasonTextMapping()))
	p.override("runbook", mappingsProp(runbookMapping()), linksProp(runbookLink(runbookURL)))
	p.override("Last failure", unitProp("dateTimeAsIso"))
	return p
}

// Overview is where operators look first: which peers fail right now, why,
// and how many tunnels are down.
func Overview(runbookURL string) *Dashboard {
	d := newDashboard(UIDOverview, "ipsec-overview.json", "IPSec / Overview",
		"IPSec negotiation failures by reason, device and peer, tunnels down, and the negotiation success ratio, from Huawei IPSec traps (ipsec_trap_exporter).")
	d.Templating = standardVars()
	l := &layout{d: d}

	down := stat("Tunnels down now",
		"Tunnels whose last notification was a stop/down trap (ipsec_tunnel_up == 0), counted once per device and peer across the exporters of an HA pair.",
		"short", instant("count("+maxBy(tunnelKey, sel(metricTunnelUp))+" == 0) or vector(0)", ""))
	down.FieldConfig.Defaults.Thresholds = thresholds("green", 1.0, "red")
	down.runbookSection(runbookURL, "tunnel-down", "tunnel down")
	down.MustHaveData = true
	l.add(6, 5, down)

	up := stat("Tunnels up now",
		"Tunnels whose last notification was a start/up trap. Tunnels that have sent no trap since the exporter started are not known.",
		"short", instant("count("+maxBy(tunnelKey, sel(metricTunnelUp))+" == 1) or vector(0)", ""))
	l.add(6, 5, up)

	failing := stat("Failing peers in range",
		"Distinct device/peer pairs with at least one negotiation failure in the selected time range.",
		"short", instant("count("+maxBy(tunnelKey, sel(metricLastFailure)+" > $__from / 1000")+") or vector(0)", ""))
	failing.FieldConfig.Defaults.Thresholds = thresholds("green", 1.0, "orange")
	failing.MustHaveData = true
	l.add(6, 5, failing)

	ratio := stat("Negotiation success ratio",
		"Successful negotiations (tunnel start) / (successes + failures) over the selected time range. Low values mean peers retry and fail.",
		"percentunit", instant(successRatio("", true), ""))
	ratio.FieldConfig.Defaults.Min, ratio.FieldConfig.Defaults.Max = ptr(0.0), ptr(1.0)
	ratio.FieldConfig.Defaults.Thresholds = thresholds("red", 0.9, "orange", 0.99, "green")
	ratio.MustHaveData = true
	l.add(6, 5, ratio)

	byReason := timeseries("Negotiation failures by reason",
		"Failures per second by reason (stacked), each failure counted once across the exporters of an HA pair. See the reason-code legend below for texts, causes and runbook links.",
		"cps", true, series(failuresByRate("reason"), "{{reason}}"))
	byReason.MustHaveData = true
	l.add(12, 9, byReason)

	byDevice := timeseries("Negotiation failures by device",
		"Failures per second by reporting device (stacked). A hub failing with many spokes at once stands out here.",
		"cps", true, series(failuresByRate("device"), "{{device}}"))
	byDevice.MustHaveData = true
	l.add(12, 9, byDevice)

	top := failingPeersTable(runbookURL, "Top failing peers",
		"Device, peer, interface and reason of every failure in the selected range, most failures first, with the time of the last one. Click device or peer to drill down, runbook for the fix of that reason.",
		[]string{"device", "peer", "interface", "reason"})
	top.override("device", linksProp(drilldownLink(false)))
	top.override("peer", linksProp(drilldownLink(true)))
	top.MustHaveData = true
	l.add(24, 10, top)

	downTable := tablePanel("Tunnels down",
		"Device and peer of every tunnel that is down now (its last trap was a stop/down). Click to drill down.",
		"none", [][2]string{{"device", "device"}, {"peer", "peer"}, {"Value", "State"}}, "",
		table(maxBy(tunnelKey, sel(metricTunnelUp))+" == 0"))
	downTable.override("State", mappingsProp(upDownMapping()))
	downTable.override("device", linksProp(drilldownLink(false)))
	downTable.override("peer", linksProp(drilldownLink(true)))
	downTable.runbookSection(runbookURL, "tunnel-down", "tunnel down")
	downTable.MustHaveData = true
	l.add(12, 9, downTable)

	ratioByDevice := timeseries("Negotiation success ratio by device",
		"Successes / (successes + failures) per device over time; 1 means every negotiation succeeded.",
		"percentunit", false, series(successRatio("device", false), "{{device}}"))
	ratioByDevice.FieldConfig.Defaults.Min, ratioByDevice.FieldConfig.Defaults.Max = ptr(0.0), ptr(1.0)
	l.add(12, 9, ratioByDevice)

	legend := tablePanel("Reason codes in range (legend)",
		"Every reason code seen in the selected range, with the vendor's text and possible cause, and a link to the runbook section with the remediation. Texts, causes and runbook anchors come from the exporter's reason catalogue (generated, mib.Reasons).",
		"short",
		[][2]string{{"reason_code", "reason_code"}, {"reason", "reason"}, {"cause", "cause"}, {"Value", "Failures in range"}, {"runbook", "runbook"}},
		"Failures in range",
		table(copyLabel(copyLabel(sumBy("reason_code, reason", maxBy(failureKey, increaseRange(sel(metricFailures)))),
			"cause", "reason"), "runbook", "reason")))
	legend.override("reason_code", mappingsProp(reasonCodeMapping()))
	legend.override("reason", mappingsProp(reasonTextMapping()))
	legend.override("cause", mappingsProp(reasonCauseMapping()))
	legend.override("runbook", mappingsProp(runbookMapping()), linksProp(runbookLink(runbookURL)))
	legend.MustHaveData = true
	l.add(24, 10, legend)
	return d
}
