package dashboards

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
)

// Recording rules of alerts/ipsec_slo.rules.yml. They aggregate across the
// exporters of an HA pair (and jobs) already, so they carry no job or
// instance label: SLO queries are scoped by device and peer instead.
const (
	ruleSLIError        = "slo:sli_error:ratio_rate%s"
	ruleObjective       = "slo:objective:ratio"
	ruleErrorBudget     = "slo:error_budget:ratio"
	ruleBudgetRemaining = "slo:error_budget_remaining:ratio"
)

// variableSource lists the devices and peers with SLO series: the 5m SLI,
// which exists from a peer's first trap on, where the budget (built from
// 6-hour buckets) may take hours to appear on a new installation.
var variableSource = fmt.Sprintf(ruleSLIError, "5m")

// BurnWindows are the windows of the multi-window burn-rate alerts.
var BurnWindows = []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"}

// Every SLO record says its level in the label sli_level: per device or
// per peer (a per-peer series may lack peer, when failures came without a
// peer address).
var (
	sloDevice  = `device=~"$device"`
	sloPerDev  = alerts.LevelLabel + `="` + alerts.LevelDevice + `"`
	sloPeer    = `peer=~"$peer"`
	sloPerPeer = alerts.LevelLabel + `="` + alerts.LevelPeer + `"`
)

func rule(name string, matchers ...string) string {
	if len(matchers) == 0 {
		return name
	}
	return name + "{" + strings.Join(matchers, ", ") + "}"
}

// sliPanel draws 1 - the 30-day error ratio grouped by "by", with each
// objective as a dashed line.
func sliPanel(title, desc, by, legend string, matchers ...string) *timeseries.PanelBuilder {
	return timeseriesPanel(title, desc, "percentunit", false,
		series("1 - "+maxBy(by, rule(fmt.Sprintf(ruleSLIError, "30d"), matchers...)), legend),
		series(maxBy("slo", ruleObjective), "objective {{slo}}")).
		Max(1).
		AxisSoftMin(0.9).
		OverrideByName("objective negotiation_success", []dashboard.DynamicConfigValue{dashedLine()}).
		OverrideByName("objective tunnel_availability", []dashboard.DynamicConfigValue{dashedLine()})
}

// slo shows the two SLIs (negotiation success, tunnel availability) per
// device and peer against their objectives, the 30-day error budget and the
// burn rates the alerts fire on. Every panel reads recording rules that
// exist for every device and peer as soon as they have sent a trap, or, for
// the windows built from the SLO rules' buckets (2h and longer, the budget),
// once the first bucket has opened.
func slo(rb runbook) *board {
	d := newBoard(UIDSLO, "ipsec-slo.json", "IPSec / SLO",
		"VPN stability SLOs: negotiation success and tunnel availability per device and peer against the objective, 30-day error budget remaining, burn rates of the alert windows, and the peers that consumed the most budget. Needs the recording rules of alerts/ipsec_slo.rules.yml.",
		queryVar("device", "Device", "Devices with SLO series (recording rules).",
			"label_values("+variableSource+", device)", true),
		queryVar("peer", "Peer", "Peers of the selected devices with SLO series.",
			"label_values("+rule(variableSource, sloDevice)+", peer)", true),
	)
	d.Time("now-30d", "now")

	place(d, 6, 6, mustHaveData, statPanel("Objectives",
		"The objective of each SLO (slo:objective:ratio): the share of good events the 30-day window must reach.",
		"percentunit", instant(maxBy("slo", ruleObjective), "{{slo}}")).
		Decimals(3).
		ColorMode(common.BigValueColorModeNone))

	place(d, 6, 6, mustHaveData, statPanel("30-day window covered",
		"The share of the 30-day window the storage holds ("+alerts.WindowCoverage+", alerts/ipsec_slo_retention.rules.yml): it grows for 30 days after the rules first run. Below 100% the 30-day SLIs and the error budget cover only this share; if it stops growing short of 100%, the storage keeps less than "+alerts.RetentionNeeded()+" (IPSecSLORetentionTooShort).",
		"percentunit", instant("min("+alerts.WindowCoverage+")", "covered")).
		Decimals(1).
		Thresholds(thresholds("orange", from(0.99, "green"))).
		Links(links(rb.section("slo-retention-too-short", "retention too short"))))

	place(d, 12, 6, mustHaveData, barGaugePanel("Error budget remaining (30d) by device",
		"Share of the 30-day error budget left per device and SLO; at or below 0 the SLO is broken for the window.",
		"percentunit", instant(maxBy("slo, device", rule(ruleBudgetRemaining, sloDevice, sloPerDev)), "{{slo}} {{device}}")).
		Min(0).Max(1).
		Thresholds(thresholds("red", from(0.25, "orange"), from(0.5, "green"))))

	place(d, 12, 9, mustHaveData, sliPanel("SLI by device (30-day window) against objective",
		"1 - slo:sli_error:ratio_rate30d per device and SLO, with the objective as a dashed line.",
		"slo, device", "{{slo}} {{device}}", sloDevice, sloPerDev))
	place(d, 12, 9, mustHaveData, sliPanel("SLI by peer (30-day window) against objective",
		"1 - slo:sli_error:ratio_rate30d per peer of the selected devices, with the objective as a dashed line.",
		"slo, device, peer", "{{slo}} {{device}} {{peer}}", sloDevice, sloPeer, sloPerPeer))

	place(d, 12, 9, mustHaveData, timeseriesPanel("Error budget remaining over 30 days",
		"slo:error_budget_remaining:ratio per device and SLO over time: 1 is a full budget, 0 an exhausted one.",
		"percentunit", false, series(maxBy("slo, device", rule(ruleBudgetRemaining, sloDevice, sloPerDev)), "{{slo}} {{device}}")).
		Max(1))

	var burns []query
	for _, w := range BurnWindows {
		burns = append(burns, series(maxBy("slo", rule(fmt.Sprintf(ruleSLIError, w), sloDevice, sloPerDev))+
			" / on (slo) "+maxBy("slo", ruleErrorBudget), "{{slo}} "+w))
	}
	place(d, 12, 9, mustHaveData, timeseriesPanel("Burn rate by alert window (worst device)",
		"Error ratio / error budget over each alert window, for the worst of the selected devices. 1 spends the budget exactly in 30 days; the dashed thresholds are the usual multi-window alert factors (14.4, 6, 3, 1).",
		"short", false, burns...).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed)).
		Thresholds(thresholds("green", from(1, "yellow"), from(3, "orange"), from(6, "red"), from(14.4, "dark-red"))).
		Links(links(rb.section("slo-error-budget-burn", "error budget burn"))))

	place(d, 24, 10, mustHaveData, drilldownLinks(tablePanel("Worst peers by error budget consumed",
		"The 20 peers of the selected devices that consumed the largest share of their 30-day error budget (1 - slo:error_budget_remaining:ratio). Click a peer to drill down.",
		"percentunit",
		[]column{label("slo"), label("device"), label("peer"), {"Value", "Budget consumed"}},
		"Budget consumed",
		tableQuery("topk(20, 1 - "+maxBy("slo, device, peer", rule(ruleBudgetRemaining, sloDevice, sloPeer, sloPerPeer))+")"))))
	return d
}
