package alerts

import (
	"io"
	"slices"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

// ExporterJobSelector is the selector of the exporters' scrape job in the
// alerts about the exporters themselves, the only rules that name a job:
// every other rule works on the ipsec_* series whatever job scrapes them.
// The mixin's _config.ipsecTrapExporterSelector replaces it.
const ExporterJobSelector = `job="ipsec_trap_exporter"`

// ExporterRules are the rule groups of ipsec_trap_exporter.rules.yml:
// alerts about trap reception (the exporters, the traps they drop) and
// about devices that stopped sending. Recording rules and alerts live in
// separate groups, so that the mixin can hand them out as prometheusRules
// and prometheusAlerts.
func ExporterRules(o Options) []ruleGroup {
	exporters := ruleGroup{Name: "ipsec_trap_exporter", Rules: slices.Concat(
		exporterUpRules(o), inputRules(o), seriesLimitRules(o), exporterUpkeepRules(o),
	)}
	devices := ruleGroup{Name: "ipsec_trap_devices", Rules: []rule{deviceEventsRule()}}
	deviceAlerts := ruleGroup{Name: "ipsec_trap_devices_alerts", Rules: []rule{deviceSilentRule(o)}}
	return []ruleGroup{exporters, devices, deviceAlerts}
}

// exporterUpRules are the alerts on the exporters' scrapes, the only rules
// that name a job: one exporter down is a ticket, none up a page.
func exporterUpRules(o Options) []rule {
	up := "up{" + ExporterJobSelector + "}"
	return []rule{
		{
			Comment: "One exporter of the pair down: the other still receives every trap, so this is a ticket, not a page.",
			Alert:   "IPSecTrapExporterDown",
			Expr:    up + " == 0",
			For:     "5m",
			Labels:  map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     "Trap exporter {{ $labels.instance }} is down",
				"description": "Prometheus cannot scrape the IPSec trap exporter {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes. Traps and log lines sent to it are lost; with a second trap (and log) host configured on the devices, the other exporter still has them.",
				"remediation": ProjectGuidancePrefix + "check the exporter's process and logs (systemctl status, journalctl) and that its web port is reachable from Prometheus.",
				"runbook_url": o.Runbook("exporter-down"),
			},
		},
		{
			Comment: "No exporter of the job up: every trap is lost and every trap-derived alert is blind. Alertmanager's example config inhibits those alerts while this one fires, since their silence or resolution means nothing.",
			Alert:   "IPSecTrapReceptionDown",
			Expr:    "absent(" + up + " == 1)",
			For:     "5m",
			Labels:  map[string]string{"severity": "critical"},
			Annotations: map[string]string{
				"summary":     "No IPSec trap exporter is up",
				"description": "No instance of job ipsec_trap_exporter has been scraped successfully for 5 minutes. Negotiation failures and tunnel outages go unseen.",
				"remediation": ProjectGuidancePrefix + "start the exporters; check that Prometheus still has the ipsec_trap_exporter job and can reach them.",
				"runbook_url": o.Runbook("exporter-down"),
			},
		},
	}
}

// inputRules are the alerts on what each input lost (queue, socket,
// connections over the limit) or refused (credentials, allow-list, data
// that is not its protocol), as its declaration words them.
func inputRules(o Options) []rule {
	var rules []rule
	for _, in := range o.inputs() {
		rules = append(rules,
			inputRule(o, in.Health.Lost, "5m", "> 0"),
			inputRule(o, in.Health.Refused, "15m", "> 10"))
	}
	return rules
}

// inputRule is one input alert: the increase of each counter it watches,
// per instance and reason, against the threshold.
func inputRule(o Options, a input.Alert, window, threshold string) rule {
	arms := make([]string, len(a.Counts))
	for i, c := range a.Counts {
		arms[i] = `max by (instance, reason) (increase(` + c.Family.Name + `{reason` + reasonMatcher(c.Reasons) + `}[` + window + `])) ` + threshold
	}
	return rule{
		Comment: a.Comment,
		Alert:   a.Name,
		Expr:    strings.Join(arms, " or "),
		Labels:  map[string]string{"severity": "warning"},
		Annotations: map[string]string{
			"summary":     a.Summary,
			"description": a.Description,
			"remediation": ProjectGuidancePrefix + a.Remediation,
			"runbook_url": o.Runbook(a.Runbook),
		},
	}
}

