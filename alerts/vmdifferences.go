package alerts

// The causes of the differences between VictoriaMetrics and Prometheus
// that the rule unit tests meet; each names a section of
// docs/victoriametrics.md.
var (
	vmRecordLag = vmCause{"A rule reads a record seconds after it was written",
		"a record that a later rule of the same group reads is, on VictoriaMetrics, the one of the previous evaluation (vmalert-tool writes a group's records once the group is done), so a window summed from the 5m records lacks the newest one, and a device's count is its peers' counts of a minute before."}
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
		// The peer's count is Prometheus' (its rate1h reads the 5m records
		// of earlier evaluations); the device's sums its peers' of a
		// minute before.
		vmDifference{file: sloTests, test: sloTestHA, expr: `ipsec:negotiation_failures:increase1h{device="fw-hq-01"}`, evalTime: "32m", cause: vmRecordLag, want: `
- labels: 'ipsec:negotiation_failures:increase1h{device="fw-hq-01",peer="203.0.113.9",sli_level="peer",slo="negotiation_success"}'
  value: 30
- labels: 'ipsec:negotiation_failures:increase1h{device="fw-hq-01",sli_level="device",slo="negotiation_success"}'
  value: 29
`},
		// 59 of the 60 minutes' 5m rates: the newest is not read yet.
		vmDifference{file: sloTests, test: sloTestHA, expr: `ipsec:negotiation_failures:increase1h{device="fw-hq-01"}`, evalTime: "64m", cause: vmRecordLag, want: `
- labels: 'ipsec:negotiation_failures:increase1h{device="fw-hq-01",peer="203.0.113.9",sli_level="peer",slo="negotiation_success"}'
  value: 59
- labels: 'ipsec:negotiation_failures:increase1h{device="fw-hq-01",sli_level="device",slo="negotiation_success"}'
  value: 59
`},
		vmDifference{file: sloTests, test: sloTestNoPeer, expr: `ipsec:negotiation_failures:increase1h{device="fw-log-01"}`, evalTime: "64m", cause: vmRecordLag, want: `
- labels: 'ipsec:negotiation_failures:increase1h{sli_level="peer",slo="negotiation_success",device="fw-log-01",peer="203.0.113.30"}'
  value: 59
- labels: 'ipsec:negotiation_failures:increase1h{sli_level="peer",slo="negotiation_success",device="fw-log-01"}'
  value: 59
- labels: 'ipsec:negotiation_failures:increase1h{sli_level="device",slo="negotiation_success",device="fw-log-01"}'
  value: 118
`},
		// The 1h availability averages the merged state's records without
		// the newest, which is the minute the tunnel went down.
		vmDifference{file: sloFamilyTests, test: sloTestFamily, expr: `round(slo:sli_error:ratio_rate1h{slo="tunnel_availability",sli_level="peer"} * 1e6) / 1e6`, evalTime: "55m", cause: vmRecordLag, want: `
- {labels: '{sli_level="peer",slo="tunnel_availability",device="fw-a",peer="203.0.113.50"}', value: 0.2}
- {labels: '{sli_level="peer",slo="tunnel_availability",device="rt-old",peer="203.0.113.50"}', value: 0.2}
- {labels: '{sli_level="peer",slo="tunnel_availability",device="rt-new",peer="203.0.113.50"}', value: 0.2}
`},
	)
}
