package trapin

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

const testEngineID = "\x80\x00\x1f\x88\x80\x01\x02\x03\x04\x05"

// fakeClock is the receiver's clock in tests that step past the time window
// instead of waiting for it.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// usmTest is a receiver with an engine ID, a clock the test moves, and a
// sender socket that reads what the receiver answers.
type usmTest struct {
	t      testing.TB
	r      *Input
	rec    *recorder
	clock  *fakeClock
	dec    *workerDecoders
	server *net.UDPConn // the receiver's socket
	client *net.UDPConn // the sender's socket
}

func newUSMTest(t testing.TB, boots uint32) *usmTest {
	t.Helper()
	p := testPolicy()
	p.EngineID = testEngineID
	r, rec := newTestReceiver(t, p)
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	r.engine = newLocalEngine(boots, clock.Now)
	snmp, err := p.newSNMP()
	if err != nil {
		t.Fatal(err)
	}
	return &usmTest{t: t, r: r, rec: rec, clock: clock, dec: &workerDecoders{snmp: snmp, discovery: newDiscoverySNMP()},
		server: loopbackConn(t), client: loopbackConn(t)}
}

// send runs one datagram from the client through the receiver and returns
// its drop reason and the receiver's answer, nil when it sent none. The
// answer is sent before process returns, and loopback delivery is
// synchronous, so a short read deadline only bounds the wait for "none".
func (u *usmTest) send(b []byte) (pipeline.DropReason, []byte) {
	u.t.Helper()
	return u.sendFrom(u.client, b)
}

func (u *usmTest) sendFrom(client *net.UDPConn, b []byte) (pipeline.DropReason, []byte) {
	u.t.Helper()
	d := &datagram{buf: append([]byte(nil), b...), src: client.LocalAddr().(*net.UDPAddr).AddrPort(), conn: u.server}
	reason, _ := u.r.process(d, u.r.policy.Load(), u.dec)
	buf := make([]byte, maxDatagram)
	if err := client.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		u.t.Fatal(err)
	}
	n, err := client.Read(buf)
	var timeout net.Error
	if errors.As(err, &timeout) && timeout.Timeout() {
		return reason, nil
	}
	if err != nil {
		u.t.Fatal(err)
	}
	return reason, buf[:n]
}

func (u *usmTest) dropped(reason pipeline.DropReason) float64 {
	return testutil.ToFloat64(u.r.self.dropped.Counter(reason))
}

// user returns a sender's copy of a configured user.
func user(t testing.TB, name string) *gosnmp.UsmSecurityParameters {
	t.Helper()
	for _, u := range testPolicy().Users {
		if u.UserName == name {
			return u.Copy().(*gosnmp.UsmSecurityParameters)
		}
	}
	t.Fatalf("no user %q", name)
	return nil
}

// informVarbinds is a negotiation failure with reason code 1.
func informVarbinds(peer string) []gosnmp.SnmpPDU {
	const fw = ".1.3.6.1.4.1.2011.6.122.26"
	return []gosnmp.SnmpPDU{
		{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uint32(4711)},
		{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: fw + ".6.14"},
		{Name: fw + ".5.11.0", Type: gosnmp.Gauge32, Value: uint(1)},
		{Name: fw + ".5.7.0", Type: gosnmp.OctetString, Value: peer},
	}
}

// v3msg is what a v3 sender puts in one message.
type v3msg struct {
	user          *gosnmp.UsmSecurityParameters
	flags         gosnmp.SnmpV3MsgFlags // security level; Reportable is added for confirmed-class PDUs
	notReportable bool
	engineID      string
	boots         uint32
	time          uint32
	pdu           gosnmp.PDUType
	msgID         uint32
	reqID         uint32
	vars          []gosnmp.SnmpPDU
}

