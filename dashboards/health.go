package dashboards

import (
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
)

// exporterHealth is about the exporters themselves, one line per instance:
// an HA pair must show both members, so nothing here aggregates across
// instances.
func exporterHealth(rb runbook) *board { return exporterHealthOf(rb, inputs.All) }

// exporterHealthOf is the health dashboard of the inputs ins: each has its
// panel of what it dropped.
func exporterHealthOf(rb runbook, ins []input.Declaration) *board {
	d := newBoard(UIDHealth, "ipsec-exporter-health.json", "IPSec / Exporter health",
		"ipsec_trap_exporter itself, per instance: packets received and dropped, notifications, series against the limit, memory, CPU and scrape health.")

	place(d, 6, 5, mustHaveData, statPanel("Scrape health",
		"Prometheus' up per exporter instance: 0 means the last scrape failed and every IPSec panel is stale for that instance.",
		"none", instant(sel("up"), "{{instance}}")).
		Mappings([]dashboard.ValueMapping{upDownMapping()}).
		Thresholds(thresholds("red", from(1, "green"))).
		Links(links(rb.section("exporter-down", "exporter down"))))

	place(d, 6, 5, mayBeEmpty, statPanel("Configuration",
		"ipsec_trap_exporter_config_last_reload_successful: FAILED means the last reload was refused and the exporter still runs the previous configuration.",
		"none", instant(sel(metricdef.ConfigLastReloadSuccessful.Name), "{{instance}}")).
		Mappings([]dashboard.ValueMapping{colouredMapping([3]string{"0", "FAILED", "red"}, [3]string{"1", "OK", "green"})}).
		Thresholds(thresholds("red", from(1, "green"))).
		Links(links(rb.section("config-reload-failed", "configuration reload failed"))))

	buildColumns := []column{label("instance"), label("version"), label("revision"), label("goversion")}
	place(d, 12, 5, mustHaveData, tablePanel("Build",
		"Version, revision and Go version of each instance (ipsec_trap_exporter_build_info); the two members of an HA pair should match.",
		"none", buildColumns, "",
		tableQuery(sel("ipsec_trap_exporter_build_info"))).
		Transformations([]dashboard.DataTransformerConfig{organize(buildColumns, "Time", "__name__", "job", "Value")}))

	place(d, 12, 8, mustHaveData, timeseriesPanel("Packets received by version",
		"SNMP packets per second parsed as v1, v2c or v3, per instance, whether or not they were accepted afterwards.",
		"pps", false, series(rate(sel(metricdef.TrapPacketsReceived.Name)), "{{instance}} {{version}}")))

	for _, in := range ins {
		inputDropPanel(d, rb, in)
	}

	place(d, 12, 8, mustHaveData, timeseriesPanel("Notifications by name",
		"Accepted notifications per second by catalogue name (hwIPSecNegoFail, hwIPSecTunnelStart, ...; other for OIDs not in the catalogue), per instance.",
		"cps", false, series(rate(sel(metricdef.Notifications.Name)), "{{instance}} {{notification}}")))

	place(d, 12, 8, mayBeEmpty, timeseriesPanel("Informs acknowledged and v3 engine discovery",
		"Inform requests answered per second, and SNMPv3 engine discovery requests answered, per instance. Informs that are not acknowledged are retried by the device.",
		"cps", false,
		series(rate(sel(metricdef.TrapInformsAcknowledged.Name)), "{{instance}} informs acknowledged"),
		series(rate(sel(metricdef.TrapEngineDiscoveryReports.Name)), "{{instance}} engine discovery reports")))

	syslogConnectionsPanel(d, rb)

	place(d, 12, 8, mustHaveData, timeseriesPanel("Series per family against the limit",
		"Series held per event-derived metric family ("+metricdef.Series.Name+") and the configured limits.max_series ("+metricdef.SeriesLimit.Name+", drawn only when set). At the limit, new label sets are dropped as series_limit.",
		"short", false,
		series(sel(metricdef.Series.Name), "{{instance}} {{metric}}"),
		series(sel(metricdef.SeriesLimit.Name)+" > 0", "{{instance}} limit")).
		OverrideByRegexp("/ limit$/", []dashboard.DynamicConfigValue{dashedLine()}).
		Links(links(rb.section("series-limit", "series limit"))))

	place(d, 12, 8, mayBeEmpty, timeseriesPanel("Memory",
		"Resident memory of the process and Go heap in use, per instance. Grows with the number of series; bounded by limits.max_series.",
		"bytes", false,
		series(sel("process_resident_memory_bytes"), "{{instance}} resident"),
		series(sel("go_memstats_heap_inuse_bytes"), "{{instance}} heap in use")))

	place(d, 12, 8, mayBeEmpty, timeseriesPanel("CPU",
		"CPU time per second per instance (1 = one core busy). Rises with the trap rate, notably during storms.",
		"percentunit", false, series(rate(sel("process_cpu_seconds_total")), "{{instance}}")))

	place(d, 12, 8, mayBeEmpty, timeseriesPanel("Scrape duration",
		"How long Prometheus takes to scrape each instance; it grows with the number of series.",
		"s", false, series(sel("scrape_duration_seconds"), "{{instance}}")))
	return d
}

// inputDropPanel is what one input dropped per second, by reason, beside
// what it received: nothing is dropped silently.
func inputDropPanel(d *board, rb runbook, in input.Declaration) {
	rule := mustHaveData
	if in.Optional {
		rule = mayBeEmpty
	}
	lost, refused := in.Health.Lost.Runbook, in.Health.Refused.Runbook
	place(d, 12, 8, rule, timeseriesPanel(in.Title+" dropped by reason", in.Health.Panel,
		"cps", false,
		series(rate(sel(in.Dropped.Name)), "{{instance}} {{reason}}"),
		series(sumBy("instance", rate(sel(in.Received.Name))), "{{instance}} received")).
		OverrideByRegexp("/ received$/", []dashboard.DynamicConfigValue{dashedLine()}).
		Thresholds(thresholds("green", from(0.001, "red"))).
		Links(links(rb.section(lost, strings.ReplaceAll(lost, "-", " ")), rb.section(refused, strings.ReplaceAll(refused, "-", " ")))))
}

// syslogConnectionsPanel watches the syslog input's TCP and TLS
// connections. It is empty while the syslog input is off.
func syslogConnectionsPanel(d *board, rb runbook) {
	place(d, 12, 8, mayBeEmpty, timeseriesPanel("Syslog TCP connections",
		"Syslog TCP connections open per instance, and connections refused per second at accept, by reason (limit: --syslog.max-connections; source_not_allowed). Empty while the syslog input is off.",
		"short", false,
		series(sel(metricdef.SyslogTCPConnections.Name), "{{instance}} open"),
		series(rate(sel(metricdef.SyslogTCPConnectionsRefused.Name)), "{{instance}} refused {{reason}}")).
		Links(links(rb.section("syslog-dropped", "syslog dropped"))))
}
