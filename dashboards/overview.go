package dashboards

import (
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
)

// failingPeersTable lists label sets that failed in the dashboard's range:
// count in range and time of the last failure, with the reason's text and a
// link to its runbook section. Rows come from the last-failure timestamp,
// not from increase(), because increase() misses the first failure of a new
// series: a peer that failed once must still be listed.
func failingPeersTable(rb runbook, title, desc string, labels []string, extra ...string) *table.PanelBuilder {
	by := strings.Join(labels, ", ")
	recent := maxBy(by, sel(metricLastFailure, extra...)+" > $__from / 1000")
	count := sumBy(by, maxBy(failureKey, increaseRange(sel(metricFailures, extra...)))) +
		" and on (" + by + ") " + recent
	var columns []column
	for _, l := range labels {
		columns = append(columns, label(l))
	}
	columns = append(columns, column{"Value #A", "Failures in range"}, column{"Value #B", "Last failure"}, label("runbook"))
	return tablePanel(title, desc, "short", columns, "Failures in range",
		tableQuery(copyLabel(count, "runbook", "reason")),
		tableQuery(copyLabel(recent+" * 1000", "runbook", "reason")),
	).
		OverrideByName("reason", []dashboard.DynamicConfigValue{mappingsProp(reasonTextMapping())}).
		OverrideByName("runbook", []dashboard.DynamicConfigValue{mappingsProp(runbookMapping()), linksProp(rb.reasonLink())}).
		OverrideByName("Last failure", []dashboard.DynamicConfigValue{unitProp("dateTimeAsIso")})
}

// drilldownLinks makes the device and peer columns of a table open the
// drill-down.
func drilldownLinks(p *table.PanelBuilder) *table.PanelBuilder {
	return p.
		OverrideByName("device", []dashboard.DynamicConfigValue{linksProp(drilldownLink(false))}).
		OverrideByName("peer", []dashboard.DynamicConfigValue{linksProp(drilldownLink(true))})
}

// overview is where operators look first: which peers fail right now, why,
// and how many tunnels are down.
func overview(rb runbook) *board {
	d := newBoard(UIDOverview, "ipsec-overview.json", "IPSec / Overview",
		"IPSec negotiation failures by reason, device and peer, tunnels down, and the negotiation success ratio, from Huawei IPSec traps (ipsec_trap_exporter).")

	place(d, 6, 5, mustHaveData, statPanel("Tunnels down now",
		"Tunnels whose last notification was a stop/down trap ("+metricTunnelUp+" == 0), counted once per device and peer, in the state of the exporter of an HA pair that heard the tunnel last. Includes tunnels taken down on purpose (a lifecycle or administrative teardown), which the Tunnels down table leaves out.",
		"short", instant("count("+tunnelsDown(false)+") or vector(0)", "")).
		Thresholds(thresholds("green", from(1, "red"))).
		Links(links(rb.section("tunnel-down", "tunnel down"))))

	place(d, 6, 5, mayBeEmpty, statPanel("Tunnels up now",
		"Tunnels whose last notification was a start/up trap. Tunnels that have sent no trap since the exporter started are not known.",
		"short", instant("count("+tunnelState(metricTunnelUp)+" == 1) or vector(0)", "")))

	place(d, 6, 5, mustHaveData, statPanel("Failing peers in range",
		"Distinct device/peer pairs with at least one negotiation failure in the selected time range.",
		"short", instant("count("+maxBy(tunnelKey, sel(metricLastFailure)+" > $__from / 1000")+") or vector(0)", "")).
		Thresholds(thresholds("green", from(1, "orange"))))

	place(d, 6, 5, mustHaveData, statPanel("Negotiation success ratio",
		"Successful negotiations (tunnel start) / (successes + failures) over the selected time range. Low values mean peers retry and fail.",
		"percentunit", instant(successRatio("", true), "")).
		Min(0).Max(1).
		Thresholds(thresholds("red", from(0.9, "orange"), from(0.99, "green"))))

	place(d, 12, 9, mustHaveData, timeseriesPanel("Negotiation failures by reason",
		"Failures per second by reason (stacked), each failure counted once across the exporters of an HA pair. See the reason-code legend below for texts, causes and runbook links.",
		"cps", true, series(failuresByRate("reason"), "{{reason}}")))

	place(d, 12, 9, mustHaveData, timeseriesPanel("Negotiation failures by device",
		"Failures per second by reporting device (stacked). A hub failing with many spokes at once stands out here.",
		"cps", true, series(failuresByRate("device"), "{{device}}")))

	place(d, 24, 10, mustHaveData, drilldownLinks(failingPeersTable(rb, "Top failing peers",
		"Device, peer, interface and reason of every failure in the selected range, most failures first, with the time of the last one. Click device or peer to drill down, runbook for the fix of that reason.",
		[]string{"device", "peer", "interface", "reason"})))

	// Down since: the tunnel's last change is the stop that took it down.
	downSince := tunnelState(metricLastChange) + " * 1000 and on (" + tunnelKey + ") (" + tunnelsDown(true) + ")"
	place(d, 12, 9, mustHaveData, drilldownLinks(tablePanel("Tunnels down",
		"Device and peer of every tunnel that is down now (its last trap was a stop/down) and since when, longest down first. Tunnels taken down on purpose (a lifecycle or administrative teardown, "+metricdef.TunnelDownPlanned.Name+") are left out: they are not incidents. Click to drill down.",
		"none", []column{label("device"), label("peer"), {"Value #A", "State"}, {"Value #B", "Down since"}}, "",
		tableQuery(tunnelsDown(true)),
		tableQuery(downSince)).
		SortBy([]cog.Builder[common.TableSortByFieldState]{
			common.NewTableSortByFieldStateBuilder().DisplayName("Down since").Desc(false),
		}).
		OverrideByName("State", []dashboard.DynamicConfigValue{mappingsProp(upDownMapping())}).
		OverrideByName("Down since", []dashboard.DynamicConfigValue{unitProp("dateTimeAsIso")})).
		Links(links(rb.section("tunnel-down", "tunnel down"))))

	place(d, 12, 9, mayBeEmpty, timeseriesPanel("Negotiation success ratio by device",
		"Successes / (successes + failures) per device over time; 1 means every negotiation succeeded.",
		"percentunit", false, series(successRatio("device", false), "{{device}}")).
		Min(0).Max(1))

	place(d, 24, 10, mustHaveData, tablePanel("Reason codes in range (legend)",
		"Every reason code seen in the selected range, with the vendor's text and possible cause, and a link to the runbook section with the remediation. Texts, causes and runbook anchors come from the exporter's reason catalogue (generated, mib.Reasons).",
		"short",
		[]column{label("reason_code"), label("reason"), label("cause"), {"Value", "Failures in range"}, label("runbook")},
		"Failures in range",
		tableQuery(copyLabel(copyLabel(sumBy("reason_code, reason", maxBy(failureKey, increaseRange(sel(metricFailures)))),
			"cause", "reason"), "runbook", "reason"))).
		OverrideByName("reason_code", []dashboard.DynamicConfigValue{mappingsProp(reasonCodeMapping())}).
		OverrideByName("reason", []dashboard.DynamicConfigValue{mappingsProp(reasonTextMapping())}).
		OverrideByName("cause", []dashboard.DynamicConfigValue{mappingsProp(reasonCauseMapping())}).
		OverrideByName("runbook", []dashboard.DynamicConfigValue{mappingsProp(runbookMapping()), linksProp(rb.reasonLink())}))
	return d
}
