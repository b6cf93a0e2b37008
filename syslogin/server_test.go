package syslogin

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// recorder is a sink that keeps the events; full makes it refuse them, as
// the metrics sink does at a series limit.
type recorder struct {
	mu     sync.Mutex
	events []pipeline.Event
	full   bool
}

func (r *recorder) Record(ev *pipeline.Event) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, *ev)
	return !r.full
}

func (r *recorder) all() []pipeline.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pipeline.Event(nil), r.events...)
}

type testServer struct {
	*Input
	rec     *recorder
	reg     *prometheus.Registry
	udp     string
	tcp     string
	stopped bool
}

func startServer(t *testing.T, opts Options, policy *Policy) *testServer {
	t.Helper()
	if policy == nil {
		policy = &Policy{}
	}
	opts.ListenAddresses = []string{"127.0.0.1:0"}
	reg := prometheus.NewRegistry()
	rec := &recorder{}
	s, err := New(log.NewNopLogger(), opts, policy, reg, pipeline.NewFeed(rec))
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	ts := &testServer{Input: s, rec: rec, reg: reg}
	t.Cleanup(func() {
		if !ts.stopped {
			s.Stop()
		}
	})
	udp, tcp := s.Addrs()
	ts.udp, ts.tcp = udp[0].String(), tcp[0].String()
	if udp[0].(*net.UDPAddr).Port != tcp[0].(*net.TCPAddr).Port {
		t.Fatalf("UDP %s and TCP %s are not on one port", udp[0], tcp[0])
	}
	return ts
}