// reasonMatcher matches the reasons: = for one, =~ for several.
func reasonMatcher(reasons []string) string {
	if len(reasons) == 1 {
		return `="` + reasons[0] + `"`
	}
	return `=~"` + strings.Join(reasons, "|") + `"`
}

// inputsIncrease is the increase over window of every input's drops under
// reason, summed per instance. Each input's family carries its name in an
// input label first: increase() drops the metric name, and two inputs'
// series would otherwise have the same labels.
func inputsIncrease(o Options, reason, window string) string {
	var arms []string
	for _, in := range o.inputs() {
		arms = append(arms, `label_replace(increase(`+in.Dropped.Name+`{reason="`+reason+`"}[`+window+`]), "input", "`+string(in.Origin)+`", "", "")`)
	}
	return "sum by (instance) (" + strings.Join(arms, " or ") + ")"
}

// seriesLimitRules warn before and once limits.max_series stops new series,
// since failures past it are never counted.
func seriesLimitRules(o Options) []rule {
	return []rule{
		{
			Alert:  "IPSecTrapSeriesLimitNear",
			Expr:   metricdef.Series.Name + " / ignoring (metric) group_left () (" + metricdef.SeriesLimit.Name + " > 0) > 0.9",
			For:    "15m",
			Labels: map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     "Trap exporter {{ $labels.instance }} is near its series limit for {{ $labels.metric }}",
				"description": "{{ $labels.metric }} on {{ $labels.instance }} holds {{ $value | humanizePercentage }} of limits.max_series; beyond it, new peers and reasons are dropped.",
				"remediation": seriesLimitRemediation,
				"runbook_url": o.Runbook("series-limit"),
			},
		},
		{
			Comment: "Once the limit is reached, failures of new peers are not counted and their alerts cannot fire, whichever input reported them.",
			Alert:   "IPSecTrapSeriesLimitReached",
			Expr:    inputsIncrease(o, string(pipeline.DropSeriesLimit), "15m") + " > 0",
			Labels:  map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     "Trap exporter {{ $labels.instance }} drops events at its series limit",
				"description": `{{ $labels.instance }} dropped {{ $value | printf "%.0f" }} events in the last 15 minutes because a metric family reached limits.max_series.`,
				"remediation": seriesLimitRemediation,
				"runbook_url": o.Runbook("series-limit"),
			},
		},
	}
}

// exporterUpkeepRules are the alerts on the exporter's own housekeeping:
// a config it could not load, a state file it could not write.
func exporterUpkeepRules(o Options) []rule {
	return []rule{
		{
			Alert:  "IPSecTrapConfigReloadFailed",
			Expr:   metricdef.ConfigLastReloadSuccessful.Name + " == 0",
			For:    "5m",
			Labels: map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     "Trap exporter {{ $labels.instance }} failed to reload its config",
				"description": "The last config reload of {{ $labels.instance }} failed; it keeps running with the previous config.",
				"remediation": ProjectGuidancePrefix + "run ipsec_trap_exporter check-config --config.file on the file, fix what it reports, and reload again.",
				"runbook_url": o.Runbook("config-reload-failed"),
			},
		},
		{
			Alert:  "IPSecTrapStateWriteFailing",
			Expr:   "increase(" + metricdef.StateWriteFailures.Name + "[15m]) > 0",
			For:    "15m",
			Labels: map[string]string{"severity": "warning"},
			Annotations: map[string]string{
				"summary":     "Trap exporter {{ $labels.instance }} cannot write its state",
				"description": "{{ $labels.instance }} failed to write its state file in the last 15 minutes: a restart now would forget tunnel states and last-failure times.",
				"remediation": ProjectGuidancePrefix + "the exporter's log says why (disk full, permissions, a read-only file system). Free space or fix the --storage.path directory; the next write retries by itself.",
				"runbook_url": o.Runbook("state-write-failing"),
			},
		},
	}
}

