package alerts

// FailureSeriesKey is every label the exporter puts on a failure series.
// Rules and dashboards merge an HA pair (two exporters receiving the same
// traps) with max by these labels: leaving one out, vsys for example, would
// take the max across two virtual systems' failures with the same peer and
// interface and hide one of them.
const FailureSeriesKey = "device, peer, interface, vsys, reason, reason_code"
