package syslogin_test

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/sender"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/syslogin"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// twin is one event as a device sends it both ways: a trap and a log line.
type twin struct {
	name string
	trap sender.Trap
	log  string
	// partial: the log form carries fewer fields than the trap (the
	// teardown log has no interface or vsys); only what identifies the
	// event and its series must agree.
	partial bool
}

var twins = []twin{
	{"negotiation failure",
		sender.Trap{Notification: mib.NotifNegoFail, ReasonCode: 6, Peer: "203.0.113.9", PeerPort: 500, Interface: "GigabitEthernet0/0/1", Vsys: "public"},
		"%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails. (Ifindex=1, SeqNum=10, " +
			"Reason=responder dh mismatch, ReasonCode=6, PeerAddress=203.0.113.9, PeerPort=500, VsysName=public, InterfaceName=GigabitEthernet0/0/1)", false},
	{"negotiation failure, bracketed, fields reordered",
		sender.Trap{Notification: mib.NotifNegoFail, ReasonCode: 41, Peer: "203.0.113.60", PeerPort: 4500, Interface: "Tunnel1"},
		"IPSEC/4/IPSECNEGOFAIL(l)[0]:IPSec tunnel negotiation fails. (InterfaceName=[Tunnel1], PeerAddress=[203.0.113.60], PeerPort=[4500], " +
			"ReasonCode=[41], Reason=[ipsec tunnel number reaches limitation], SeqNum=[10], Ifindex=[1])", false},
	{"tunnel start",
		sender.Trap{Notification: mib.NotifTunnelStart, Peer: "203.0.113.20", PeerPort: 500, Interface: "GigabitEthernet0/0/1", Vsys: "public"},
		"%%01IPSEC/4/IPSECTUNNELSTART(t)[5]:OID 1.3.6.1.4.1.2011.6.122.26.6.1 The IPSec tunnel is established. (Ifindex=1, SeqNum=10, TunnelIndex=1, " +
			"RuleNum=1, DstIP=203.0.113.20, InsideIP=0.0.0.0, RemotePort=500, CpuID=1, SrcIP=192.0.2.1, FlowInfo=x, LifeSize=1, LifeTime=1, " +
			"SlotID=1, VsysName=public, InterfaceName=GigabitEthernet0/0/1, Role=initiator)", false},
	{"tunnel stop",
		sender.Trap{Notification: mib.NotifTunnelStop, Peer: "203.0.113.20", PeerPort: 500, Interface: "GigabitEthernet0/0/1", Vsys: "public", OfflineReason: "dpd timeout"},
		"%%01IPSEC/4/IPSECTUNNELSTOP(t)[6]:OID 1.3.6.1.4.1.2011.6.122.26.6.2 The IPSec tunnel is deleted. (Ifindex=1, PolicyNum=10, DstIP=203.0.113.20, " +
			"RemotePort=500, SrcIP=192.0.2.1, OfflineReason=dpd timeout, VsysName=public, InterfaceName=GigabitEthernet0/0/1)", false},
	{"teardown log of a tunnel stop",
		sender.Trap{Notification: mib.NotifTunnelStop, Peer: "203.0.113.20", Interface: "GigabitEthernet0/0/1", OfflineReason: "phase1 hard expiry"},
		"IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN:An IPSec tunnel is teared down. (PolicyName=map1, IfIndex=1, SeqNum=10, RuleNum=5, " +
			"SrcIP=192.0.2.1, DstIP=203.0.113.20, InboundSPI=1234, Slot=1, CpuID=0, OfflineReason=phase1 hard expiry, State=Normal)", true},
}

var device = netip.MustParseAddr("192.0.2.1")

func decodeTrap(t *testing.T, tr sender.Trap, now time.Time) pipeline.Event {
	t.Helper()
	oid, vbs, err := sender.Varbinds(tr)
	if err != nil {
		t.Fatal(err)
	}
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, PDUType: gosnmp.SNMPv2Trap, Variables: append(
		[]gosnmp.SnmpPDU{{Name: "." + mib.OIDSnmpTrapOID, Type: gosnmp.ObjectIdentifier, Value: "." + oid}}, vbs...)}
	ev, err := (&trapin.Decoder{}).Decode(pkt, device, now)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func parseLog(t *testing.T, text string, now time.Time) pipeline.Event {
	t.Helper()
	ev, err := syslogin.ParseMessage(text)
	if err != nil {
		t.Fatal(err)
	}
	ev.Device, ev.Time = device.String(), now
	return ev
}

// eventFamilies are the series events make; the syslog form of an event
// must make exactly the trap form's.
var eventFamilies = []string{
	"ipsec_negotiation_failures_total", "ipsec_negotiation_last_failure_timestamp_seconds",
	"ipsec_negotiation_successes_total", "ipsec_tunnel_up", "ipsec_tunnel_down_planned",
	"ipsec_tunnel_state_changes_total", "ipsec_device_notifications_total", "ipsec_notifications_total",
}

