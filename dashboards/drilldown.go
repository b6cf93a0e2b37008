package dashboards

// Drill-down selections: device is a single value (one device's story),
// matched exactly because Grafana does not regex-escape a single-value
// variable; peer may be several or All.
var (
	deviceMatch = `device="$device"`
	peerMatch   = `peer=~"$peer"`
)

// Drilldown is one device, optionally narrowed to peers: failure history by
// reason, tunnel state over time and why tunnels went down.
func Drilldown(runbookURL string) *Dashboard {
	d := newDashboard(UIDDrilldown, "ipsec-drilldown.json", "IPSec / Device and peer drill-down",
		"One device and its peers: negotiation failures by reason, tunnel up/down state over time, state changes with stop reasons, and runbook links for each reason.")
	// Devices and peers that sent a failure or a tunnel trap.
	scope := `__name__=~"` + metricFailures + "|" + metricTunnelUp + `", job=~"$job", instance=~"$instance"`
	d.Templating = standardVars(
		queryVar("device", "Device", "The device that sent the traps (config devices name or agent address).",
			"label_values({"+scope+"}, device)", false),
		queryVar("peer", "Peer", "Remote tunnel endpoint(s) of the device.",
			"label_values({"+scope+", "+deviceMatch+"}, peer)", true),
	)
	d.Links = append(d.Links, Link{
		Icon: "dashboard", IncludeVars: true, KeepTime: true, Tags: []string{},
		Title: "Overview", Tooltip: "Back to the IPSec overview", Type: "link", URL: "/d/" + UIDOverview,
	})
	l := &layout{d: d}

	state := stateTimeline("Tunnel state",
		"Up (green) after a tunnel start/up trap, down (red) after a stop/down trap, per peer, taken as the max across the exporters of an HA pair. Gaps mean no trap was seen yet.",
		series(maxBy("peer", sel(metricTunnelUp, deviceMatch, peerMatch)), "{{peer}}"))
	state.FieldConfig.Defaults.Mappings = []ValueMapping{upDownMapping()}
	state.FieldConfig.Defaults.Thresholds = thresholds("red", 1.0, "green")
	state.MustHaveData = true
	l.add(24, 8, state)

	byReason := timeseries("Failures by reason",
		"Negotiation failures per second of the selected device and peers, by reason (stacked).",
		"cps", true, series(failuresByRate("reason", deviceMatch, peerMatch), "{{reason}}"))
	byReason.MustHaveData = true
	l.add(12, 9, byReason)

	byPeer := timeseries("Failures by peer",
		"Negotiation failures per second of the selected device, by peer (stacked).",
		"cps", true, series(failuresByRate("peer", deviceMatch, peerMatch), "{{peer}}"))
	byPeer.MustHaveData = true
	l.add(12, 9, byPeer)

	changes := timeseries("Tunnel state changes",
		"Up and down notifications per interval by peer, new state and stop reason (dpd_timeout, peer_request, ...).",
		"short", true, series(sumBy("peer, state, reason", maxBy(stateKey, "increase("+sel(metricStates, deviceMatch, peerMatch)+"[$__rate_interval])")),
			"{{peer}} {{state}} {{reason}}"))
	changes.runbookSection(runbookURL, "tunnel-flapping", "tunnel flapping")
	changes.MustHaveData = true
	l.add(12, 9, changes)

	stops := tablePanel("Stop reasons in range",
		"Why tunnels of the selected device and peers went down in the selected range: the teardown reason the stop or status-change notification carried, with its class. Rekeys (class rekey) leave the tunnel up; lifecycle and administrative teardowns are planned; the rest is instability. The link opens the reason's guidance.",
		"short", [][2]string{{"peer", "peer"}, {"reason", "reason"}, {"Value", "Stops in range"}}, "Stops in range",
		table(sumBy("peer, reason", maxBy(stateKey, increaseRange(sel(metricStates, deviceMatch, peerMatch, `state="down"`))))))
	stops.override("reason", mappingsProp(teardownMapping()), linksProp(teardownRunbookLink(runbookURL)))
	stops.MustHaveData = true
	l.add(12, 9, stops)

	reasons := failingPeersTable(runbookURL, "Failure reasons in range",
		"Every peer, interface and reason of the device that failed in the selected range, with counts, the last failure and a link to the runbook section for that reason.",
		[]string{"peer", "interface", "reason"}, deviceMatch, peerMatch)
	reasons.MustHaveData = true
	l.add(24, 10, reasons)
	return d
}
