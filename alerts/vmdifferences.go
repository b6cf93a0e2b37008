package alerts

// The causes of the differences between VictoriaMetrics and Prometheus
// that the rule unit tests meet; each names a section of
// docs/victoriametrics.md.
var (
	vmYoungSeries = vmCause{"A series younger than the window",
		"VictoriaMetrics' rate() divides a series' increase by the time its samples span, so a rate over a window longer than the series' life is its rate over its life; Prometheus extrapolates the increase only to about one sample interval before the first sample, and divides by the window."}
	vmStoredDigits = vmCause{"Stored values have 12 significant digits",
		"VictoriaMetrics stores a recorded value with 12 significant digits."}
)

const (
	sloTests       = "tests/ipsec_slo.test.yml"
	sloFamilyTests = "tests/ipsec_slo_families.test.yml"
	sloTestHA      = "negotiation_success per peer and per device, HA pair counted once; burn windows pick tickets, not pages; low traffic and no traffic stay quiet"
	sloTestNoPeer  = "a failure series without a peer (a log line or trap without a peer address) keeps its per-peer SLI apart from its device's, in every window"
	sloTestFamily  = "a firewall, an older router and a newer router give the same SLIs for the same sequence"
)

func init() {
	vmDifferences = append(vmDifferences,
		vmDifference{file: sloTests, test: sloTestHA, expr: `ipsec:negotiation_failures:rate5m{device="fw-hq-01"}`, evalTime: "32m", cause: vmStoredDigits, want: `
- labels: 'ipsec:negotiation_failures:rate5m{device="fw-hq-01",peer="203.0.113.9"}'
  value: 0.01666666666666
`},
		// Both failure series began at 0m: 32 failures in 32 minutes is
		// a rate of one a minute, 60 over 1h on VictoriaMetrics.
		vmDifference{file: sloTests, test: sloTestHA, expr: `ipsec:negotiation_failures:increase1h{device="fw-hq-01"}`, evalTime: "32m", cause: vmYoungSeries, want: `
- labels: 'ipsec:negotiation_failures:increase1h{device="fw-hq-01",peer="203.0.113.9",sli_level="peer",slo="negotiation_success"}'
  value: 60
- labels: 'ipsec:negotiation_failures:increase1h{device="fw-hq-01",sli_level="device",slo="negotiation_success"}'
  value: 60
`},
		vmDifference{file: sloTests, test: sloTestNoPeer, expr: `ipsec:negotiation_failures:increase1h{device="fw-log-01"}`, evalTime: "32m", cause: vmYoungSeries, want: `
- labels: 'ipsec:negotiation_failures:increase1h{sli_level="peer",slo="negotiation_success",device="fw-log-01",peer="203.0.113.30"}'
  value: 60
- labels: 'ipsec:negotiation_failures:increase1h{sli_level="peer",slo="negotiation_success",device="fw-log-01"}'
  value: 60
- labels: 'ipsec:negotiation_failures:increase1h{sli_level="device",slo="negotiation_success",device="fw-log-01"}'
  value: 120
`},
		// fw-branch-07 / 192.0.2.1 failed once in its 32 minutes: 11.25
		// failures over 6h and 45 over 1d on VictoriaMetrics, so the
		// 3-failure floor of the burn alerts does not hold them back, and
		// the 6h/30m burn pages.
		vmDifference{file: sloTests, test: sloTestHA, alert: "IPSecSLOErrorBudgetBurn", evalTime: "32m", cause: vmYoungSeries, want: `
- exp_labels: {sli_level: peer, slo: negotiation_success, device: fw-branch-07, peer: 192.0.2.1, severity: critical, window: 6h, short_window: 30m}
  exp_annotations:
    summary: negotiation_success error budget burning 6x on fw-branch-07 peer 192.0.2.1
    description: 'The negotiation_success error ratio of fw-branch-07 towards peer 192.0.2.1 is 33.33% over the last 6h (and still over 30m): more than 6 times the error budget. At this rate 5% of the 30-day budget is gone in 6h.'
    remediation: &slo_remediation "Project guidance (not from the vendor reference): For negotiation_success, look at the IPSecNegotiationFailing alerts and the failures by reason of this device and peer: their remediation says what to fix. For tunnel_availability, look at IPSecTunnelDown and IPSecTunnelFlapping and the offline reasons of the tunnel's down transitions. A per-device alert (sli_level device) means many peers of the device are affected: look at the device and its uplink first."
    runbook_url: &slo_runbook http://localhost:9983/runbook#slo-error-budget-burn
- exp_labels: {sli_level: peer, slo: negotiation_success, device: fw-branch-07, peer: 192.0.2.1, severity: warning, window: 1d, short_window: 2h}
  exp_annotations:
    summary: negotiation_success error budget burning 3x on fw-branch-07 peer 192.0.2.1
    description: 'The negotiation_success error ratio of fw-branch-07 towards peer 192.0.2.1 is 33.33% over the last 1d (and still over 2h): more than 3 times the error budget. At this rate 10% of the 30-day budget is gone in 1d.'
    remediation: *slo_remediation
    runbook_url: *slo_runbook
- exp_labels: {sli_level: peer, slo: negotiation_success, device: fw-hq-01, peer: 203.0.113.9, severity: warning, window: 1d, short_window: 2h}
  exp_annotations:
    summary: negotiation_success error budget burning 3x on fw-hq-01 peer 203.0.113.9
    description: 'The negotiation_success error ratio of fw-hq-01 towards peer 203.0.113.9 is 5% over the last 1d (and still over 2h): more than 3 times the error budget. At this rate 10% of the 30-day budget is gone in 1d.'
    remediation: *slo_remediation
    runbook_url: *slo_runbook
- exp_labels: {sli_level: peer, slo: negotiation_success, device: fw-hq-01, peer: 203.0.113.9, severity: warning, window: 3d, short_window: 6h}
  exp_annotations:
    summary: negotiation_success error budget burning 1x on fw-hq-01 peer 203.0.113.9
    description: 'The negotiation_success error ratio of fw-hq-01 towards peer 203.0.113.9 is 5% over the last 3d (and still over 6h): more than 1 times the error budget. At this rate 10% of the 30-day budget is gone in 3d.'
    remediation: *slo_remediation
    runbook_url: *slo_runbook
- exp_labels: {sli_level: device, slo: negotiation_success, device: fw-hq-01, severity: warning, window: 3d, short_window: 6h}
  exp_annotations:
    summary: negotiation_success error budget burning 1x on fw-hq-01
    description: 'The negotiation_success error ratio of fw-hq-01 is 2.5% over the last 3d (and still over 6h): more than 1 times the error budget. At this rate 10% of the 30-day budget is gone in 3d.'
    remediation: *slo_remediation
    runbook_url: *slo_runbook
`},
		// The failures and the successes of a family began at different
		// times, so VictoriaMetrics divides their increases by different
		// spans, and the ratio of the rates is not the ratio of the counts.
		vmDifference{file: sloFamilyTests, test: sloTestFamily, expr: `round(slo:sli_error:ratio_rate1h{slo="negotiation_success",sli_level="peer"} * 100) / 100`, evalTime: "55m", cause: vmYoungSeries, want: `
- {labels: '{sli_level="peer",slo="negotiation_success",device="fw-a",peer="203.0.113.50"}', value: 0.35}
- {labels: '{sli_level="peer",slo="negotiation_success",device="rt-old",peer="203.0.113.50"}', value: 0.35}
- {labels: '{sli_level="peer",slo="negotiation_success",device="rt-new",peer="203.0.113.50"}', value: 0.35}
`},
	)
}