// encode marshals m as a sender would: keys localized for m.engineID, a
// fresh privacy salt, authenticated.
func (m v3msg) encode(t testing.TB) []byte {
	t.Helper()
	sp := m.user.Copy().(*gosnmp.UsmSecurityParameters)
	sp.AuthoritativeEngineID = m.engineID
	sp.AuthoritativeEngineBoots = m.boots
	sp.AuthoritativeEngineTime = m.time
	if err := sp.InitSecurityKeys(); err != nil {
		t.Fatal(err)
	}
	flags := m.flags
	if isConfirmedClass(m.pdu) && !m.notReportable {
		flags |= gosnmp.Reportable
	}
	pkt := &gosnmp.SnmpPacket{
		Version: gosnmp.Version3, MsgFlags: flags, SecurityModel: gosnmp.UserSecurityModel, SecurityParameters: sp,
		MsgID: m.msgID, RequestID: m.reqID, PDUType: m.pdu, ContextEngineID: m.engineID, Variables: m.vars,
	}
	if err := sp.InitPacket(pkt); err != nil {
		t.Fatal(err)
	}
	b, err := pkt.MarshalMsg()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// inform is an authPriv inform from "noc" in our engine's time window.
func (u *usmTest) inform(reqID uint32) v3msg {
	return v3msg{user: user(u.t, "noc"), flags: gosnmp.AuthPriv, engineID: testEngineID,
		boots: u.r.engine.boots, time: u.r.engine.time(), pdu: gosnmp.InformRequest, msgID: reqID + 1000, reqID: reqID,
		vars: informVarbinds("203.0.113.9")}
}

// decodeAuthenticated checks an answer's digest and decrypts it with the
// configured users, as the sender would.
func decodeAuthenticated(t testing.TB, b []byte) *gosnmp.SnmpPacket {
	t.Helper()
	snmp, err := testPolicy().newSNMP()
	if err != nil {
		t.Fatal(err)
	}
	pkt, err := snmp.UnmarshalTrap(append([]byte(nil), b...), true)
	if err != nil {
		t.Fatalf("answer does not authenticate: %v", err)
	}
	return pkt
}

func decodeUnauthenticated(t testing.TB, b []byte) *gosnmp.SnmpPacket {
	t.Helper()
	pkt, err := decodeProbe(newDiscoverySNMP(), b)
	if err != nil {
		t.Fatalf("decoding answer: %v", err)
	}
	if pkt.MsgFlags&gosnmp.AuthPriv != gosnmp.NoAuthNoPriv {
		t.Fatalf("answer flags %v, want noAuthNoPriv", pkt.MsgFlags)
	}
	return pkt
}

// wantReport checks a Report: its counter, the engine's ID, boots and time,
// and the request's IDs, by which senders match it.
func wantReport(t testing.TB, pkt *gosnmp.SnmpPacket, oid string, boots, engineTime, msgID, reqID uint32) {
	t.Helper()
	usm := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if pkt.PDUType != gosnmp.Report || len(pkt.Variables) != 1 || pkt.Variables[0].Name != oid {
		t.Fatalf("answer %s %+v, want a Report of %s", pkt.PDUType, pkt.Variables, oid)
	}
	if usm.AuthoritativeEngineID != testEngineID || usm.AuthoritativeEngineBoots != boots || usm.AuthoritativeEngineTime != engineTime {
		t.Errorf("report engine %x boots %d time %d, want %x %d %d", usm.AuthoritativeEngineID,
			usm.AuthoritativeEngineBoots, usm.AuthoritativeEngineTime, testEngineID, boots, engineTime)
	}
	if pkt.MsgID != msgID || pkt.RequestID != reqID {
		t.Errorf("report msgID %d requestID %d, want %d %d", pkt.MsgID, pkt.RequestID, msgID, reqID)
	}
	if pkt.MsgFlags&gosnmp.Reportable != 0 {
		t.Error("a Report must not be reportable")
	}
}

// probe is an engine discovery request as RFC 3414 section 4 allows it.
type probe struct {
	pdu      gosnmp.PDUType
	flags    gosnmp.SnmpV3MsgFlags
	user     string
	engineID string
	vars     []gosnmp.SnmpPDU
}

func (p probe) encode(t testing.TB) []byte {
	t.Helper()
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version3, MsgFlags: p.flags, SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: p.user, AuthoritativeEngineID: p.engineID},
		PDUType:            p.pdu, MsgID: 77, RequestID: 78, Variables: p.vars, MaxRepetitions: 10}
	b, err := pkt.MarshalMsg()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDiscoveryProbes(t *testing.T) {
	t.Parallel() // waits on timeouts and for answers that do not come: overlap them
	vars := []gosnmp.SnmpPDU{{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.Null}}
	tests := []struct {
		name     string
		probe    probe
		answered bool
	}{
		{"GetRequest", probe{pdu: gosnmp.GetRequest, flags: gosnmp.Reportable}, true},
		{"GetNextRequest", probe{pdu: gosnmp.GetNextRequest, flags: gosnmp.Reportable}, true},
		{"GetBulkRequest", probe{pdu: gosnmp.GetBulkRequest, flags: gosnmp.Reportable}, true},
		{"SetRequest", probe{pdu: gosnmp.SetRequest, flags: gosnmp.Reportable}, true},
		{"InformRequest (pysnmp)", probe{pdu: gosnmp.InformRequest, flags: gosnmp.Reportable}, true},
		{"trap: unconfirmed class", probe{pdu: gosnmp.SNMPv2Trap, flags: gosnmp.Reportable}, false},
		{"response: unconfirmed class", probe{pdu: gosnmp.GetResponse, flags: gosnmp.Reportable}, false},
		{"report: unconfirmed class", probe{pdu: gosnmp.Report, flags: gosnmp.Reportable}, false},
		{"not reportable", probe{pdu: gosnmp.GetRequest}, false},
		{"with variable bindings", probe{pdu: gosnmp.InformRequest, flags: gosnmp.Reportable, vars: vars}, false},
		{"with a user", probe{pdu: gosnmp.GetRequest, flags: gosnmp.Reportable, user: "noc"}, false},
		{"with an engine ID", probe{pdu: gosnmp.GetRequest, flags: gosnmp.Reportable, engineID: testEngineID}, false},
		{"with an unknown user and engine ID", probe{pdu: gosnmp.InformRequest, flags: gosnmp.Reportable, user: "intruder", engineID: testEngineID, vars: vars}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := newUSMTest(t, 3)
			u.clock.Advance(42 * time.Second)
			drop, answer := u.send(tt.probe.encode(t))
			if !tt.answered {
				if drop != DropAuthFailure || answer != nil {
					t.Fatalf("drop %q, answer %x; want auth_failure and no answer", drop, answer)
				}
				return
			}
			if drop != "" || answer == nil {
				t.Fatalf("drop %q, answered %v; want an answer", drop, answer != nil)
			}
			wantReport(t, decodeUnauthenticated(t, answer), usmStatsUnknownEngineIDs, 3, 42, 77, 78)
			if got := testutil.ToFloat64(u.r.self.discoveryReports); got != 1 {
				t.Errorf("discovery reports = %v, want 1", got)
			}
		})
	}
}

