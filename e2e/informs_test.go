package e2e_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/gosnmp/gosnmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// informsEngineID is the exporter's engine ID in these tests (informsConfig).
const informsEngineID = "\x80\x00\x1f\x88\x80\x01\x02\x03\x04\xaa"

// informsConfig has a user for each protocol pair the stacks are tried
// with. AES-256's two key extensions differ only when the auth digest is
// shorter than the AES key, so both AES-256 users authenticate with SHA-1.
const informsConfig = `
communities: [public]
users:
  - {username: sha, auth_protocol: SHA, auth_passphrase: authpass123, priv_protocol: AES, priv_passphrase: privpass123}
  - {username: sha256, auth_protocol: SHA256, auth_passphrase: authpass123, priv_protocol: AES, priv_passphrase: privpass123}
  - {username: sha512, auth_protocol: SHA512, auth_passphrase: authpass123, priv_protocol: AES, priv_passphrase: privpass123}
  - {username: blumenthal, auth_protocol: SHA, auth_passphrase: authpass123, priv_protocol: AES256, priv_passphrase: privpass123}
  - {username: reeder, auth_protocol: SHA, auth_passphrase: authpass123, priv_protocol: AES256C, priv_passphrase: privpass123}
  - {username: legacy, auth_protocol: MD5, auth_passphrase: authpass123, priv_protocol: DES, priv_passphrase: privpass123}
  - {username: audit, auth_protocol: SHA512, auth_passphrase: authpass123}
engine_id: "0x80001f888001020304aa"
`

type v3User struct{ name, auth, priv string }

var informUsers = []v3User{
	{"sha", "SHA", "AES"},
	{"sha256", "SHA256", "AES"},
	{"sha512", "SHA512", "AES"},
	{"blumenthal", "SHA", "AES256"},
	{"reeder", "SHA", "AES256C"},
	{"legacy", "MD5", "DES"},
	{"audit", "SHA512", ""},
}

// stacks are the SNMP implementations that play the device.
var stacks = []struct {
	name string
	send func(testenv.Notification) error
}{
	{"net-snmp", testenv.SendNetSNMP},
	{"pysnmp", testenv.SendPySNMP},
	{"npm-net-snmp", testenv.SendNPM},
}

// negoFail is a negotiation failure for peer: every accepted notification in
// these tests has its own peer, so that its series shows it was counted
// exactly once. A sender that gets no answer in time tries again, as a
// device would; the exporter must count such a retry once.
func negoFail(target, peer string) testenv.Notification {
	return testenv.Notification{Target: target, TrapOID: fw + ".6.14", Timeout: 3 * time.Second, Retries: 2,
		Varbinds: [][3]string{{fw + ".5.11.0", "u", "1"}, {fw + ".5.7.0", "s", peer}}}
}

func (u v3User) on(n testenv.Notification) testenv.Notification {
	n.Version, n.User, n.Auth, n.AuthKey = "3", u.name, u.auth, "authpass123"
	if u.priv != "" {
		n.Priv, n.PrivKey = u.priv, "privpass123"
	}
	return n
}

func v2c(n testenv.Notification, community string) testenv.Notification {
	n.Version, n.Community = "2c", community
	return n
}

func inform(n testenv.Notification) testenv.Notification { n.Inform = true; return n }

// refused is a notification the exporter must not accept: one try, short.
func refused(n testenv.Notification) testenv.Notification {
	n.Timeout, n.Retries = time.Second, 0
	return n
}