func (ts *testServer) sendUDP(t *testing.T, msgs ...string) {
	t.Helper()
	c, err := net.Dial("udp", ts.udp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, m := range msgs {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

// sendTCP writes stream on one connection and closes it.
func (ts *testServer) sendTCP(t *testing.T, stream string) {
	t.Helper()
	c, err := net.Dial("tcp", ts.tcp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, stream); err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// received is the number of messages read, parsed, and dropped by reason.
func (ts *testServer) counts() (received, parsed float64, dropped map[pipeline.DropReason]float64) {
	m := ts.self
	for _, c := range m.receivedBy {
		received += testutil.ToFloat64(c)
	}
	dropped = map[pipeline.DropReason]float64{}
	for _, r := range dropReasons {
		if v := testutil.ToFloat64(m.dropped.Counter(r)); v != 0 {
			dropped[r] = v
		}
	}
	return received, testutil.ToFloat64(m.parsed), dropped
}

// waitHandled waits until n messages were read and each was parsed or
// dropped: the accounting rule, checked on every test that uses it.
func (ts *testServer) waitHandled(t *testing.T, n float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		received, parsed, dropped := ts.counts()
		sum := parsed
		for r, v := range dropped {
			if r != pipeline.DropSocketOverflow {
				sum += v
			}
		}
		if received == n && sum == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %v, parsed %v, dropped %v; want %v messages, each parsed or dropped", received, parsed, dropped, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (ts *testServer) wantDrops(t *testing.T, want map[pipeline.DropReason]float64) {
	t.Helper()
	_, _, got := ts.counts()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("drops = %v, want %v", got, want)
	}
}

const (
	rfc3164Fail = "<13>Nov 29 05:01:16 vm root: " + negoFail
	rfc5424Fail = `<13>1 2026-11-29T05:01:16.453645+00:00 vm root - - [timeQuality tzKnown="1"] ` + negoFail
	huaweiStart = "<188>Nov 29 2026 05:01:16 USG6000 %%01IPSEC/4/IPSECTUNNELSTART(t)[5]:OID 1.3.6.1.4.1.2011.6.122.26.6.1 The IPSec tunnel is established. (DstIP=203.0.113.20, RemotePort=500)"
	huaweiStop  = "<188>Nov 29 2026 05:01:17 USG6000 %%01IPSEC/4/IPSECTUNNELSTOP(t)[6]:OID 1.3.6.1.4.1.2011.6.122.26.6.2 The IPSec tunnel is deleted. (DstIP=203.0.113.20, OfflineReason=dpd timeout)"
	otherHuawei = "<189>Nov 29 2026 05:01:16 USG6000 %%01IFNET/4/LINK_STATE(l)[0]:The line protocol IP on the interface GigabitEthernet0/0/1 has entered the UP state."
	notHuawei   = "<13>Nov 29 05:01:16 vm sshd[42]: Accepted publickey for root"
)

func TestUDP(t *testing.T) {
	ts := startServer(t, Options{}, nil)
	ts.sendUDP(t, rfc3164Fail, rfc5424Fail+"\n", huaweiStart, huaweiStop, otherHuawei, notHuawei, "not syslog at all",
		"<13>Nov 29 05:01:16 vm root: "+strings.Repeat("x", DefaultMaxMessageSize))
	ts.waitHandled(t, 8)
	ts.wantDrops(t, map[pipeline.DropReason]float64{pipeline.DropMalformed: 1, DropTooLong: 1, DropNotHuawei: 1, DropOtherMessage: 1})
	events := ts.rec.all()
	if len(events) != 4 {
		t.Fatalf("%d events, want 4: %+v", len(events), events)
	}
	kinds := []mib.Kind{mib.KindNegotiationFailure, mib.KindNegotiationFailure, mib.KindTunnelUp, mib.KindTunnelDown}
	for i, ev := range events {
		if ev.Kind != kinds[i] || ev.Device != "127.0.0.1" || ev.Time.IsZero() {
			t.Errorf("event %d = %+v, want kind %s from 127.0.0.1", i, ev, kinds[i])
		}
	}
	if events[3].Reason != "dpd_timeout" || events[0].Reason != "responder_dh_mismatch" {
		t.Errorf("reasons %q, %q", events[0].Reason, events[3].Reason)
	}
	if got := testutil.ToFloat64(ts.self.receivedBy[TransportUDP]); got != 8 {
		t.Errorf("received{udp} = %v", got)
	}
}

func TestTCPFraming(t *testing.T) {
	ts := startServer(t, Options{}, nil)
	octet := func(m string) string { return fmt.Sprintf("%d %s", len(m), m) }
	long := "<13>Nov 29 05:01:16 vm root: " + strings.Repeat("y", DefaultMaxMessageSize)
	ts.sendTCP(t, rfc3164Fail+"\n"+rfc5424Fail+"\r\n\n"+ // LF, CR LF, an empty line between frames
		long+"\n"+ // too long: read past, the connection goes on
		huaweiStart+"\n"+
		octet(rfc5424Fail)+octet(huaweiStop)+"\n"+ // octet counting, then a stray LF
		octet(long)+ // too long, octet-counted: skipped by its length
		octet(otherHuawei)+
		notHuawei) // the last one without a trailer
	ts.waitHandled(t, 9)
	ts.wantDrops(t, map[pipeline.DropReason]float64{DropTooLong: 2, DropOtherMessage: 1, DropNotHuawei: 1})
	if got := testutil.ToFloat64(ts.self.receivedBy[TransportTCP]); got != 9 {
		t.Errorf("received{tcp} = %v", got)
	}
	var kinds []string
	for _, ev := range ts.rec.all() {
		kinds = append(kinds, ev.Kind.String())
	}
	if got := strings.Join(kinds, " "); got != "negotiation_failure negotiation_failure tunnel_up negotiation_failure tunnel_down" {
		t.Errorf("events in order: %s", got)
	}
}

func TestTCPBrokenFrames(t *testing.T) {
	ts := startServer(t, Options{}, nil)
	ts.sendTCP(t, "12x <13>...")           // a length that is not one: the framing is lost, closed
	ts.sendTCP(t, "1234567890 <13>x")      // a length of 10 digits
	ts.sendTCP(t, "500 <13>Nov 29 cut sh") // cut short by the end of the stream
	ts.waitHandled(t, 3)
	ts.wantDrops(t, map[pipeline.DropReason]float64{pipeline.DropMalformed: 3})
	ts.waitConns(t, 0)
}

func (ts *testServer) waitConns(t *testing.T, n float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for testutil.ToFloat64(ts.self.connsOpen) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%v connections open, want %v", testutil.ToFloat64(ts.self.connsOpen), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// closedByServer waits until the server closes c.
func closedByServer(t *testing.T, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read = %v, want EOF: the server should have closed the connection", err)
	}
}

func TestTCPConnectionLimit(t *testing.T) {
	ts := startServer(t, Options{MaxConnections: 2}, nil)
	var conns []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", ts.tcp)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	ts.waitConns(t, 2)
	third, err := net.Dial("tcp", ts.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	closedByServer(t, third)
	if got := testutil.ToFloat64(ts.self.connsRefused[RefusedLimit]); got != 1 {
		t.Errorf("refused{limit} = %v", got)
	}
	// The open ones still work, and a freed slot is taken again.
	if _, err := io.WriteString(conns[0], rfc3164Fail+"\n"); err != nil {
		t.Fatal(err)
	}
	ts.waitHandled(t, 1)
	conns[1].Close()
	ts.waitConns(t, 1)
	ts.sendTCP(t, rfc3164Fail+"\n")
	ts.waitHandled(t, 2)
	if got := testutil.ToFloat64(ts.self.connsAccepted); got != 3 {
		t.Errorf("accepted = %v, want 3", got)
	}
}

func TestTCPIdleTimeout(t *testing.T) {
	t.Parallel() // waits on timeouts and for answers that do not come: overlap them
	ts := startServer(t, Options{IdleTimeout: 100 * time.Millisecond}, nil)
	c, err := net.Dial("tcp", ts.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, rfc3164Fail+"\n<13>Nov 29 05:01:16 vm root: a message never fin"); err != nil {
		t.Fatal(err)
	}
	closedByServer(t, c)
	ts.waitHandled(t, 2) // the whole one, and the one cut short by the timeout
	ts.wantDrops(t, map[pipeline.DropReason]float64{pipeline.DropMalformed: 1})
	ts.waitConns(t, 0)
}

func TestAllowList(t *testing.T) {
	ts := startServer(t, Options{}, &Policy{AllowedSources: config.Sources{config.Prefix(netip.MustParsePrefix("192.0.2.0/24"))}})
	ts.sendUDP(t, rfc3164Fail)
	ts.waitHandled(t, 1)
	ts.wantDrops(t, map[pipeline.DropReason]float64{pipeline.DropSourceNotAllowed: 1})
	c, err := net.Dial("tcp", ts.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	closedByServer(t, c)
	if got := testutil.ToFloat64(ts.self.connsRefused[RefusedSourceAllowed]); got != 1 {
		t.Errorf("refused{source_not_allowed} = %v", got)
	}
	// A reload that allows the source lets it in.
	ts.SetPolicy(&Policy{AllowedSources: config.Sources{config.Prefix(netip.MustParsePrefix("127.0.0.0/8"))}})
	ts.sendTCP(t, rfc3164Fail+"\n")
	ts.waitHandled(t, 2)
	if n := len(ts.rec.all()); n != 1 {
		t.Errorf("%d events, want 1", n)
	}
}

func TestSeriesLimit(t *testing.T) {
	ts := startServer(t, Options{}, nil)
	ts.rec.mu.Lock()
	ts.rec.full = true
	ts.rec.mu.Unlock()
	ts.sendUDP(t, rfc3164Fail)
	ts.waitHandled(t, 1)
	ts.wantDrops(t, map[pipeline.DropReason]float64{pipeline.DropSeriesLimit: 1})
}

func TestDevice(t *testing.T) {
	src := netip.MustParseAddr("192.0.2.1")
	devices := map[string]string{"192.0.2.1": "fw-lab", "10.1.1.1": "fw-hq-01"}
	tests := []struct {
		name     string
		policy   Policy
		src      netip.Addr
		hostname string
		want     string
	}{
		{"sender named", Policy{Devices: devices}, src, "USG6000", "fw-lab"},
		{"sender unnamed", Policy{Devices: devices}, netip.MustParseAddr("192.0.2.9"), "USG6000", "192.0.2.9"},
		{"v4-mapped sender", Policy{Devices: devices}, netip.MustParseAddr("::ffff:192.0.2.1"), "", "fw-lab"},
		{"hostname address, named", Policy{Devices: devices, DeviceFromHostname: true}, src, "10.1.1.1", "fw-hq-01"},
		{"hostname address, unnamed", Policy{Devices: devices, DeviceFromHostname: true}, src, "10.1.1.2", "10.1.1.2"},
		{"hostname a name", Policy{Devices: devices, DeviceFromHostname: true}, src, "fw-branch-7", "fw-branch-7"},
		{"no hostname: the sender", Policy{Devices: devices, DeviceFromHostname: true}, src, "", "fw-lab"},
		{"nil hostname in RFC 5424", Policy{Devices: devices, DeviceFromHostname: true}, src, "-", "fw-lab"},
		{"hostname bounded", Policy{DeviceFromHostname: true}, src, strings.Repeat("h", 300), strings.Repeat("h", 128)},
		{"hostname with invalid UTF-8 stays in bounds", Policy{DeviceFromHostname: true}, src, strings.Repeat("h\xff", 100), strings.Repeat("h\uFFFD", 32)},
	}
	for _, tt := range tests {
		if got := tt.policy.device(tt.src, tt.hostname); got != tt.want {
			t.Errorf("%s: device = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDeviceFromHostnameOverTheWire(t *testing.T) {
	ts := startServer(t, Options{}, &Policy{DeviceFromHostname: true, Devices: map[string]string{"10.1.1.1": "fw-hq-01"}})
	ts.sendUDP(t, "<188>Nov 29 2026 05:01:16 10.1.1.1 %%01IPSEC/4/IPSECTUNNELSTART(t)[5]:x (DstIP=203.0.113.20)", huaweiStart)
	ts.waitHandled(t, 2)
	events := ts.rec.all()
	if len(events) != 2 || events[0].Device != "fw-hq-01" || events[1].Device != "USG6000" {
		t.Errorf("events = %+v", events)
	}
}

func TestStopClosesConnections(t *testing.T) {
	ts := startServer(t, Options{}, nil)
	c, err := net.Dial("tcp", ts.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ts.waitConns(t, 1)
	ts.stopped = true
	done := make(chan struct{})
	go func() { ts.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not return with a client connected")
	}
	closedByServer(t, c)
}

func TestOptionsRefused(t *testing.T) {
	_, err := New(log.NewNopLogger(), Options{MaxMessageSize: 100}, &Policy{}, prometheus.NewRegistry(), nil)
	if err == nil || !strings.Contains(err.Error(), "below 1024") {
		t.Errorf("err = %v", err)
	}
	_, err = New(log.NewNopLogger(), Options{ListenAddresses: []string{"no-such-host.invalid:x"}}, &Policy{}, prometheus.NewRegistry(), nil)
	if err == nil || !strings.Contains(err.Error(), "syslog listen address") {
		t.Errorf("err = %v", err)
	}
}
