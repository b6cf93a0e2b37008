package dashboards

import "fmt"

// Recording rules of alerts/ipsec_slo.rules.yml. They aggregate across the
// exporters of an HA pair (and jobs) already, so they carry no job or
// instance label: SLO queries are scoped by device and peer instead.
const (
	ruleSLIError        = "slo:sli_error:ratio_rate%s"
	ruleObjective       = "slo:objective:ratio"
	ruleErrorBudget     = "slo:error_budget:ratio"
	ruleBudgetRemaining = "slo:error_budget_remaining:ratio"
)

// BurnWindows are the windows of the multi-window burn-rate alerts.
var BurnWindows = []string{"5m", "30m", "1h", "2h", "6h", "1d", "3d"}

// Per-device series of the SLO rules have no peer label; per-peer series
// have one. peer="" selects the former.
var (
	sloDevice  = `device=~"$device"`
	sloPerDev  = `peer=""`
	sloPeer    = `peer=~"$peer"`
	sloPerPeer = `peer!=""`
)

func rule(name string, matchers ...string) string {
	if len(matchers) == 0 {
		return name
	}
	s := name + "{"
	for i, m := range matchers {
		if i > 0 {
			s += ", "
		}
		s += m
	}
	return s + "}"
}

// SLO shows the two SLIs (negotiation success, tunnel availability) per
// device and peer against their objectives, the 30-day error budget and the
// burn rates the alerts fire on.
func SLO(runbookURL string) *Dashboard {
	d := newDashboard(UIDSLO, "ipsec-slo.json", "IPSec / SLO",
		"VPN stability SLOs: negotiation success and tunnel availability per device and peer against the objective, 30-day error budget remaining, burn rates of the alert windows, and the peers that consumed the most budget. Needs the recording rules of alerts/ipsec_slo.rules.yml.")
	d.Templating = standardVars(
		queryVar("device", "Device", "Devices with SLO series (recording rules).",
			"label_values("+ruleBudgetRemaining+", device)", true),
		queryVar("peer", "Peer", "Peers of the selected devices with SLO series.",
			"label_values("+rule(ruleBudgetRemaining, sloDevice)+", peer)", true),
	)
	d.Time = TimeRange{From: "now-30d", To: "now"}
	l := &layout{d: d}

	objective := stat("Objectives",
		"The objective of each SLO (slo:objective:ratio): the share of good events the 30-day window must reach.",
		"percentunit", instant(maxBy("slo", ruleObjective), "{{slo}}"))
	objective.FieldConfig.Defaults.Decimals = ptr(3)
	objective.Options["colorMode"] = "none"
	l.add(6, 6, objective)

	budget := barGauge("Error budget remaining (30d) by device",
		"Share of the 30-day error budget left per device and SLO; at or below 0 the SLO is broken for the window.",
		"percentunit", instant(maxBy("slo, device", rule(ruleBudgetRemaining, sloDevice, sloPerDev)), "{{slo}} {{device}}"))
	budget.FieldConfig.Defaults.Min, budget.FieldConfig.Defaults.Max = ptr(0.0), ptr(1.0)
	budget.FieldConfig.Defaults.Thresholds = thresholds("red", 0.25, "orange", 0.5, "green")
	l.add(18, 6, budget)

	sli := func(title, desc, by, legend string, matchers ...string) *Panel {
		p := timeseries(title, desc, "percentunit", false,
			series("1 - "+maxBy(by, rule(fmt.Sprintf(ruleSLIError, "30d"), matchers...)), legend),
			series(maxBy("slo", ruleObjective), "objective {{slo}}"))
		p.FieldConfig.Defaults.Max = ptr(1.0)
		p.FieldConfig.Defaults.Custom["axisSoftMin"] = 0.9
		p.override("objective negotiation_success", Property{ID: "custom.lineStyle", Value: map[string]any{"dash": []int{10, 10}, "fill": "dash"}})
		p.override("objective tunnel_availability", Property{ID: "custom.lineStyle", Value: map[string]any{"dash": []int{10, 10}, "fill": "dash"}})
		return p
	}
	l.add(12, 9, sli("SLI by device (30-day window) against objective",
		"1 - slo:sli_error:ratio_rate30d per device and SLO, with the objective as a dashed line.",
		"slo, device", "{{slo}} {{device}}", sloDevice, sloPerDev))
	l.add(12, 9, sli("SLI by peer (30-day window) against objective",
		"1 - slo:sli_error:ratio_rate30d per peer of the selected devices, with the objective as a dashed line.",
		"slo, device, peer", "{{slo}} {{device}} {{peer}}", sloDevice, sloPeer, sloPerPeer))

	remaining := timeseries("Error budget remaining over 30 days",
		"slo:error_budget_remaining:ratio per device and SLO over time: 1 is a full budget, 0 an exhausted one.",
		"percentunit", false, series(maxBy("slo, device", rule(ruleBudgetRemaining, sloDevice, sloPerDev)), "{{slo}} {{device}}"))
	remaining.FieldConfig.Defaults.Max = ptr(1.0)
	l.add(12, 9, remaining)

	var burns []Target
	for _, w := range BurnWindows {
		burns = append(burns, series(maxBy("slo", rule(fmt.Sprintf(ruleSLIError, w), sloDevice, sloPerDev))+
			" / on (slo) "+maxBy("slo", ruleErrorBudget), "{{slo}} "+w))
	}
	burn := timeseries("Burn rate by alert window (worst device)",
		"Error ratio / error budget over each alert window, for the worst of the selected devices. 1 spends the budget exactly in 30 days; the dashed thresholds are the usual multi-window alert factors (14.4, 6, 3, 1).",
		"short", false, burns...)
	burn.FieldConfig.Defaults.Custom["thresholdsStyle"] = map[string]any{"mode": "dashed"}
	burn.FieldConfig.Defaults.Thresholds = thresholds("green", 1.0, "yellow", 3.0, "orange", 6.0, "red", 14.4, "dark-red")
	burn.runbookSection(runbookURL, "slo-error-budget-burn", "error budget burn")
	l.add(12, 9, burn)

	worst := tablePanel("Worst peers by error budget consumed",
		"The 20 peers of the selected devices that consumed the largest share of their 30-day error budget (1 - slo:error_budget_remaining:ratio). Click a peer to drill down.",
		"percentunit",
		[][2]string{{"slo", "slo"}, {"device", "device"}, {"peer", "peer"}, {"Value", "Budget consumed"}},
		"Budget consumed",
		table("topk(20, 1 - "+maxBy("slo, device, peer", rule(ruleBudgetRemaining, sloDevice, sloPeer, sloPerPeer))+")"))
	worst.override("device", linksProp(drilldownLink(false)))
	worst.override("peer", linksProp(drilldownLink(true)))
	l.add(24, 10, worst)

	// Every SLO panel reads recording rules that exist for every device and
	// peer as soon as they have sent a trap, so none may be empty.
	for _, p := range d.Panels {
		p.MustHaveData = true
	}
	return d
}
