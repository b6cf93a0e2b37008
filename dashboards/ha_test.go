package dashboards

import (
	"strings"
	"testing"

	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// TestTunnelStateFollowsTheExporterThatHeardLast: of an HA pair, each
// exporter losing a different trap of one tunnel, the dashboards' tunnel
// panels, the availability record and IPSecTunnelDown's condition show the
// state of the exporter that heard the tunnel last, and a restart of either
// exporter (which restores its state) changes nothing. A real Prometheus
// of each supported release scrapes two exporters that received real traps.
func TestTunnelStateFollowsTheExporterThatHeardLast(t *testing.T) {
	testenv.Need(t, "snmptrap")
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		t.Parallel()
		tunnelStateAcrossPair(t, p)
	})
}

// tunnelQueries are the queries that read the state of peerA: the overview's
// and drill-down's tunnel panels, the availability record and the
// condition of IPSecTunnelDown (without its 5 minutes), each with what it
// returns for a tunnel that is up and one that is down.
func tunnelQueries(t *testing.T) map[string]func(up bool) func(model.Value) bool {
	q := map[string]func(up bool) func(model.Value) bool{}
	panel := func(uid, title string) string {
		for _, d := range loadDashboards(t, "*.json") {
			vals := interpolationValues(d, map[string]string{"job": "", "instance": "", "device": device, "peer": peerA})
			for _, p := range panels(d) {
				if str(d.Uid) == uid && str(p.Title) == title {
					return interpolate(promTargets(p)[0].Expr, vals)
				}
			}
		}
		t.Fatalf("no panel %s/%s", uid, title)
		return ""
	}
	// check says what a query returns: up or down when the tunnel is up
	// or down, or no series at all for an up tunnel (absentWhenUp).
	check := func(up, down float64, absentWhenUp bool) func(bool) func(model.Value) bool {
		return func(isUp bool) func(model.Value) bool {
			return func(v model.Value) bool {
				vec, ok := v.(model.Vector)
				switch {
				case !ok:
					return false
				case isUp && absentWhenUp:
					return len(vec) == 0
				case isUp:
					return len(vec) == 1 && float64(vec[0].Value) == up
				}
				return len(vec) == 1 && float64(vec[0].Value) == down
			}
		}
	}
	var tunnelDown string
	for _, r := range alerts.TunnelRules(alerts.DefaultOptions()) {
		if r.Alert == "IPSecTunnelDown" {
			tunnelDown = r.Expr
		}
	}
	q[panel(UIDOverview, "Tunnels down now")] = check(0, 1, false)
	q[panel(UIDOverview, "Tunnels up now")] = check(1, 0, false)
	q[panel(UIDOverview, "Tunnels down")] = check(0, 0, true)
	q[panel(UIDDrilldown, "Tunnel state")] = check(1, 0, false)
	q[alerts.TunnelAvailableRecord] = check(1, 0, false)
	q[tunnelDown] = check(0, 0, true)
	return q
}

func tunnelStateAcrossPair(t *testing.T, release testenv.PrometheusRelease) {
	a, b := testenv.StartExporter(t), testenv.StartExporter(t)
	instA, instB := strings.TrimPrefix(a.WebURL, "http://"), strings.TrimPrefix(b.WebURL, "http://")
	prom := release.StartPrometheus(t, []string{instA, instB}, ruleFiles(t), "")
	send := func(tr trap, to ...*testenv.Exporter) {
		for _, e := range to {
			testenv.SNMPTrap(t, append([]string{"-v", "2c", "-c", "public", e.TrapAddr}, tr...)...)
		}
	}
	// Prometheus has scraped what inst says now about peerA.
	scraped := func(inst string, up float64) {
		prom.WaitQuery(t, `ipsec_tunnel_up{peer="`+peerA+`",instance="`+inst+`"}`, func(v model.Value) bool {
			vec, ok := v.(model.Vector)
			return ok && len(vec) == 1 && float64(vec[0].Value) == up
		})
	}
	queries := tunnelQueries(t)
	expect := func(step string, up bool) {
		t.Helper()
		for q, want := range queries {
			// Rules and scrapes run on their own clock: wait for the state.
			v := prom.WaitQuery(t, q, want(up))
			t.Logf("%s: %s => %v", step, q, v)
		}
	}

	send(tunnelStart(peerA), a, b)
	scraped(instA, 1)
	scraped(instB, 1)
	expect("both heard the up", true)

	send(tunnelStop(peerA, "dpd timeout"), a) // b lost it
	scraped(instA, 0)
	expect("only a heard the down", false)

	send(tunnelStart(peerA), b) // a lost it
	prom.WaitQuery(t, `ipsec_tunnel_last_notification_timestamp_seconds{peer="`+peerA+`",instance="`+instB+`"} > on (peer) ipsec_tunnel_last_notification_timestamp_seconds{peer="`+peerA+`",instance="`+instA+`"}`,
		func(v model.Value) bool { return !empty(v) })
	expect("only b heard the later up", true)

	send(tunnelStop(peerA, "dpd timeout"), a, b)
	scraped(instA, 0)
	scraped(instB, 0)
	expect("both heard the down", false)

	send(tunnelStart(peerA), a) // b lost it: b says down, a up
	scraped(instA, 1)
	expect("only a heard the up", true)
	for _, e := range []*testenv.Exporter{a, b} {
		inst := strings.TrimPrefix(e.WebURL, "http://")
		before := prom.Query(t, `process_start_time_seconds{instance="`+inst+`"}`)
		e.Stop(t)
		e.Restart(t)
		prom.WaitQuery(t, `process_start_time_seconds{instance="`+inst+`"}`, func(v model.Value) bool {
			vec, ok := v.(model.Vector)
			old, _ := before.(model.Vector)
			return ok && len(vec) == 1 && len(old) == 1 && vec[0].Value > old[0].Value
		})
		expect("after a restart of "+inst, true)
	}
}