// TestInformRoundTrip: an inform in the time window is counted and answered
// at its own security level, with this engine's boots and time, and never
// with the inform's own privacy salt (the IV would repeat under one key).
func TestInformRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		user  string
		flags gosnmp.SnmpV3MsgFlags
	}{{"noc", gosnmp.AuthPriv}, {"legacy", gosnmp.AuthPriv}, {"audit", gosnmp.AuthNoPriv}, {"noc", gosnmp.AuthNoPriv}} {
		t.Run(tc.user+"/"+tc.flags.String(), func(t *testing.T) {
			u := newUSMTest(t, 7)
			u.clock.Advance(1000 * time.Second)
			m := u.inform(1)
			m.user, m.flags = user(t, tc.user), tc.flags
			b := m.encode(t)
			drop, answer := u.send(b)
			if drop != "" || len(u.rec.events) != 1 || answer == nil {
				t.Fatalf("drop %q, %d events, answered %v", drop, len(u.rec.events), answer != nil)
			}
			resp := decodeAuthenticated(t, answer)
			usm := resp.SecurityParameters.(*gosnmp.UsmSecurityParameters)
			if resp.PDUType != gosnmp.GetResponse || resp.RequestID != 1 || len(resp.Variables) != len(m.vars) {
				t.Fatalf("answer %s request %d with %d varbinds, want the response to request 1", resp.PDUType, resp.RequestID, len(resp.Variables))
			}
			if resp.MsgFlags != tc.flags || usm.AuthoritativeEngineBoots != 7 || usm.AuthoritativeEngineTime != 1000 {
				t.Errorf("response flags %v boots %d time %d, want %v 7 1000", resp.MsgFlags, usm.AuthoritativeEngineBoots, usm.AuthoritativeEngineTime, tc.flags)
			}
			if tc.flags == gosnmp.AuthPriv {
				in := decodeAuthenticated(t, b).SecurityParameters.(*gosnmp.UsmSecurityParameters)
				if bytes.Equal(in.PrivacyParameters, usm.PrivacyParameters) {
					t.Errorf("response reuses the inform's salt %x", usm.PrivacyParameters)
				}
			}
		})
	}
}