// TestEndToEndInformsThreeStacks: v2c and v3 traps and informs from
// net-snmp, pysnmp and npm net-snmp, in every protocol pair, are counted
// once and informs acknowledged; wrong keys are refused and counted.
func TestEndToEndInformsThreeStacks(t *testing.T) {
	testenv.Need(t, "snmptrap", "snmpinform", testenv.SNMPStacks)
	e := testenv.StartExporter(t, "--config.file="+testenv.WriteFile(t, "config.yml", informsConfig))

	var accepted []string // peers, one series each
	informs := 0
	peer := 0
	next := func() string { peer++; return fmt.Sprintf("198.51.100.%d", peer) }
	for _, stack := range stacks {
		ok := func(what string, n testenv.Notification) {
			t.Helper()
			if err := stack.send(n); err != nil {
				t.Errorf("%s %s: %v", stack.name, what, err)
				return
			}
			accepted = append(accepted, n.Varbinds[1][2])
			if n.Inform {
				informs++
			}
		}
		ok("v2c trap", v2c(negoFail(e.TrapAddr, next()), "public"))
		ok("v2c inform", inform(v2c(negoFail(e.TrapAddr, next()), "public")))
		ok("v3 trap", informUsers[1].on(negoFail(e.TrapAddr, next())))
		for _, u := range informUsers {
			ok("v3 inform "+u.name, inform(u.on(negoFail(e.TrapAddr, next()))))
		}

		bad := func(what string, n testenv.Notification) {
			t.Helper()
			if err := stack.send(refused(n)); err == nil {
				t.Errorf("%s %s: acknowledged", stack.name, what)
			}
		}
		wrongAuth := informUsers[0].on(negoFail(e.TrapAddr, next()))
		wrongAuth.AuthKey = "wrongpass99"
		bad("v3 inform, wrong auth key", inform(wrongAuth))
		wrongPriv := informUsers[4].on(negoFail(e.TrapAddr, next()))
		wrongPriv.PrivKey = "wrongpass99"
		bad("v3 inform, wrong privacy key", inform(wrongPriv))
		bad("v2c inform, wrong community", inform(v2c(negoFail(e.TrapAddr, next()), "wrong")))
	}
	// A sender that kept an old engine ID gets the unknownEngineIDs report.
	stale := inform(informUsers[1].on(negoFail(e.TrapAddr, next())))
	stale.EngineID = "0x80001f8880aabbccdd"
	if err := testenv.SendNetSNMP(refused(stale)); err == nil {
		t.Error("inform for another engine ID acknowledged")
	}

	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "auth_failure"}, 2*float64(len(stacks)))
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "unknown_community"}, float64(len(stacks)))
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "unknown_engine_id"}, 1)
	e.WaitValue(t, "ipsec_negotiation_failures_total", nil, float64(len(accepted)))
	m := e.Scrape(t)
	for _, p := range accepted {
		if got := testenv.MustValue(t, m, "ipsec_negotiation_failures_total", map[string]string{"peer": p}); got != 1 {
			t.Errorf("peer %s counted %v times, want 1", p, got)
		}
	}
	if got := testenv.MustValue(t, m, "ipsec_negotiation_failures_total", nil); got != float64(len(accepted)) {
		t.Errorf("%v failures counted, want %d", got, len(accepted))
	}
	waitAcknowledged(t, e, informs)
	for _, reason := range []string{"not_in_time_window", "malformed", "unsupported_pdu"} {
		if got := testenv.MustValue(t, m, "ipsec_trap_packets_dropped_total", map[string]string{"reason": reason}); got != 0 {
			t.Errorf("%v packets dropped as %s, want none", got, reason)
		}
	}
	if testenv.SeriesCount(m, "ipsec_negotiation_failures_total") != len(accepted) {
		t.Errorf("%d failure series, want %d: a refused packet made one", testenv.SeriesCount(m, "ipsec_negotiation_failures_total"), len(accepted))
	}
}

// decodeAnswer decodes what the exporter sent back, as the sender would:
// authenticated and decrypted with the test users' keys, or, for the
// Reports that go without credentials, as it is.
func decodeAnswer(b []byte) (*gosnmp.SnmpPacket, error) {
	table := gosnmp.NewSnmpV3SecurityParametersTable(gosnmp.Logger{})
	for _, u := range informUsers {
		p := &gosnmp.UsmSecurityParameters{UserName: u.name, AuthenticationProtocol: authProtocols[u.auth], AuthenticationPassphrase: "authpass123"}
		if u.priv != "" {
			p.PrivacyProtocol, p.PrivacyPassphrase = privProtocols[u.priv], "privpass123"
		}
		if err := table.Add(u.name, p); err != nil {
			return nil, err
		}
	}
	x := &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel}
	x.SetTrapSecurityParametersTable(table)
	pkt, err := x.UnmarshalTrap(append([]byte(nil), b...), true)
	if err == nil {
		return pkt, nil
	}
	x = &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "anyone"}}
	return x.SnmpDecodePacket(append([]byte(nil), b...))
}

