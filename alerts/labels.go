package alerts

import (
	"fmt"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
)

// FailureSeriesKey is every label the exporter puts on a failure series.
// Rules and dashboards merge an HA pair (two exporters receiving the same
// traps) with max by these labels: leaving one out, vsys for example, would
// take the max across two virtual systems' failures with the same peer and
// interface and hide one of them.
const FailureSeriesKey = "device, peer, interface, vsys, reason, reason_code"

// TunnelKey is every label the exporter puts on a tunnel series.
const TunnelKey = "device, peer"

// NewestTunnelState merges a tunnel's state across the exporters of an HA
// pair: it keeps, per tunnel, the value of the exporter that heard the
// tunnel's latest notification, and takes the max only to break a tie.
//
// state is an expression of one exporter's state (its labels are the
// tunnel's plus job, instance and any external labels), built with read,
// which turns a metric name into the selector or range function the caller
// reads series with (a dashboard's job and instance matchers, an alert's
// last_over_time). The "and" matches the state to the same exporter's
// timestamp on every label, whatever labels tell exporters apart.
//
// Why not max: an exporter that lost a down trap (UDP) still says up, and
// max would believe it for as long as the tunnel stays down. Why the last
// notification, not the last change: that exporter never sees the state
// change back to up when the tunnel returns, so its last change stays older
// than the other's down although it heard the up. Exporters older than
// ipsec_tunnel_last_notification_timestamp_seconds are compared by their
// last change instead.
func NewestTunnelState(state string, read func(metric string) string) string {
	heard := fmt.Sprintf("(%s or %s)", read(metricdef.TunnelLastNotification.Name), read(metricdef.TunnelLastChange.Name))
	return fmt.Sprintf("max by (%[1]s) (%[2]s and %[3]s == on (%[1]s) group_left () max by (%[1]s) (%[3]s))",
		TunnelKey, state, heard)
}
