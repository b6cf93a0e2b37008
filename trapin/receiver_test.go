package trapin

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-kit/log"
	"github.com/gosnmp/gosnmp"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// recorder is a sink that keeps the events it is given.
type recorder struct {
	mu     sync.Mutex
	events []pipeline.Event
}

func (r *recorder) Record(ev *pipeline.Event) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, *ev)
	return true
}

func testPolicy() *Policy {
	return &Policy{
		Communities: []string{"public", "s3cret"},
		Users: []*gosnmp.UsmSecurityParameters{
			{UserName: "noc", AuthenticationProtocol: gosnmp.SHA256, AuthenticationPassphrase: "authpass123",
				PrivacyProtocol: gosnmp.AES256, PrivacyPassphrase: "privpass123"},
			{UserName: "legacy", AuthenticationProtocol: gosnmp.MD5, AuthenticationPassphrase: "authpass123",
				PrivacyProtocol: gosnmp.DES, PrivacyPassphrase: "privpass123"},
			{UserName: "audit", AuthenticationProtocol: gosnmp.SHA512, AuthenticationPassphrase: "authpass123"},
		},
		Devices: map[string]string{"10.1.1.1": "fw-hq-01"},
	}
}

func newTestReceiver(t testing.TB, p *Policy) (*Input, *recorder) {
	t.Helper()
	rec := &recorder{}
	r, err := New(log.NewNopLogger(), Options{}, p, NewStats(prometheus.NewRegistry()), pipeline.NewFeed(pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{}), rec))
	if err != nil {
		t.Fatal(err)
	}
	return r, rec
}

// processFixture runs a captured packet through authentication, decoding
// and the sinks, as a worker would.
func processFixture(t testing.TB, r *Input, name string) (pipeline.DropReason, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	state := r.policy.Load()
	snmp, err := state.policy.newSNMP()
	if err != nil {
		t.Fatal(err)
	}
	d := &datagram{buf: b, src: netip.MustParseAddrPort("127.0.0.1:40000"), conn: loopbackConn(t)}
	return r.process(d, state, &workerDecoders{snmp: snmp, discovery: newDiscoverySNMP()})
}