var authProtocols = map[string]gosnmp.SnmpV3AuthProtocol{"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA256": gosnmp.SHA256, "SHA512": gosnmp.SHA512}
var privProtocols = map[string]gosnmp.SnmpV3PrivProtocol{"DES": gosnmp.DES, "AES": gosnmp.AES, "AES256": gosnmp.AES256, "AES256C": gosnmp.AES256C}

// isReport tells the engine discovery and time synchronisation Reports from
// the inform's response.
func isReport(b []byte) bool {
	pkt, err := decodeAnswer(b)
	return err == nil && pkt.PDUType == gosnmp.Report
}

// loseFirstResponse loses the first answer that is not a Report: the
// inform's response, so that the sender retransmits the inform.
func loseFirstResponse() func([]byte) bool {
	lost := false
	return func(b []byte) bool {
		if lost || isReport(b) {
			return false
		}
		lost = true
		return true
	}
}

// TestEndToEndInformRetransmitted: when an inform's response is lost, each
// stack sends the inform again; it is answered again and counted once.
func TestEndToEndInformRetransmitted(t *testing.T) {
	testenv.Need(t, "snmpinform", testenv.SNMPStacks)
	e := testenv.StartExporter(t, "--config.file="+testenv.WriteFile(t, "config.yml", informsConfig))
	peer := 0
	var duplicates float64
	for _, stack := range stacks {
		for _, version := range []string{"2c", "3"} {
			relay := testenv.StartRelay(t, e.TrapAddr, loseFirstResponse())
			peer++
			n := inform(negoFail(relay.Addr, fmt.Sprintf("198.51.100.%d", peer)))
			if version == "2c" {
				n = v2c(n, "public")
			} else {
				n = informUsers[3].on(n)
			}
			n.Timeout, n.Retries = 2*time.Second, 3
			if err := stack.send(n); err != nil {
				t.Errorf("%s v%s: %v", stack.name, version, err)
				continue
			}
			if relay.Lost() != 1 {
				t.Errorf("%s v%s: the relay lost %d responses, want 1", stack.name, version, relay.Lost())
			}
			// At least the one retransmission the lost response caused; more
			// if a loaded machine made the sender time out again.
			duplicates = waitAtLeast(t, e, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "duplicate_inform"}, duplicates+1)
			if got := testenv.MustValue(t, e.Scrape(t), "ipsec_negotiation_failures_total", map[string]string{"peer": n.Varbinds[1][2]}); got != 1 {
				t.Errorf("%s v%s: counted %v times, want once", stack.name, version, got)
			}
		}
	}
	waitAcknowledged(t, e, peer)
}

