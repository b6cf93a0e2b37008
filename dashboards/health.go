package dashboards

// ExporterHealth is about the exporters themselves, one line per instance:
// an HA pair must show both members, so nothing here aggregates across
// instances.
func ExporterHealth(runbookURL string) *Dashboard {
	d := newDashboard(UIDHealth, "ipsec-exporter-health.json", "IPSec / Exporter health",
		"ipsec_trap_exporter itself, per instance: packets received and dropped, notifications, series against the limit, memory, CPU and scrape health.")
	d.Templating = standardVars()
	l := &layout{d: d}

	up := stat("Scrape health",
		"Prometheus' up per exporter instance: 0 means the last scrape failed and every IPSec panel is stale for that instance.",
		"none", instant(sel("up"), "{{instance}}"))
	up.FieldConfig.Defaults.Mappings = []ValueMapping{upDownMapping()}
	up.FieldConfig.Defaults.Thresholds = thresholds("red", 1.0, "green")
	up.runbookSection(runbookURL, "exporter-down", "exporter down")
	up.MustHaveData = true
	l.add(6, 5, up)

	reload := stat("Configuration",
		"ipsec_trap_exporter_config_last_reload_successful: FAILED means the last reload was refused and the exporter still runs the previous configuration.",
		"none", instant(sel("ipsec_trap_exporter_config_last_reload_successful"), "{{instance}}"))
	reload.FieldConfig.Defaults.Mappings = []ValueMapping{{Type: "value", Options: map[string]MappingResult{
		"0": {Color: "red", Index: 0, Text: "FAILED"},
		"1": {Color: "green", Index: 1, Text: "OK"},
	}}}
	reload.FieldConfig.Defaults.Thresholds = thresholds("red", 1.0, "green")
	reload.runbookSection(runbookURL, "config-reload-failed", "configuration reload failed")
	l.add(6, 5, reload)

	build := tablePanel("Build",
		"Version, revision and Go version of each instance (ipsec_trap_exporter_build_info); the two members of an HA pair should match.",
		"none", [][2]string{{"instance", "instance"}, {"version", "version"}, {"revision", "revision"}, {"goversion", "goversion"}}, "",
		table(sel("ipsec_trap_exporter_build_info")))
	build.Transformations[0]["options"].(map[string]any)["excludeByName"] = map[string]bool{"Time": true, "__name__": true, "job": true, "Value": true}
	build.MustHaveData = true
	l.add(12, 5, build)

	received := timeseries("Packets received by version",
		"SNMP packets per second parsed as v1, v2c or v3, per instance, whether or not they were accepted afterwards.",
		"pps", false, series(rate(sel("ipsec_trap_packets_received_total")), "{{instance}} {{version}}"))
	received.MustHaveData = true
	l.add(12, 8, received)

	dropped := timeseries("Packets dropped by reason",
		"Packets per second that did not become an event, per instance and reason (malformed, unknown_community, auth_failure, queue_full, socket_overflow, series_limit, ...). Nothing is dropped silently.",
		"pps", false, series(rate(sel("ipsec_trap_packets_dropped_total")), "{{instance}} {{reason}}"))
	dropped.FieldConfig.Defaults.Thresholds = thresholds("green", 0.001, "red")
	dropped.runbookSection(runbookURL, "traps-dropped", "traps dropped").runbookSection(runbookURL, "traps-rejected", "traps rejected")
	dropped.MustHaveData = true
	l.add(12, 8, dropped)

	notifications := timeseries("Notifications by name",
		"Accepted notifications per second by catalogue name (hwIPSecNegoFail, hwIPSecTunnelStart, ...; other for OIDs not in the catalogue), per instance.",
		"cps", false, series(rate(sel("ipsec_trap_notifications_total")), "{{instance}} {{notification}}"))
	notifications.MustHaveData = true
	l.add(12, 8, notifications)

	informs := timeseries("Informs acknowledged and v3 engine discovery",
		"Inform requests answered per second, and SNMPv3 engine discovery requests answered, per instance. Informs that are not acknowledged are retried by the device.",
		"cps", false,
		series(rate(sel("ipsec_trap_informs_acknowledged_total")), "{{instance}} informs acknowledged"),
		series(rate(sel("ipsec_trap_engine_discovery_reports_total")), "{{instance}} engine discovery reports"))
	l.add(12, 8, informs)

	seriesPanel := timeseries("Series per family against the limit",
		"Series held per event-derived metric family (ipsec_trap_series) and the configured limits.max_series (ipsec_trap_series_limit, drawn only when set). At the limit, new label sets are dropped as series_limit.",
		"short", false,
		series(sel("ipsec_trap_series"), "{{instance}} {{metric}}"),
		series(sel("ipsec_trap_series_limit")+" > 0", "{{instance}} limit"))
	seriesPanel.override("/ limit$/", Property{ID: "custom.lineStyle", Value: map[string]any{"dash": []int{10, 10}, "fill": "dash"}})
	seriesPanel.FieldConfig.Overrides[0].Matcher.ID = "byRegexp"
	seriesPanel.runbookSection(runbookURL, "series-limit", "series limit")
	seriesPanel.MustHaveData = true
	l.add(12, 8, seriesPanel)

	memory := timeseries("Memory",
		"Resident memory of the process and Go heap in use, per instance. Grows with the number of series; bounded by limits.max_series.",
		"bytes", false,
		series(sel("process_resident_memory_bytes"), "{{instance}} resident"),
		series(sel("go_memstats_heap_inuse_bytes"), "{{instance}} heap in use"))
	l.add(12, 8, memory)

	cpu := timeseries("CPU",
		"CPU time per second per instance (1 = one core busy). Rises with the trap rate, notably during storms.",
		"percentunit", false, series(rate(sel("process_cpu_seconds_total")), "{{instance}}"))
	l.add(12, 8, cpu)

	scrape := timeseries("Scrape duration",
		"How long Prometheus takes to scrape each instance; it grows with the number of series.",
		"s", false, series(sel("scrape_duration_seconds"), "{{instance}}"))
	l.add(12, 8, scrape)
	return d
}