// TestTimeWindow is RFC 3414 3.2.7 (a): this engine's boots, and a time
// within 150 seconds of its own.
func TestTimeWindow(t *testing.T) {
	const boots, now = 5, 1000
	tests := []struct {
		name        string
		boots, time uint32
		accepted    bool
	}{
		{"now", boots, now, true},
		{"150 s behind", boots, now - 150, true},
		{"150 s ahead", boots, now + 150, true},
		{"151 s behind", boots, now - 151, false},
		{"151 s ahead", boots, now + 151, false},
		{"previous boot", boots - 1, now, false},
		{"next boot", boots + 1, now, false},
		{"far future", boots, 2147483647, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUSMTest(t, boots)
			u.clock.Advance(now * time.Second)
			m := u.inform(9)
			m.boots, m.time = tt.boots, tt.time
			drop, answer := u.send(m.encode(t))
			if tt.accepted {
				if drop != "" || len(u.rec.events) != 1 || decodeAuthenticated(t, answer).PDUType != gosnmp.GetResponse {
					t.Fatalf("drop %q, %d events", drop, len(u.rec.events))
				}
				return
			}
			if drop != DropNotInTimeWindow || len(u.rec.events) != 0 {
				t.Fatalf("drop %q, %d events; want %s and none", drop, len(u.rec.events), DropNotInTimeWindow)
			}
			// Authenticated, so that the sender can trust the time in it.
			report := decodeAuthenticated(t, answer)
			if report.MsgFlags != gosnmp.AuthNoPriv {
				t.Errorf("report flags %v, want authNoPriv (RFC 3414 3.2.7)", report.MsgFlags)
			}
			wantReport(t, report, usmStatsNotInTimeWindows, boots, now, m.msgID, m.reqID)
			if got := testutil.ToFloat64(u.r.self.informsAcked); got != 0 {
				t.Errorf("%v informs acknowledged", got)
			}
		})
	}
}

// TestTimeSynchronisation is the second step of discovery (RFC 3414
// section 4) that pysnmp takes: an authenticated message with boots and
// time 0 gets the notInTimeWindow report, and the message it then sends
// with the time from the report is counted.
func TestTimeSynchronisation(t *testing.T) {
	u := newUSMTest(t, 2)
	u.clock.Advance(300 * time.Second)
	m := u.inform(11)
	m.boots, m.time = 0, 0
	drop, answer := u.send(m.encode(t))
	if drop != "" || len(u.rec.events) != 0 {
		t.Fatalf("time synchronisation: drop %q, %d events; want neither", drop, len(u.rec.events))
	}
	report := decodeAuthenticated(t, answer)
	wantReport(t, report, usmStatsNotInTimeWindows, 2, 300, m.msgID, 11)
	usm := report.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if got := testutil.ToFloat64(u.r.self.discoveryReports); got != 1 {
		t.Errorf("discovery reports = %v, want 1", got)
	}

	m.boots, m.time, m.msgID = usm.AuthoritativeEngineBoots, usm.AuthoritativeEngineTime, m.msgID+1
	if drop, _ := u.send(m.encode(t)); drop != "" || len(u.rec.events) != 1 {
		t.Fatalf("after synchronising: drop %q, %d events", drop, len(u.rec.events))
	}
	if got := u.dropped(DropNotInTimeWindow); got != 0 {
		t.Errorf("not_in_time_window = %v, want 0: synchronising is not a refusal", got)
	}
}