// loopbackConn is a socket to answer informs from; the answers go nowhere.
func loopbackConn(t testing.TB) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestDecodeFixtures(t *testing.T) {
	tests := []struct {
		fixture string
		drop    pipeline.DropReason // expected drop reason; "" = an event
		want    pipeline.Event      // Time is not compared
	}{
		{fixture: "v2c_negofail", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal mismatch", SeqNum: "10"}},
		{fixture: "v1_negofail", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "fw-hq-01", Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal mismatch", SeqNum: "10"}},
		{fixture: "v1_negofail_no_agent", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "198.51.100.7", ReasonCode: "6", Reason: "responder_dh_mismatch"}},
		{fixture: "v2c_missing_fields", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", ReasonCode: "15", Reason: "authentication_fail"}},
		{fixture: "v2c_odd_integer_types", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.10", PeerPort: "4500", Interface: "Tunnel1", ReasonCode: "7", Reason: "initiator_dh_mismatch"}},
		{fixture: "v2c_no_suffix", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.11", Interface: "GigabitEthernet0/0/2", Vsys: "vsys1", ReasonCode: "2", Reason: "phase2_proposal_or_pfs_mismatch"}},
		{fixture: "v2c_reordered_extra", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.12", Interface: "GigabitEthernet0/0/3", ReasonCode: "36", Reason: "route_limit", ReasonText: "route limit"}},
		{fixture: "v2c_unknown_code", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.13", Interface: "GigabitEthernet0/0/1", ReasonCode: "99", Reason: "unknown"}},
		{fixture: "v2c_proxied", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "192.0.2.50", Peer: "203.0.113.14", Interface: "GigabitEthernet0/0/1", ReasonCode: "4", Reason: "flow_or_peer_mismatch"}},
		{fixture: "v2c_linkdown", want: pipeline.Event{Kind: mib.KindNotification, Notification: "other", Device: "127.0.0.1"}},
		{fixture: "v2c_wrong_community", drop: DropUnknownCommunity},
		{fixture: "v2c_inform", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal mismatch", SeqNum: "10"}},
		{fixture: "v2c_tunnel_start", want: pipeline.Event{Kind: mib.KindTunnelUp, Notification: "hwIPSecTunnelStart",
			Device: "127.0.0.1", Peer: "203.0.113.20", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public", SeqNum: "10"}},
		{fixture: "v2c_tunnel_stop", want: pipeline.Event{Kind: mib.KindTunnelDown, Notification: "hwIPSecTunnelStop",
			Device: "127.0.0.1", Peer: "203.0.113.20", PeerPort: "500", Interface: "GigabitEthernet0/0/1",
			Reason: "dpd_timeout", ReasonText: "dpd timeout"}},
		{fixture: "v2c_tunnel_stop_other", want: pipeline.Event{Kind: mib.KindTunnelDown, Notification: "hwIPSecTunnelStop",
			Device: "127.0.0.1", Peer: "203.0.113.20", Reason: "other", ReasonText: "cosmic rays"}},
		{fixture: "v2c_tunnel_reach_max", want: pipeline.Event{Kind: mib.KindNotification, Notification: "hwIPSecTunnelReachMax", Device: "127.0.0.1"}},
		{fixture: "v2c_router_up", want: pipeline.Event{Kind: mib.KindTunnelUp, Notification: "hwIPSecTunnelStateUp",
			Device: "127.0.0.1", Peer: "198.51.100.30", PeerPort: "500", Interface: "GigabitEthernet0/0/4",
			SeqNum: "10", PolicyName: "policy1", LocalAddress: "192.0.2.1"}},
		{fixture: "v2c_router_down", want: pipeline.Event{Kind: mib.KindTunnelDown, Notification: "hwIPSecTunnelStateDown",
			Device: "127.0.0.1", Peer: "198.51.100.30", Interface: "GigabitEthernet0/0/4"}},
		{fixture: "v2c_router_negofail_text", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegotiationFail",
			Device: "127.0.0.1", Peer: "198.51.100.31", Interface: "GigabitEthernet0/0/5", Vsys: "vrf1",
			ReasonCode: "2", Reason: "phase2_proposal_or_pfs_mismatch", ReasonText: "phase2 proposal or pfs mismatch", IKEVersion: "2"}},
		{fixture: "v2c_router_negofail_freetext", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegotiationFail",
			Device: "127.0.0.1", Peer: "198.51.100.32", Reason: "unknown", ReasonText: "peer <script> sent garbage"}},
		{fixture: "v2c_router_negosuccess", want: pipeline.Event{Kind: mib.KindNotification, Notification: "hwIPSecNegotiationSuccess",
			Device: "127.0.0.1", Peer: "198.51.100.31", Interface: "GigabitEthernet0/0/5"}},
		{fixture: "v2c_getrequest", drop: DropUnsupportedPDU},
		{fixture: "v3_sha256_aes256", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal mismatch", SeqNum: "10"}},
		{fixture: "v3_md5_des", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal mismatch", SeqNum: "10"}},
		{fixture: "v3_sha512_authnopriv", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail",
			Device: "127.0.0.1", Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal mismatch", SeqNum: "10"}},
		{fixture: "v3_noauth", drop: DropAuthFailure},
		{fixture: "v2c_status_change_down", want: pipeline.Event{Kind: mib.KindTunnelDown, Notification: "hwIPSecTunnelStatusChange",
			Device: "127.0.0.1", Peer: "203.0.113.21", PeerPort: "4500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			Reason: "dpd_timeout", ReasonText: "dpd timeout", Status: "2", SeqNum: "10", PolicyName: "to-branch",
			LocalAddress: "192.0.2.1", TunnelVPN: "vpn-t", FlowVPN: "vpn-f"}},
		{fixture: "v2c_status_change_up", want: pipeline.Event{Kind: mib.KindTunnelUp, Notification: "hwIPSecTunnelStatusChange",
			Device: "127.0.0.1", Peer: "203.0.113.21", PeerPort: "4500", Status: "1"}},
		// An unmapped status: counted by name, state left alone, raw value kept.
		{fixture: "v2c_status_change_unmapped", want: pipeline.Event{Kind: mib.KindNotification, Notification: "hwIPSecTunnelStatusChange",
			Device: "127.0.0.1", Peer: "203.0.113.21", ReasonText: "dpd timeout", Status: "9"}},
		{fixture: "v2c_tunnel_stop_rekey", want: pipeline.Event{Kind: mib.KindTunnelDown, Notification: "hwIPSecTunnelStop",
			Device: "127.0.0.1", Peer: "203.0.113.22", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "Public",
			Reason: "phase2_sa_replace", ReasonText: "phase2 sa replace", SeqNum: "10"}},
		{fixture: "v1_tunnel_stop_invalid_spi", want: pipeline.Event{Kind: mib.KindTunnelDown, Notification: "hwIPSecTunnelStop",
			Device: "fw-hq-01", Peer: "203.0.113.23", Reason: "receive_invalid_spi_notify", ReasonText: "receive invalid spi notify"}},
		{fixture: "v2c_router_ike_sa_fail", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIkeSANegotiationFail",
			Device: "127.0.0.1", Peer: "198.51.100.40", Interface: "Tunnel0/0/1", Vsys: "vrf1", Reason: "unknown",
			PolicyName: "policy1", LocalAddress: "192.0.2.1", IKEVersion: "1"}},
		{fixture: "v2c_router_ipsec_sa_fail", want: pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSECSANegotiationFail",
			Device: "127.0.0.1", Peer: "198.51.100.40", Interface: "Tunnel0/0/1", Vsys: "vrf1", Reason: "unknown",
			PolicyName: "policy1", LocalAddress: "192.0.2.1", IKEVersion: "2", SeqNum: "10"}},
		{fixture: "v2c_router_dpd_fail", want: pipeline.Event{Kind: mib.KindNotification, Notification: "hwIKEDPDProbeFail",
			Device: "127.0.0.1", Peer: "198.51.100.41", Interface: "Tunnel0/0/1", Vsys: "vrf1", ReasonText: "no reply to 5 DPD requests",
			PolicyName: "policy1", LocalAddress: "192.0.2.1", IKEVersion: "2"}},
		{fixture: "v2c_router_pki_whitelist", want: pipeline.Event{Kind: mib.KindNotification, Notification: "hwIPSecPkiWhitelistNegotiationFail",
			Device: "127.0.0.1", Peer: "198.51.100.42", PeerPort: "500", Vsys: "vrf1", Certificate: "CN=branch-42"}},
		{fixture: "v2c_router_session_exhausted", want: pipeline.Event{Kind: mib.KindNotification, Notification: "hwIPsecSessionExhaustAlarm",
			Device: "127.0.0.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			r, rec := newTestReceiver(t, testPolicy())
			drop, err := processFixture(t, r, tt.fixture)
			if drop != tt.drop {
				t.Fatalf("drop reason = %q (err %v), want %q", drop, err, tt.drop)
			}
			if tt.drop != "" {
				if len(rec.events) != 0 {
					t.Fatalf("dropped packet produced events: %+v", rec.events)
				}
				return
			}
			if len(rec.events) != 1 {
				t.Fatalf("got %d events, want 1 (err %v)", len(rec.events), err)
			}
			got := rec.events[0]
			if got.Time.IsZero() {
				t.Error("event has no time")
			}
			got.Time = tt.want.Time
			if got != tt.want {
				t.Errorf("event\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestV3WrongCredentials(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		policy  func(*Policy)
	}{
		{"wrong auth passphrase", "v3_sha256_aes256", func(p *Policy) { p.Users[0].AuthenticationPassphrase = "wrongpass1" }},
		{"wrong priv passphrase", "v3_sha256_aes256", func(p *Policy) { p.Users[0].PrivacyPassphrase = "wrongpass1" }},
		{"unknown user", "v3_md5_des", func(p *Policy) { p.Users = p.Users[:1] }},
		{"no users at all", "v3_sha512_authnopriv", func(p *Policy) { p.Users = nil }},
		{"wrong auth protocol", "v3_sha512_authnopriv", func(p *Policy) { p.Users[2].AuthenticationProtocol = gosnmp.SHA256 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPolicy()
			tt.policy(p)
			r, rec := newTestReceiver(t, p)
			if drop, _ := processFixture(t, r, tt.fixture); drop != DropAuthFailure {
				t.Fatalf("drop = %q, want %q", drop, DropAuthFailure)
			}
			if len(rec.events) != 0 {
				t.Fatalf("events from a refused packet: %+v", rec.events)
			}
		})
	}
}

func TestSeveralCredentialsUnderOneName(t *testing.T) {
	p := testPolicy()
	// A second "noc" whose keys do not match comes first: the matching one
	// must still be found.
	wrong := p.Users[0].Copy().(*gosnmp.UsmSecurityParameters)
	wrong.AuthenticationPassphrase = "otherpass1"
	p.Users = append([]*gosnmp.UsmSecurityParameters{wrong}, p.Users...)
	r, rec := newTestReceiver(t, p)
	if drop, err := processFixture(t, r, "v3_sha256_aes256"); drop != "" {
		t.Fatalf("drop = %q (%v)", drop, err)
	}
	if len(rec.events) != 1 {
		t.Fatalf("got %d events", len(rec.events))
	}
}

func TestTruncationsAreDropped(t *testing.T) {
	for _, fixture := range []string{"v2c_negofail", "v1_negofail", "v3_sha256_aes256"} {
		b, err := os.ReadFile(filepath.Join("testdata", fixture+".bin"))
		if err != nil {
			t.Fatal(err)
		}
		r, rec := newTestReceiver(t, testPolicy())
		state := r.policy.Load()
		snmp, _ := state.policy.newSNMP()
		dec := &workerDecoders{snmp: snmp, discovery: newDiscoverySNMP()}
		for n := 0; n < len(b); n++ {
			d := &datagram{buf: b[:n], src: netip.MustParseAddrPort("127.0.0.1:40000")}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%s cut at %d: panic escaped handle: %v", fixture, n, p)
					}
				}()
				r.handle(d, state, dec)
			}()
		}
		if len(rec.events) != 0 {
			t.Errorf("%s: a truncated packet became an event: %+v", fixture, rec.events[0])
		}
	}
}

// A datagram that finds the decoders' queue full is dropped and counted
// as queue_full, never waited for (the reader must keep draining the
// socket) and never lost silently; what was queued is decoded.
func TestFullQueueIsCountedAsQueueFull(t *testing.T) {
	rec := &recorder{}
	r, err := New(log.NewNopLogger(), Options{QueueSize: 2, Workers: 1}, testPolicy(), NewStats(prometheus.NewRegistry()),
		pipeline.NewFeed(pipeline.NewMetrics(prometheus.NewRegistry(), config.Limits{}), rec))
	if err != nil {
		t.Fatal(err)
	}
	pkt := readFixture(t, "v2c_negofail")
	// No decoder runs yet: the queue takes two, the other three are
	// dropped.
	for range 5 {
		r.enqueue(nil, pkt, netip.MustParseAddrPort("127.0.0.1:40000"))
	}
	if got := testutil.ToFloat64(r.stats.droppedBy[DropQueueFull]); got != 3 {
		t.Errorf("queue_full drops = %v, want 3", got)
	}
	r.Start()
	r.Stop()
	if len(rec.events) != 2 {
		t.Errorf("%d events, want the 2 queued", len(rec.events))
	}
}

// TestStopDrainsTheQueue: on SIGTERM every datagram already queued is
// decoded and counted before Stop returns.
func TestStopDrainsTheQueue(t *testing.T) {
	r, rec := newTestReceiver(t, testPolicy())
	pkt := readFixture(t, "v2c_negofail")
	const queued = 500
	for i := 0; i < queued; i++ {
		r.queue <- &datagram{buf: append([]byte(nil), pkt...), src: netip.MustParseAddrPort("127.0.0.1:40000")}
	}
	r.Start()
	r.Stop()
	if len(rec.events) != queued {
		t.Fatalf("%d of %d queued traps handled before Stop returned", len(rec.events), queued)
	}
}
