package trapin_test

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv/families"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/sender"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// step is one notification from a device and what /metrics says after it.
type step struct {
	device string // UDP source
	trap   sender.Trap
	kind   mib.Kind // the decoded event's kind
	want   string   // series that must be in /metrics afterwards, one per line
}

func runSteps(t *testing.T, status trapin.TunnelStatusMap, steps []step) {
	t.Helper()
	run(t, trapin.Decoder{Status: status, Superseding: trapin.NewSuperseding()}, steps)
}

func runStepsWith(t *testing.T, s *trapin.Superseding, steps []step) {
	t.Helper()
	run(t, trapin.Decoder{Superseding: s}, steps)
}

func run(t *testing.T, d trapin.Decoder, steps []step) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := pipeline.NewMetrics(reg, config.Limits{})
	for i, s := range steps {
		oid, vbs, err := sender.Varbinds(s.trap)
		if err != nil {
			t.Fatal(err)
		}
		pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, PDUType: gosnmp.SNMPv2Trap, Variables: append(
			[]gosnmp.SnmpPDU{{Name: "." + mib.OIDSnmpTrapOID, Type: gosnmp.ObjectIdentifier, Value: "." + oid}}, vbs...)}
		ev, err := d.Decode(pkt, netip.MustParseAddr(s.device), time.Unix(int64(1000+i), 0))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind != s.kind {
			t.Errorf("step %d (%s): kind %s, want %s", i, s.trap.Notification, ev.Kind, s.kind)
		}
		m.Record(&ev)
		got, err := testutil.CollectAndFormat(reg, expfmt.TypeTextPlain, "ipsec_tunnel_up",
			"ipsec_tunnel_down_planned", "ipsec_tunnel_state_changes_total", "ipsec_negotiation_failures_total",
			"ipsec_device_notifications_total")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(s.want), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.Contains(string(got), line+"\n") {
				t.Errorf("step %d (%s): missing %q in\n%s", i, s.trap.Notification, line, got)
			}
		}
	}
}

const fw = "192.0.2.1"

func TestStatusChange(t *testing.T) {
	change := func(status int, reason string) sender.Trap {
		return sender.Trap{Notification: mib.NotifTunnelStatusChange, Peer: "203.0.113.5", Status: status, OfflineReason: reason}
	}
	runSteps(t, nil, []step{
		{fw, change(2, "dpd timeout"), mib.KindTunnelDown, `
			ipsec_tunnel_up{device="192.0.2.1",peer="203.0.113.5"} 0
			ipsec_tunnel_state_changes_total{device="192.0.2.1",peer="203.0.113.5",reason="dpd_timeout",state="down"} 1
			ipsec_device_notifications_total{device="192.0.2.1",notification="hwIPSecTunnelStatusChange"} 1`},
		{fw, change(1, ""), mib.KindTunnelUp, `
			ipsec_tunnel_up{device="192.0.2.1",peer="203.0.113.5"} 1
			ipsec_tunnel_state_changes_total{device="192.0.2.1",peer="203.0.113.5",reason="",state="up"} 1`},
		// An unmapped status is counted and leaves the state alone.
		{fw, change(7, "dpd timeout"), mib.KindNotification, `
			ipsec_tunnel_up{device="192.0.2.1",peer="203.0.113.5"} 1
			ipsec_tunnel_state_changes_total{device="192.0.2.1",peer="203.0.113.5",reason="dpd_timeout",state="down"} 1
			ipsec_device_notifications_total{device="192.0.2.1",notification="hwIPSecTunnelStatusChange"} 3`},
	})
	// The config file can say otherwise.
	runSteps(t, trapin.TunnelStatusMap{7: mib.KindTunnelDown, 2: mib.KindTunnelUp}, []step{
		{fw, change(7, "peer request"), mib.KindTunnelDown, `
			ipsec_tunnel_up{device="192.0.2.1",peer="203.0.113.5"} 0`},
		{fw, change(2, ""), mib.KindTunnelUp, `
			ipsec_tunnel_up{device="192.0.2.1",peer="203.0.113.5"} 1`},
	})
}