// TestReplay: a captured inform is never counted twice. Inside the window
// it is answered as a retransmission; after the window, or after a restart
// (boots+1), it is refused.
func TestReplay(t *testing.T) {
	u := newUSMTest(t, 1)
	u.clock.Advance(10 * time.Second)
	captured := u.inform(21).encode(t)
	if drop, _ := u.send(captured); drop != "" || len(u.rec.events) != 1 {
		t.Fatalf("original: drop %q", drop)
	}

	u.clock.Advance(140 * time.Second)
	drop, answer := u.send(captured)
	if drop != DropDuplicateInform || len(u.rec.events) != 1 || decodeAuthenticated(t, answer).PDUType != gosnmp.GetResponse {
		t.Fatalf("replay inside the window: drop %q, %d events, want %s, one event, a response", drop, len(u.rec.events), DropDuplicateInform)
	}
	// From another address: the v3 sender is its user, not its address.
	if drop, _ := u.sendFrom(loopbackConn(t), captured); drop != DropDuplicateInform || len(u.rec.events) != 1 {
		t.Fatalf("replay from another address: drop %q, %d events", drop, len(u.rec.events))
	}

	u.clock.Advance(11 * time.Second) // 151 s after it was sent
	drop, answer = u.send(captured)
	if drop != DropNotInTimeWindow || len(u.rec.events) != 1 {
		t.Fatalf("replay after the window: drop %q, %d events", drop, len(u.rec.events))
	}
	wantReport(t, decodeAuthenticated(t, answer), usmStatsNotInTimeWindows, 1, 161, 1021, 21)

	// The next start: boots 2, the clock again at 10 s, as when captured.
	restarted := newUSMTest(t, 2)
	restarted.clock.Advance(10 * time.Second)
	if drop, _ := restarted.send(captured); drop != DropNotInTimeWindow || len(restarted.rec.events) != 0 {
		t.Fatalf("replay after a restart: drop %q, %d events", drop, len(restarted.rec.events))
	}
}

// TestRetransmission: the same inform again (its response was lost) is
// answered again but counted once; v3 senders re-encrypt each try.
func TestRetransmission(t *testing.T) {
	u := newUSMTest(t, 1)
	m := u.inform(31)
	for try := 0; try < 3; try++ {
		m.msgID++ // net-snmp takes a new message ID and salt per try
		drop, answer := u.send(m.encode(t))
		var want pipeline.DropReason
		if try > 0 {
			want = DropDuplicateInform
		}
		if drop != want || decodeAuthenticated(t, answer).PDUType != gosnmp.GetResponse {
			t.Fatalf("try %d: drop %q, want %q and a response", try, drop, want)
		}
		u.clock.Advance(time.Second)
	}
	if len(u.rec.events) != 1 || testutil.ToFloat64(u.r.self.informsAcked) != 3 {
		t.Fatalf("%d events, %v acknowledged; want 1 and 3", len(u.rec.events), testutil.ToFloat64(u.r.self.informsAcked))
	}
	// A new request ID, or new content under the old one, is a new inform.
	m.reqID = 32
	if drop, _ := u.send(m.encode(t)); drop != "" {
		t.Fatalf("new request ID: drop %q", drop)
	}
	m.vars = informVarbinds("203.0.113.10")
	if drop, _ := u.send(m.encode(t)); drop != "" {
		t.Fatalf("new varbinds: drop %q", drop)
	}
	if len(u.rec.events) != 3 {
		t.Fatalf("%d events, want 3", len(u.rec.events))
	}
}