// deviceEventsRule records each device's event total, the max across
// exporters, so that deviceSilentRule can ask whether it changed.
func deviceEventsRule() rule {
	return rule{
		Comment: "All trap-derived events of a device (failures, successes, state changes), per exporter, then the max across exporters. It is a counter-like total; it changes whenever the device sends an event.",
		Record:  "ipsec:device_events:max",
		Expr:    `max by (device) (sum by (device, instance) ({__name__=~"` + metricdef.NegotiationFailures.Name + `|` + metricdef.NegotiationSuccesses.Name + `|` + metricdef.TunnelStateChanges.Name + `"}))`,
	}
}

// deviceSilentRule tells of a device that stopped sending: a lost trap
// target or a switched-off trap is otherwise seen only at the next outage.
func deviceSilentRule(o Options) rule {
	return rule{
		Comment: `"Sent traps in the last 7 days": the exporter deletes series not updated for limits.series_ttl (default 168h), so a device still has series only if it sent within that time. "None in 24 hours": its total has not changed for 24 hours, and it existed 24 hours ago (a device seen for the first time an hour ago is not silent).` + "\n" +
			"Limitations: a device whose tunnels are all stable may legitimately send nothing for a day; an exporter restart resets the totals (no alert for 24 hours) and forgets devices that stay silent; with series_ttl below 24h this never fires.",
		Alert: "IPSecDeviceSilent",
		Expr: `(changes(ipsec:device_events:max[24h]) == 0)
and on (device)
(ipsec:device_events:max offset 24h)`,
		For:    "15m",
		Labels: map[string]string{"severity": "warning"},
		Annotations: map[string]string{
			"summary":     "{{ $labels.device }} has reported no IPSec events for 24 hours",
			"description": "{{ $labels.device }} sent IPSec traps or log lines within the series TTL (7 days by default) but none in the last 24 hours.",
			"remediation": ProjectGuidancePrefix + "check that the device still has the exporters as trap targets (display snmp-agent target-host), that the IPSec trap switches are on (snmp-agent trap enable feature-name ipsec), and that UDP 162 from the device reaches the exporters; for a device that logs instead, that it still logs to them (display info-center). If its tunnels were simply stable all day, silence the alert for that device.",
			"runbook_url": o.Runbook("device-silent"),
		},
	}
}

const seriesLimitRemediation = ProjectGuidancePrefix + "raise limits.max_series in the config file if the number of peers grew, or lower limits.series_ttl; a sudden rise points to spoofed peers."

// RenderExporterRules writes ipsec_trap_exporter.rules.yml.
func RenderExporterRules(w io.Writer, o Options) error {
	var h strings.Builder
	h.WriteString(comment(strings.Replace(generatedBy, " from the reason catalogue in mib/", " from alerts/exporter.go", 1)))
	h.WriteString("#\n")
	h.WriteString(comment("Alerts about trap reception itself: the exporters, the traps they drop, and devices that stopped sending."))
	h.WriteString("#\n")
	h.WriteString(comment("Assumption: Prometheus scrapes the exporters in a job named \"ipsec_trap_exporter\". With another job name, change the job selectors of IPSecTrapExporterDown and IPSecTrapReceptionDown (the mixin's _config.ipsecTrapExporterSelector does it for you)."))
	h.WriteString("#\n")
	h.WriteString(comment("High availability: devices send every trap to two trap hosts. Alerts about one exporter (down, dropping, near its series limit) keep the instance label: each exporter is a thing to fix. Alerts about devices take the max across instances, never the sum."))
	h.WriteString("\n")
	return writeYAML(w, h.String(), ruleFile{Groups: ExporterRules(o)})
}
