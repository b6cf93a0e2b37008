package dashboards

import (
	"fmt"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
)

// PromQL text of the panels. The SDK types a query as an opaque string, so
// the queries are composed here, from the same few helpers everywhere, and
// held to the conventions by lint_test.go.

// Label sets of the event-derived families. Two exporters of an HA pair
// receive the same traps and export the same series, differing only in
// instance, so queries first take max over exactly these labels (dropping
// job and instance); summing across instances would double every count.
// The failure key is the rules' own (alerts.FailureSeriesKey).
const (
	failureKey = alerts.FailureSeriesKey
	tunnelKey  = alerts.TunnelKey
	stateKey   = "device, peer, state, reason"
)

var (
	metricFailures    = metricdef.NegotiationFailures.Name
	metricLastFailure = metricdef.NegotiationLastFailure.Name
	metricSuccesses   = metricdef.NegotiationSuccesses.Name
	metricTunnelUp    = metricdef.TunnelUp.Name
	metricDownPlanned = metricdef.TunnelDownPlanned.Name
	metricLastChange  = metricdef.TunnelLastChange.Name
	metricLastHeard   = metricdef.TunnelLastNotification.Name
	metricStates      = metricdef.TunnelStateChanges.Name
)

// sel is a selector of metric scoped by the job and instance variables plus
// extra matchers.
func sel(metric string, extra ...string) string {
	m := append([]string{`job=~"$job"`, `instance=~"$instance"`}, extra...)
	return metric + "{" + strings.Join(m, ", ") + "}"
}

func maxBy(labels, expr string) string { return "max by (" + labels + ") (" + expr + ")" }
func sumBy(labels, expr string) string { return "sum by (" + labels + ") (" + expr + ")" }
func rate(selector string) string      { return "rate(" + selector + "[$__rate_interval])" }

// increaseRange counts over the dashboard's time range: "failures in range"
// columns, which is what $__range is for.
func increaseRange(selector string) string { return "increase(" + selector + "[$__range])" }

// copyLabel duplicates label src into dst so that one label can be shown
// twice in a table with different value mappings (text, cause, runbook).
func copyLabel(expr, dst, src string) string {
	return fmt.Sprintf(`label_replace(%s, %q, "$1", %q, "(.*)")`, expr, dst, src)
}

// failuresByRate is the failure rate summed by labels, after max across the
// exporters of an HA pair.
func failuresByRate(labels string, extra ...string) string {
	return sumBy(labels, maxBy(failureKey, rate(sel(metricFailures, extra...))))
}

// successRatio is successes / (successes + failures) grouped by labels ("" for
// the total). A group with only one of the two still gets a ratio (0 or 1)
// because the missing side is filled in as zero from the other.
func successRatio(labels string, inRange bool, extra ...string) string {
	agg := func(key, metric string) string {
		inner := rate(sel(metric, extra...))
		if inRange {
			inner = increaseRange(sel(metric, extra...))
		}
		m := maxBy(key, inner)
		if labels == "" {
			return "sum(" + m + ")"
		}
		return sumBy(labels, m)
	}
	s, f := agg(tunnelKey, metricSuccesses), agg(failureKey, metricFailures)
	ok := "(" + s + " or " + f + " * 0)"
	bad := "(" + f + " or " + s + " * 0)"
	return ok + " / (" + ok + " + " + bad + ")"
}

// tunnelState is a tunnel gauge (up, planned, last change) per device and
// peer, taken from the exporter of an HA pair that heard the tunnel last
// (alerts.NewestTunnelState, the rules' own merge), scoped by the job and
// instance variables plus extra matchers.
func tunnelState(metric string, extra ...string) string {
	read := func(m string) string { return sel(m, extra...) }
	return alerts.NewestTunnelState(read(metric), read)
}

// tunnelsDown selects the tunnels down now, once per device and peer across
// an HA pair; with unplannedOnly, not those taken down on purpose (a
// lifecycle or administrative teardown sets ipsec_tunnel_down_planned).
func tunnelsDown(unplannedOnly bool) string {
	down := tunnelState(metricTunnelUp) + " == 0"
	if unplannedOnly {
		down += " unless on (" + tunnelKey + ") " + tunnelState(metricDownPlanned) + " == 1"
	}
	return down
}