// TestSameEventsAsTraps decodes each event's trap with the trap decoder and
// parses its log line, and checks that they are the same event and make the
// same series.
func TestSameEventsAsTraps(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	fromTraps, fromLogs := prometheus.NewRegistry(), prometheus.NewRegistry()
	trapMetrics, logMetrics := pipeline.NewMetrics(fromTraps, config.Limits{}), pipeline.NewMetrics(fromLogs, config.Limits{})
	for _, tw := range twins {
		trapEv, logEv := decodeTrap(t, tw.trap, now), parseLog(t, tw.log, now)
		if tw.partial {
			if trapEv.Kind != logEv.Kind || trapEv.Notification != logEv.Notification || trapEv.Peer != logEv.Peer ||
				trapEv.Reason != logEv.Reason || trapEv.ReasonText != logEv.ReasonText {
				t.Errorf("%s:\ntrap %+v\n log %+v", tw.name, trapEv, logEv)
			}
			// The series of a tunnel's state carry device, peer and reason
			// only: the same either way.
			trapEv.Interface, trapEv.Vsys, trapEv.PeerPort = "", "", ""
		} else if trapEv != logEv {
			t.Errorf("%s:\ntrap %+v\n log %+v", tw.name, trapEv, logEv)
		}
		trapMetrics.Record(&trapEv)
		logMetrics.Record(&logEv)
	}
	want, err := testutil.CollectAndFormat(fromTraps, expfmt.TypeTextPlain, eventFamilies...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := testutil.CollectAndFormat(fromLogs, expfmt.TypeTextPlain, eventFamilies...)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("series from log lines:\n%s\nfrom traps:\n%s", got, want)
	}
	if !strings.Contains(string(got), `ipsec_tunnel_state_changes_total{device="192.0.2.1",peer="203.0.113.20",reason="phase1_hard_expiry",state="down"} 1`) {
		t.Errorf("teardown not counted:\n%s", got)
	}
}

// TestTrapAndLogCountOnce sends each event as a trap (through the trap
// input's gate) and as a log line (over UDP to the syslog listener), in both
// orders, and checks that the series count it once.
func TestTrapAndLogCountOnce(t *testing.T) {
	reg := prometheus.NewRegistry()
	metrics := pipeline.NewMetrics(reg, config.Limits{})
	dedup := pipeline.NewDedup(10 * time.Second)
	pipe := pipeline.New(dedup, metrics)
	s, err := syslogin.New(log.NewNopLogger(), syslogin.Options{ListenAddresses: []string{"127.0.0.1:0"}},
		&syslogin.Policy{Devices: map[string]string{"127.0.0.1": "fw-lab"}}, reg, pipe.Feed(syslogin.Origin))
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop()
	udp, _ := s.Addrs()
	conn, err := net.Dial("udp", udp[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	trapFeed := pipe.Feed(trapin.Origin)
	trap := func(tr sender.Trap) {
		ev := decodeTrap(t, tr, time.Now())
		ev.Device = "fw-lab" // the devices map, as the receiver applies it
		trapFeed.Record(&ev)
	}
	logLine := func(text string) {
		if _, err := conn.Write([]byte("<188>Nov 29 2026 05:01:16 USG6000 " + text)); err != nil {
			t.Fatal(err)
		}
	}
	value := func(metric string, labels ...string) float64 {
		t.Helper()
		out, err := testutil.CollectAndFormat(reg, expfmt.TypeTextPlain, metric)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			match := strings.HasPrefix(line, metric+"{") || strings.HasPrefix(line, metric+" ")
			for _, l := range labels {
				match = match && strings.Contains(line, l)
			}
			if match {
				var v float64
				_, _ = fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &v)
				return v
			}
		}
		return 0
	}
	duplicates := func() float64 {
		return value("ipsec_syslog_messages_dropped_total", `reason="duplicate_of_trap"`)
	}
	waitDuplicates := func(n float64) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for duplicates() != n {
			if time.Now().After(deadline) {
				t.Fatalf("syslog duplicates = %v, want %v", duplicates(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	fail, start, stop := twins[0], twins[2], twins[3]
	// Trap first, then the log line.
	trap(fail.trap)
	logLine(fail.log)
	waitDuplicates(1)
	// Log line first (wait until it is counted), then the trap.
	logLine(start.log)
	deadline := time.Now().Add(10 * time.Second)
	for value("ipsec_tunnel_up", `peer="203.0.113.20"`) != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	trap(start.trap)
	trap(stop.trap)
	logLine(stop.log)
	waitDuplicates(2)

	checks := []struct {
		metric string
		labels []string
		want   float64
	}{
		{"ipsec_negotiation_failures_total", []string{`device="fw-lab"`, `reason="responder_dh_mismatch"`}, 1},
		{"ipsec_negotiation_successes_total", []string{`device="fw-lab"`, `peer="203.0.113.20"`}, 1},
		{"ipsec_tunnel_state_changes_total", []string{`state="up"`}, 1},
		{"ipsec_tunnel_state_changes_total", []string{`state="down"`, `reason="dpd_timeout"`}, 1},
		{"ipsec_tunnel_up", []string{`peer="203.0.113.20"`}, 0},
		{"ipsec_syslog_messages_parsed_total", nil, 1}, // the tunnel start
	}
	for _, c := range checks {
		if got := value(c.metric, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.metric, c.labels, got, c.want)
		}
	}
}