func TestRetransmissionV2c(t *testing.T) {
	u := newUSMTest(t, 1)
	v2c := func(reqID uint32, peer string) []byte {
		b, err := (&gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.InformRequest,
			RequestID: reqID, Variables: informVarbinds(peer)}).MarshalMsg()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	inform := v2c(1, "203.0.113.9")
	if drop, _ := u.send(inform); drop != "" {
		t.Fatalf("first: %q", drop)
	}
	if drop, answer := u.send(inform); drop != DropDuplicateInform || answer == nil {
		t.Fatalf("retransmission: drop %q, answered %v", drop, answer != nil)
	}
	// pysnmp gives each v2c retry a new request ID.
	if drop, answer := u.send(v2c(2, "203.0.113.9")); drop != DropDuplicateInform || answer == nil {
		t.Fatalf("retransmission with a new request ID: drop %q, answered %v", drop, answer != nil)
	}
	if drop, _ := u.send(v2c(3, "203.0.113.10")); drop != "" {
		t.Fatalf("another inform: drop %q", drop)
	}
	// Another port is another sender: v2c has nothing else to tell them by.
	if drop, _ := u.sendFrom(loopbackConn(t), inform); drop != "" {
		t.Fatalf("same inform from another port: drop %q", drop)
	}
	u.clock.Advance(informMemory)
	if drop, _ := u.send(inform); drop != "" {
		t.Fatalf("after informMemory: drop %q", drop)
	}
	if len(u.rec.events) != 4 {
		t.Fatalf("%d events, want 4", len(u.rec.events))
	}
}

// TestUnknownEngineID: an authenticated inform for another engine gets the
// unauthenticated unknownEngineIDs report that tells the sender ours.
func TestUnknownEngineID(t *testing.T) {
	u := newUSMTest(t, 4)
	u.clock.Advance(5 * time.Second)
	m := u.inform(41)
	m.engineID = "\x80\x00\x1f\x88\x80\xaa\xbb\xcc\xdd"
	drop, answer := u.send(m.encode(t))
	if drop != DropUnknownEngineID || len(u.rec.events) != 0 {
		t.Fatalf("drop %q, %d events", drop, len(u.rec.events))
	}
	wantReport(t, decodeUnauthenticated(t, answer), usmStatsUnknownEngineIDs, 4, 5, m.msgID, 41)
	if got := testutil.ToFloat64(u.r.self.discoveryReports); got != 0 {
		t.Errorf("counted as %v discovery reports", got)
	}
}

func TestAuthoritativeChecksSpareTraps(t *testing.T) {
	t.Parallel() // waits on timeouts and for answers that do not come: overlap them
	u := newUSMTest(t, 9)
	// A v3 trap carries the sender's engine ID, boots and time: the sender
	// is authoritative, and its clock is not ours to check.
	m := v3msg{user: user(t, "noc"), flags: gosnmp.AuthPriv, engineID: "\x80\x00\x1f\x88\x80\xaa\xbb\xcc\xdd",
		boots: 1, time: 99999, pdu: gosnmp.SNMPv2Trap, msgID: 1, reqID: 2, vars: informVarbinds("203.0.113.9")}
	if drop, answer := u.send(m.encode(t)); drop != "" || answer != nil || len(u.rec.events) != 1 {
		t.Fatalf("trap: drop %q, answered %v, %d events", drop, answer != nil, len(u.rec.events))
	}
	// An authenticated GetRequest in the window is still no notification.
	m = u.inform(3)
	m.pdu, m.vars = gosnmp.GetRequest, []gosnmp.SnmpPDU{{Name: ".1.3.6.1.2.1.1.1.0", Type: gosnmp.Null}}
	if drop, answer := u.send(m.encode(t)); drop != DropUnsupportedPDU || answer != nil {
		t.Fatalf("GetRequest: drop %q, answered %v", drop, answer != nil)
	}
}

// TestOutsideWindowNotReportable: a message that asks for no report gets
// none, and is still refused and counted.
func TestOutsideWindowNotReportable(t *testing.T) {
	t.Parallel() // waits on timeouts and for answers that do not come: overlap them
	u := newUSMTest(t, 1)
	m := u.inform(51)
	m.boots, m.notReportable = 0, true
	if drop, answer := u.send(m.encode(t)); drop != DropNotInTimeWindow || answer != nil {
		t.Fatalf("drop %q, answered %v; want %s and no answer", drop, answer != nil, DropNotInTimeWindow)
	}
}