func TestTeardownClasses(t *testing.T) {
	start := sender.Trap{Notification: mib.NotifTunnelStart, Peer: "203.0.113.6"}
	stop := func(reason string) sender.Trap {
		return sender.Trap{Notification: mib.NotifTunnelStop, Peer: "203.0.113.6", OfflineReason: reason}
	}
	const up, planned = `ipsec_tunnel_up{device="192.0.2.1",peer="203.0.113.6"} `, `ipsec_tunnel_down_planned{device="192.0.2.1",peer="203.0.113.6"} `
	runSteps(t, nil, []step{
		// A rekey's teardown of a tunnel never seen before: it is up.
		{fw, stop("phase1 sa replace"), mib.KindTunnelDown, up + "1\n" + planned + "0"},
		{fw, start, mib.KindTunnelUp, up + "1"},
		// A rekey replaces the SA: counted, the tunnel stays up.
		{fw, stop("phase2 sa replace"), mib.KindTunnelDown, up + "1\n" + planned + "0\n" +
			`ipsec_tunnel_state_changes_total{device="192.0.2.1",peer="203.0.113.6",reason="phase2_sa_replace",state="down"} 1`},
		// An operator's teardown: down, planned.
		{fw, stop("config modify or manual offline"), mib.KindTunnelDown, up + "0\n" + planned + "1"},
		{fw, start, mib.KindTunnelUp, up + "1\n" + planned + "0"},
		// An outage: down, unplanned.
		{fw, stop("dpd timeout"), mib.KindTunnelDown, up + "0\n" + planned + "0"},
		// Text outside the catalogue: other, unplanned.
		{fw, stop("cosmic rays"), mib.KindTunnelDown, up + "0\n" + planned + "0\n" +
			`ipsec_tunnel_state_changes_total{device="192.0.2.1",peer="203.0.113.6",reason="other",state="down"} 1`},
	})
}

func TestRouterSAFailures(t *testing.T) {
	const oldRouter, newRouter = "192.0.2.10", "192.0.2.20"
	ike := sender.Trap{Notification: mib.NotifRouterIKESAFail, Peer: "198.51.100.1", Interface: "Tunnel7"}
	ipsec := sender.Trap{Notification: mib.NotifRouterIPSecSAFail, Peer: "198.51.100.1", Interface: "Tunnel7"}
	nego := sender.Trap{Notification: mib.NotifRouterNegoFail, Peer: "198.51.100.1", Interface: "Tunnel7", ReasonCode: 1}
	runSteps(t, nil, []step{
		// A router with the older MIB: its SA failures are the failures.
		{oldRouter, ike, mib.KindNegotiationFailure, `ipsec_negotiation_failures_total{device="192.0.2.10",interface="Tunnel7",peer="198.51.100.1",reason="unknown",reason_code="",vsys=""} 1`},
		{oldRouter, ipsec, mib.KindNegotiationFailure, `ipsec_negotiation_failures_total{device="192.0.2.10",interface="Tunnel7",peer="198.51.100.1",reason="unknown",reason_code="",vsys=""} 2`},
		// A newer router sends .57 and .37 for one negotiation: counted once.
		{newRouter, nego, mib.KindNegotiationFailure, `ipsec_negotiation_failures_total{device="192.0.2.20",interface="Tunnel7",peer="198.51.100.1",reason="phase1_proposal_mismatch",reason_code="1",vsys=""} 1`},
		{newRouter, ipsec, mib.KindNotification, `ipsec_device_notifications_total{device="192.0.2.20",notification="hwIPSECSANegotiationFail"} 1`},
		{newRouter, ike, mib.KindNotification, `ipsec_device_notifications_total{device="192.0.2.20",notification="hwIkeSANegotiationFail"} 1`},
		// The older router is not affected by what the newer one sends.
		{oldRouter, ipsec, mib.KindNegotiationFailure, `ipsec_negotiation_failures_total{device="192.0.2.10",interface="Tunnel7",peer="198.51.100.1",reason="unknown",reason_code="",vsys=""} 3`},
	})
}