// waitAcknowledged checks that each of informs was answered once, and each
// of its retransmissions again. A retransmission a slow answer caused may
// still be queued when its sender is done, so it waits for the two counts
// to agree.
func waitAcknowledged(t *testing.T, e *testenv.Exporter, informs int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var acked, retries float64
	for time.Now().Before(deadline) {
		m := e.Scrape(t)
		acked = testenv.MustValue(t, m, "ipsec_trap_informs_acknowledged_total", nil)
		retries = testenv.MustValue(t, m, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "duplicate_inform"})
		if acked == float64(informs)+retries {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%v informs acknowledged, want %d + %v retransmissions", acked, informs, retries)
}

// waitAtLeast polls /metrics until metric{labels} reaches min, and returns
// its value.
func waitAtLeast(t *testing.T, e *testenv.Exporter, metric string, labels map[string]string, min float64) float64 {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got float64
	for time.Now().Before(deadline) {
		if got, _ = testenv.Value(e.Scrape(t), metric, labels); got >= min {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s%v = %v, want at least %v", metric, labels, got, min)
	return got
}

// receiver runs the trap input in this process, for what the binary cannot
// do yet: start with another engine boots.
type receiver struct {
	r    *trapin.Input
	stop sync.Once
	reg  *prometheus.Registry
}

// Stop stops the receiver once, whether the test or its cleanup asks.
func (r *receiver) Stop() { r.stop.Do(r.r.Stop) }

func startReceiver(t *testing.T, addr string, boots uint32) *receiver {
	t.Helper()
	policy := &trapin.Policy{EngineID: informsEngineID, Users: []*gosnmp.UsmSecurityParameters{
		{UserName: "sha256", AuthenticationProtocol: gosnmp.SHA256, AuthenticationPassphrase: "authpass123",
			PrivacyProtocol: gosnmp.AES, PrivacyPassphrase: "privpass123"},
	}}
	reg := prometheus.NewRegistry()
	r, err := trapin.New(log.NewNopLogger(), trapin.Options{ListenAddresses: []string{addr}, EngineBoots: boots},
		policy, trapin.NewStats(reg), pipeline.NewFeed(pipeline.NewMetrics(reg, config.Limits{})))
	if err != nil {
		t.Fatal(err)
	}
	r.Start()
	rc := &receiver{r: r, reg: reg}
	t.Cleanup(rc.Stop)
	return rc
}

func (r *receiver) families(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	got, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*dto.MetricFamily{}
	for _, f := range got {
		m[f.GetName()] = f
	}
	return m
}

// waitValue waits for the workers, which decode asynchronously.
func (r *receiver) waitValue(t *testing.T, metric string, labels map[string]string, want float64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got float64
	var present bool
	for time.Now().Before(deadline) {
		// An absent series is not a 0.
		if got, present = testenv.Value(r.families(t), metric, labels); present && got == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s%v = %v (present %v), want %v", metric, labels, got, present, want)
}

// TestEndToEndInformReplay records an authenticated inform on the wire and
// replays it: on the running exporter inside the time window it is answered
// but not counted again; after a restart (engine boots + 1) it is refused
// with the notInTimeWindow report. (Past the 150 s window on a running
// exporter: TestReplay in trapin, with a clock it steps.)
func TestEndToEndInformReplay(t *testing.T) {
	testenv.Need(t, "snmpinform", testenv.SNMPStacks)
	user := v3User{"sha256", "SHA256", "AES"}
	for i, stack := range stacks {
		t.Run(stack.name, func(t *testing.T) {
			addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreeUDPPort(t))
			first := startReceiver(t, addr, 1)
			relay := testenv.StartRelay(t, addr, nil)
			peer := fmt.Sprintf("198.51.100.%d", i+1)
			if err := stack.send(inform(user.on(negoFail(relay.Addr, peer)))); err != nil {
				t.Fatal(err)
			}
			sent := relay.Requests()
			if len(sent) < 2 {
				t.Fatalf("%d datagrams recorded, want discovery and the inform", len(sent))
			}
			captured := sent[len(sent)-1]
			failures := map[string]string{"peer": peer}
			first.waitValue(t, "ipsec_negotiation_failures_total", failures, 1)

			// Inside the window, from another socket: answered as a
			// retransmission would be, not counted again.
			if answer := testenv.Exchange(t, addr, captured, 10*time.Second); answer == nil {
				t.Fatal("replay inside the window: no answer")
			}
			first.waitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "duplicate_inform"}, 1)
			first.waitValue(t, "ipsec_negotiation_failures_total", failures, 1)

			// The exporter restarts: one more boot, its clock from 0 again.
			first.Stop()
			second := startReceiver(t, addr, 2)
			answer := testenv.Exchange(t, addr, captured, 10*time.Second)
			if answer == nil {
				t.Fatal("replay after a restart: no report")
			}
			// Signed with the user's key (RFC 3414 3.2.7), so the sender can
			// trust the boots and time in it.
			report, err := decodeAnswer(answer)
			if err != nil || report.PDUType != gosnmp.Report || len(report.Variables) != 1 ||
				report.Variables[0].Name != ".1.3.6.1.6.3.15.1.1.2.0" {
				t.Fatalf("replay after a restart: answer %v %+v, want the usmStatsNotInTimeWindows report", err, report)
			}
			if usm := report.SecurityParameters.(*gosnmp.UsmSecurityParameters); usm.AuthoritativeEngineBoots != 2 {
				t.Errorf("report says boots %d, want 2", usm.AuthoritativeEngineBoots)
			}
			second.waitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "not_in_time_window"}, 1)
			if got, ok := testenv.Value(second.families(t), "ipsec_negotiation_failures_total", nil); ok && got != 0 {
				t.Errorf("the replay was counted after the restart: %v", got)
			}
		})
	}
}
