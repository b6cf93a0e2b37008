package dashboards

import "github.com/grafana/grafana-foundation-sdk/go/dashboard"

// Drill-down selections: device is a single value (one device's story),
// matched exactly because Grafana does not regex-escape a single-value
// variable; peer may be several or All.
var (
	deviceMatch = `device="$device"`
	peerMatch   = `peer=~"$peer"`
)

// drilldown is one device, optionally narrowed to peers: failure history by
// reason, tunnel state over time and why tunnels went down.
func drilldown(rb runbook) *board {
	// Devices and peers that sent a failure or a tunnel trap.
	scope := `__name__=~"` + metricFailures + "|" + metricTunnelUp + `", job=~"$job", instance=~"$instance"`
	d := newBoard(UIDDrilldown, "ipsec-drilldown.json", "IPSec / Device and peer drill-down",
		"One device and its peers: negotiation failures by reason, tunnel up/down state over time, state changes with stop reasons, and runbook links for each reason.",
		queryVar("device", "Device", "The device that sent the traps (config devices name or agent address).",
			"label_values({"+scope+"}, device)", false),
		queryVar("peer", "Peer", "Remote tunnel endpoint(s) of the device.",
			"label_values({"+scope+", "+deviceMatch+"}, peer)", true),
	)
	d.Link(literal[dashboard.DashboardLink]{dashboard.DashboardLink{
		Title: "Overview", Type: dashboard.DashboardLinkTypeLink, Icon: "dashboard", Tooltip: "Back to the IPSec overview",
		Url: ptr("/d/" + UIDOverview), Tags: []string{}, IncludeVars: true, KeepTime: true,
	}})

	place(d, 24, 8, mustHaveData, stateTimelinePanel("Tunnel state",
		"Up (green) after a tunnel start/up trap, down (red) after a stop/down trap, per peer, in the state of the exporter of an HA pair that heard the tunnel last. Gaps mean no trap was seen yet.",
		series(tunnelState(metricTunnelUp, deviceMatch, peerMatch), "{{peer}}")).
		Mappings([]dashboard.ValueMapping{upDownMapping()}).
		Thresholds(thresholds("red", from(1, "green"))))

	place(d, 12, 9, mustHaveData, timeseriesPanel("Failures by reason",
		"Negotiation failures per second of the selected device and peers, by reason (stacked).",
		"cps", true, series(failuresByRate("reason", deviceMatch, peerMatch), "{{reason}}")))

	place(d, 12, 9, mustHaveData, timeseriesPanel("Failures by peer",
		"Negotiation failures per second of the selected device, by peer (stacked).",
		"cps", true, series(failuresByRate("peer", deviceMatch, peerMatch), "{{peer}}")))

	place(d, 12, 9, mustHaveData, timeseriesPanel("Tunnel state changes",
		"Up and down notifications per interval by peer, new state and stop reason (dpd_timeout, peer_request, ...).",
		"short", true, series(sumBy("peer, state, reason", maxBy(stateKey, "increase("+sel(metricStates, deviceMatch, peerMatch)+"[$__rate_interval])")),
			"{{peer}} {{state}} {{reason}}")).
		Links(links(rb.section("tunnel-flapping", "tunnel flapping"))))

	place(d, 12, 9, mustHaveData, tablePanel("Stop reasons in range",
		"Why tunnels of the selected device and peers went down in the selected range: the teardown reason the stop or status-change notification carried, with its class. Rekeys (class rekey) leave the tunnel up; lifecycle and administrative teardowns are planned; the rest is instability. The link opens the reason's guidance.",
		"short", []column{label("peer"), label("reason"), {"Value", "Stops in range"}}, "Stops in range",
		tableQuery(sumBy("peer, reason", maxBy(stateKey, increaseRange(sel(metricStates, deviceMatch, peerMatch, `state="down"`)))))).
		OverrideByName("reason", []dashboard.DynamicConfigValue{mappingsProp(teardownMapping()), linksProp(rb.teardownLink())}))

	place(d, 24, 10, mustHaveData, failingPeersTable(rb, "Failure reasons in range",
		"Every peer, interface and reason of the device that failed in the selected range, with counts, the last failure and a link to the runbook section for that reason.",
		[]string{"peer", "interface", "reason"}, deviceMatch, peerMatch))
	return d
}