// TestFlagsAreAuthenticated: msgFlags are under the digest, so a replay
// with the reportable flag cleared (to get no report back) is a forgery.
func TestFlagsAreAuthenticated(t *testing.T) {
	t.Parallel() // waits on timeouts and for answers that do not come: overlap them
	u := newUSMTest(t, 1)
	b := u.inform(52).encode(t)
	flags := bytes.Index(b, []byte{0x04, 0x01, byte(gosnmp.AuthPriv | gosnmp.Reportable)})
	if flags < 0 {
		t.Fatal("msgFlags not found")
	}
	b[flags+2] = byte(gosnmp.AuthPriv)
	if drop, answer := u.send(b); drop != DropAuthFailure || answer != nil {
		t.Fatalf("drop %q, answered %v; want %s", drop, answer != nil, DropAuthFailure)
	}
}

func TestEngineBootsLatch(t *testing.T) {
	e := newLocalEngine(0, time.Now)
	if e.boots != 1 {
		t.Errorf("boots 0 became %d, want 1", e.boots)
	}
	e = newLocalEngine(maxEngineBoots+5, time.Now)
	if e.boots != maxEngineBoots || e.inTimeWindow(maxEngineBoots, e.time()) {
		t.Error("an engine whose boots reached the maximum must refuse every authenticated message")
	}
}

func TestInformCacheBounds(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	c := newInformCache(100, time.Minute)
	key := func(i int) informKey { return informKey{byte(i), byte(i >> 8)} }
	for i := 0; i < 250; i++ {
		if !c.firstSeen(key(i), clock.Now()) {
			t.Fatalf("key %d seen before", i)
		}
	}
	if c.len() != 100 || len(c.seen) != 100 {
		t.Fatalf("%d entries (%d in the map), want the bound 100", c.len(), len(c.seen))
	}
	if c.firstSeen(key(249), clock.Now()) || !c.firstSeen(key(0), clock.Now()) {
		t.Error("the newest entries stay, the oldest go first")
	}
	clock.Advance(time.Minute)
	if !c.firstSeen(key(249), clock.Now()) || c.len() != 1 {
		t.Errorf("entries outlived their expiry: %d left", c.len())
	}
}

// BenchmarkInform is the v3 inform path end to end: authenticate, decrypt,
// check engine ID and time window, decode, remember, count, and encrypt and
// send the response. Every inform is distinct (its sysUpTime differs).
func BenchmarkInform(b *testing.B) {
	for _, name := range []string{"noc", "legacy"} {
		b.Run(name, func(b *testing.B) {
			u := newUSMTest(b, 1)
			u.r.informs = newInformCache(informCacheSize, informMemory)
			const distinct = 4096
			msgs := make([][]byte, distinct)
			for i := range msgs {
				m := u.inform(uint32(i))
				m.user = user(b, name)
				m.vars[0].Value = uint32(i)
				msgs[i] = m.encode(b)
			}
			state := u.r.policy.Load()
			d := &datagram{src: u.client.LocalAddr().(*net.UDPAddr).AddrPort(), conn: u.server}
			go func() { // drain the responses
				buf := make([]byte, maxDatagram)
				for {
					if _, err := u.client.Read(buf); err != nil {
						return
					}
				}
			}()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d.buf = msgs[i%distinct]
				if reason, err := u.r.process(d, state, u.dec); reason != "" && reason != DropDuplicateInform {
					b.Fatal(reason, err)
				}
				i++
			}
		})
	}
}

// BenchmarkInformKey is what remembering one inform costs.
func BenchmarkInformKey(b *testing.B) {
	c := newInformCache(informCacheSize, informMemory)
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.InformRequest, Variables: informVarbinds("203.0.113.9")}
	src := netip.MustParseAddrPort("192.0.2.1:161")
	now := time.Now()
	b.ReportAllocs()
	i := uint32(0)
	for b.Loop() {
		pkt.Variables[0].Value = i
		c.firstSeen(newInformKey(pkt, src), now)
		i++
	}
}
