package trapin

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestReceiverGate runs a trap whose log line was already counted through
// the receiver: it is dropped as a duplicate, reaches no sink, and an inform
// is still acknowledged (else the device would retransmit it).
func TestReceiverGate(t *testing.T) {
	metrics := pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{})
	rec := &recorder{}
	dedup := pipeline.NewDedup(time.Minute)
	stats := NewSelfMetrics(prometheus.NewRegistry())
	r, err := New(log.NewNopLogger(), Options{}, testPolicy(), stats, pipeline.New(dedup, metrics, rec).Feed(Origin))
	if err != nil {
		t.Fatal(err)
	}
	logLine := pipeline.Event{Kind: mib.KindNegotiationFailure, Device: "127.0.0.1", Peer: "203.0.113.9",
		ReasonCode: "1", Reason: "phase1_proposal_mismatch", Time: time.Now()}
	if twin := dedup.Gate("syslog").Admit(&logLine); twin != "" {
		t.Fatal("the first of the twins was refused")
	}
	if drop, err := processFixture(t, r, "v2c_inform"); drop != pipeline.DuplicateOf("syslog") {
		t.Fatalf("drop = %q (%v), want %q", drop, err, pipeline.DuplicateOf("syslog"))
	}
	if len(rec.events) != 0 {
		t.Errorf("a duplicate reached the sinks: %+v", rec.events)
	}
	if got := testutil.ToFloat64(stats.informsAcked); got != 1 {
		t.Errorf("informs acknowledged = %v, want 1", got)
	}
	// The same failure again, as a trap: its twin was used up, so it counts.
	if drop, _ := processFixture(t, r, "v2c_negofail"); drop != "" || len(rec.events) != 1 {
		t.Errorf("drop = %q, %d events; want an event", drop, len(rec.events))
	}
}

// The engine discovery report carries the engine boots the state directory
// counted, so that an inform sender sees a restarted engine as a new one.
func TestDiscoveryReportCarriesEngineBoots(t *testing.T) {
	p := testPolicy()
	p.EngineID = "\x80\x00\x1f\x88\x80\x01\x02\x03\x04\xaa"
	r, err := New(log.NewNopLogger(), Options{EngineBoots: 42}, p, NewSelfMetrics(prometheus.NewRegistry()), pipeline.NewFeed(pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{})))
	if err != nil {
		t.Fatal(err)
	}
	sender, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	b, err := os.ReadFile(filepath.Join("testdata", "v3_discovery.bin"))
	if err != nil {
		t.Fatal(err)
	}
	d := &datagram{buf: b, src: sender.LocalAddr().(*net.UDPAddr).AddrPort(), conn: loopbackConn(t)}
	st := r.policy.Load()
	snmp, _ := st.policy.newSNMP()
	if reason, err := r.process(d, st, &workerDecoders{snmp: snmp, discovery: newDiscoverySNMP()}); reason != "" {
		t.Fatalf("discovery request dropped: %s %v", reason, err)
	}
	buf := make([]byte, 1500)
	_ = sender.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := sender.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	probe := &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel, MsgFlags: gosnmp.NoAuthNoPriv,
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "probe"}}
	report, err := probe.SnmpDecodePacket(buf[:n])
	if err != nil {
		t.Fatal(err)
	}
	usm := report.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if report.PDUType != gosnmp.Report || usm.AuthoritativeEngineID != p.EngineID {
		t.Errorf("answer %v from engine %x, want a Report from %x", report.PDUType, usm.AuthoritativeEngineID, p.EngineID)
	}
	if usm.AuthoritativeEngineBoots != 42 {
		t.Errorf("report engine boots %d, want 42", usm.AuthoritativeEngineBoots)
	}
}