// TestSupersedingSurvivesARestart: what a device has shown it sends is kept
// in the state file, so a restarted exporter does not count a newer
// router's next failure twice.
func TestSupersedingSurvivesARestart(t *testing.T) {
	before := trapin.NewSuperseding()
	d := trapin.Decoder{Superseding: before}
	nego := sender.Trap{Notification: mib.NotifRouterNegoFail, Peer: "198.51.100.1", ReasonCode: 1}
	oid, vbs, err := sender.Varbinds(nego)
	if err != nil {
		t.Fatal(err)
	}
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, PDUType: gosnmp.SNMPv2Trap, Variables: append(
		[]gosnmp.SnmpPDU{{Name: "." + mib.OIDSnmpTrapOID, Type: gosnmp.ObjectIdentifier, Value: "." + oid}}, vbs...)}
	if _, err := d.Decode(pkt, netip.MustParseAddr("192.0.2.20"), time.Now()); err != nil {
		t.Fatal(err)
	}
	saved := before.Devices()
	if got := saved[mib.NotifRouterNegoFail]; len(got) != 1 || got[0] != "192.0.2.20" {
		t.Fatalf("Devices() = %v", saved)
	}
	after := trapin.NewSuperseding()
	for name, devices := range saved {
		for _, device := range devices {
			after.Remember(name, device)
		}
	}
	runStepsWith(t, after, []step{
		{"192.0.2.20", sender.Trap{Notification: mib.NotifRouterIPSecSAFail, Peer: "198.51.100.1"}, mib.KindNotification, ""},
		{"192.0.2.30", sender.Trap{Notification: mib.NotifRouterIPSecSAFail, Peer: "198.51.100.1"}, mib.KindNegotiationFailure, ""},
	})
}

// TestFamiliesCountTheSameSequenceAlike: the same real sequence (fail,
// fail, up, a rekey, a teardown) gives the same counts on a firewall, an
// older router and a newer router after every event: a failure and a
// success per negotiation, whichever notifications report it. The clears
// a router sends beside a tunnel's up (.36, .58) are counted by name only.
func TestFamiliesCountTheSameSequenceAlike(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := pipeline.NewMetrics(reg, config.Limits{})
	d := trapin.Decoder{Superseding: trapin.NewSuperseding()}
	devices := families.Devices()
	at := time.Unix(1000, 0)
	for i, event := range families.Events {
		var first string
		for _, f := range devices {
			for _, trap := range f.Steps[i] {
				at = at.Add(time.Second)
				ev := decodeTrap(t, d, trap, f.Address, at)
				m.Record(&ev)
			}
			got := familyCounts(t, reg, f.Address)
			if first == "" {
				first = got
			} else if got != first {
				t.Errorf("after %s (event %d): %s counts %s, %s counts %s", event, i, f.Family, got, devices[0].Family, first)
			}
		}
	}
	const want = "failures 2, successes 2, up 0, planned 0, unplanned downs 1"
	for _, f := range devices {
		if got := familyCounts(t, reg, f.Address); got != want {
			t.Errorf("%s at the end: %s, want %s", f.Family, got, want)
		}
	}
}

func decodeTrap(t *testing.T, d trapin.Decoder, trap sender.Trap, device string, at time.Time) pipeline.Event {
	t.Helper()
	oid, vbs, err := sender.Varbinds(trap)
	if err != nil {
		t.Fatal(err)
	}
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, PDUType: gosnmp.SNMPv2Trap, Variables: append(
		[]gosnmp.SnmpPDU{{Name: "." + mib.OIDSnmpTrapOID, Type: gosnmp.ObjectIdentifier, Value: "." + oid}}, vbs...)}
	ev, err := d.Decode(pkt, netip.MustParseAddr(device), at)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// familyCounts sums what the SLIs read of one device: failures, successes,
// the tunnel's state, and the downs that count as instability.
func familyCounts(t *testing.T, reg *prometheus.Registry, device string) string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]float64{}
	planned := regexp.MustCompile("^(" + strings.Join(mib.TeardownSlugs(mib.TeardownRekey, mib.TeardownLifecycle, mib.TeardownAdministrative), "|") + ")$")
	for _, mf := range mfs {
		for _, s := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range s.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["device"] != device {
				continue
			}
			v := s.GetCounter().GetValue() + s.GetGauge().GetValue()
			switch name := mf.GetName(); {
			case name == "ipsec_tunnel_state_changes_total" && labels["state"] == "down" && !planned.MatchString(labels["reason"]):
				sums["unplanned downs"] += v
			case name != "ipsec_tunnel_state_changes_total":
				sums[name] += v
			}
		}
	}
	return fmt.Sprintf("failures %g, successes %g, up %g, planned %g, unplanned downs %g",
		sums["ipsec_negotiation_failures_total"], sums["ipsec_negotiation_successes_total"],
		sums["ipsec_tunnel_up"], sums["ipsec_tunnel_down_planned"], sums["unplanned downs"])
}
