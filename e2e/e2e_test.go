package e2e_test

import (
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// e2eConfig accepts two communities and three v3 users of different
// strengths, names one device, and fixes the engine ID informs need.
const e2eConfig = `
communities: [public, s3cret]
users:
  - username: noc
    auth_protocol: SHA256
    auth_passphrase: authpass123
    priv_protocol: AES256
    priv_passphrase: privpass123
  - username: legacy
    auth_protocol: MD5
    auth_passphrase: authpass123
    priv_protocol: DES
    priv_passphrase: privpass123
  - username: audit
    auth_protocol: SHA512
    auth_passphrase: authpass123
engine_id: "0x80001f888001020304aa"
devices:
  10.1.1.1: fw-hq-01
`

// TestEndToEndSnmptrap sends every trap shape with net-snmp's snmptrap as
// the device and checks the exact series on /metrics.
func TestEndToEndSnmptrap(t *testing.T) {
	testenv.Need(t, "snmptrap", "snmpinform")
	e := testenv.StartExporter(t, "--config.file="+testenv.WriteFile(t, "config.yml", e2eConfig))
	T := e.TrapAddr
	full := []string{fw + ".5.2.0", "u", "3", fw + ".5.1.0", "u", "10", fw + ".5.10.0", "s", "phase1 proposal mismatch",
		fw + ".5.11.0", "u", "1", fw + ".5.7.0", "s", "203.0.113.9", fw + ".5.9.0", "u", "500",
		fw + ".5.13.0", "s", "Public", fw + ".5.14.0", "s", "GigabitEthernet0/0/1"}

	// Every shape of IPSECNEGOFAIL, v1 and v2c.
	e.TrapV2c(t, "public", append([]string{fw + ".6.14"}, full...)...)
	testenv.SNMPTrap(t, append([]string{"-v", "1", "-c", "s3cret", T, fw + ".6", "10.1.1.1", "6", "14", ""}, full...)...)
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "15")                                                                                                    // missing fields
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "i", "7", fw+".5.9.0", "c", "4500", fw+".5.7.0", "s", "203.0.113.10", fw+".5.14.0", "s", "Tunnel1")           // odd integer types
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11", "u", "2", fw+".5.7", "s", "203.0.113.11", fw+".5.14", "s", "Gi0/0/2", fw+".5.13", "s", "vsys1")                 // no .0
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.14.0", "s", "Gi0/0/3", "1.3.6.1.2.1.1.5.0", "s", "fw-01", fw+".5.7.0", "s", "203.0.113.12", fw+".5.11.0", "u", "36") // reordered, extra
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "99", fw+".5.7.0", "s", "203.0.113.13")                                                                  // unknown code
	e.TrapV2c(t, "public", fw+".6.14", "1.3.6.1.6.3.18.1.3.0", "a", "192.0.2.50", fw+".5.11.0", "u", "4", fw+".5.7.0", "s", "203.0.113.14")                        // proxied
	e.TrapV2c(t, "public", "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.2", "i", "2")                                                                               // not IPSec
	e.TrapV2c(t, "wrong", append([]string{fw + ".6.14"}, full...)...)                                                                                              // forged community

	// A few hundred in a row.
	const burst = 300
	for i := 0; i < burst; i++ {
		e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "17", fw+".5.7.0", "s", "203.0.113.50", fw+".5.14.0", "s", "GigabitEthernet0/0/9")
	}

	// SNMPv3 traps: counted with the right keys, refused with wrong ones.
	v3 := func(args ...string) {
		testenv.SNMPTrap(t, append(append([]string{"-v", "3", "-e", "0x80001f8880aabbccdd"}, args...),
			T, "", fw+".6.14", fw+".5.11.0", "u", "41", fw+".5.7.0", "s", "203.0.113.60")...)
	}
	v3("-u", "noc", "-l", "authPriv", "-a", "SHA-256", "-A", "authpass123", "-x", "AES-256", "-X", "privpass123")
	v3("-u", "legacy", "-l", "authPriv", "-a", "MD5", "-A", "authpass123", "-x", "DES", "-X", "privpass123")
	v3("-u", "audit", "-l", "authNoPriv", "-a", "SHA-512", "-A", "authpass123")
	v3("-u", "noc", "-l", "authPriv", "-a", "SHA-256", "-A", "wrongpass99", "-x", "AES-256", "-X", "privpass123") // wrong passphrase
	v3("-u", "intruder", "-l", "authNoPriv", "-a", "SHA-256", "-A", "authpass123")                                // unknown user
	v3("-u", "noc", "-l", "noAuthNoPriv")                                                                         // no auth for a user that needs it

	// Informs: acknowledged only when the credentials check out.
	inform := func(args ...string) error {
		all := append([]string{"-On", "-M", "/dev/null", "-t", "1", "-r", "0"}, args...)
		all = append(all, T, "", fw+".6.14", fw+".5.11.0", "u", "42", fw+".5.7.0", "s", "203.0.113.70")
		out, err := testenv.Run(30*time.Second, "snmpinform", all...)
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	if err := inform("-v", "2c", "-c", "public"); err != nil {
		t.Errorf("v2c inform not acknowledged: %v", err)
	}
	if err := inform("-v", "3", "-u", "noc", "-l", "authPriv", "-a", "SHA-256", "-A", "authpass123", "-x", "AES-256", "-X", "privpass123"); err != nil {
		t.Errorf("v3 inform not acknowledged: %v", err)
	}
	if err := inform("-v", "2c", "-c", "wrong"); err == nil {
		t.Error("v2c inform with a wrong community was acknowledged")
	}
	if err := inform("-v", "3", "-u", "noc", "-l", "authPriv", "-a", "SHA-256", "-A", "wrongpass99", "-x", "AES-256", "-X", "privpass123"); err == nil {
		t.Error("v3 inform with a wrong passphrase was acknowledged")
	}

	const local = "127.0.0.1"
	e.WaitValue(t, "ipsec_negotiation_failures_total", failures(local, "203.0.113.50", "GigabitEthernet0/0/9", "", "rekey_fail", "17"), burst)
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "auth_failure"}, 4) // 3 v3 traps + 1 v3 inform
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "unknown_community"}, 2)

	m := e.Scrape(t)
	want := []struct {
		metric string
		labels map[string]string
		value  float64
	}{
		{"ipsec_negotiation_failures_total", failures(local, "203.0.113.9", "GigabitEthernet0/0/1", "Public", "phase1_proposal_mismatch", "1"), 1},
		{"ipsec_negotiation_failures_total", failures("fw-hq-01", "203.0.113.9", "GigabitEthernet0/0/1", "Public", "phase1_proposal_mismatch", "1"), 1},
		{"ipsec_negotiation_failures_total", failures(local, "", "", "", "authentication_fail", "15"), 1},
		{"ipsec_negotiation_failures_total", failures(local, "203.0.113.10", "Tunnel1", "", "initiator_dh_mismatch", "7"), 1},
		{"ipsec_negotiation_failures_total", failures(local, "203.0.113.11", "Gi0/0/2", "vsys1", "phase2_proposal_or_pfs_mismatch", "2"), 1},
		{"ipsec_negotiation_failures_total", failures(local, "203.0.113.12", "Gi0/0/3", "", "route_limit", "36"), 1},
		{"ipsec_negotiation_failures_total", failures(local, "203.0.113.13", "", "", "unknown", "99"), 1},
		{"ipsec_negotiation_failures_total", failures("192.0.2.50", "203.0.113.14", "", "", "flow_or_peer_mismatch", "4"), 1},
		{"ipsec_negotiation_failures_total", failures(local, "203.0.113.60", "", "", "ipsec_tunnel_number_reaches_limitation", "41"), 3},
		{"ipsec_negotiation_failures_total", failures(local, "203.0.113.70", "", "", "dynamic_peers_number_reaches_limitation", "42"), 2},
		{"ipsec_notifications_total", map[string]string{"notification": "hwIPSecNegoFail"}, 8 + burst + 3 + 2},
		{"ipsec_notifications_total", map[string]string{"notification": "other"}, 1},
		{"ipsec_trap_packets_received_total", map[string]string{"version": "v1"}, 1},
		{"ipsec_trap_packets_received_total", map[string]string{"version": "v2c"}, 9 + burst + 2},
		{"ipsec_trap_informs_acknowledged_total", nil, 2},
		{"ipsec_trap_engine_discovery_reports_total", nil, 2},
	}
	for _, w := range want {
		if got := testenv.MustValue(t, m, w.metric, w.labels); got != w.value {
			t.Errorf("%s%v = %v, want %v", w.metric, w.labels, got, w.value)
		}
	}
	if n := testenv.SeriesCount(m, "ipsec_negotiation_failures_total"); n != 11 {
		t.Errorf("%d failure series, want 11 (nothing from refused packets)", n)
	}
}

// TestEndToEndTunnelLifecycle follows a tunnel through both MIB families.
func TestEndToEndTunnelLifecycle(t *testing.T) {
	testenv.Need(t, "snmptrap")
	e := testenv.StartExporter(t)
	peer := map[string]string{"device": "127.0.0.1", "peer": "203.0.113.20"}
	e.TrapV2c(t, "public", fw+".6.1", fw+".2.1.5.3.7", "s", "203.0.113.20", fw+".2.1.7.3.7", "u", "500")
	e.WaitValue(t, "ipsec_tunnel_up", peer, 1)
	e.TrapV2c(t, "public", fw+".6.2", fw+".2.1.5.3.7", "s", "203.0.113.20", fw+".5.12.0", "s", "dpd timeout")
	e.WaitValue(t, "ipsec_tunnel_up", peer, 0)
	e.WaitValue(t, "ipsec_tunnel_state_changes_total", map[string]string{"device": "127.0.0.1", "peer": "203.0.113.20", "state": "down", "reason": "dpd_timeout"}, 1)
	e.TrapV2c(t, "public", fw+".6.1", fw+".2.1.5.3.7", "s", "203.0.113.20")
	e.WaitValue(t, "ipsec_tunnel_up", peer, 1)
	e.WaitValue(t, "ipsec_negotiation_successes_total", peer, 2)

	router := map[string]string{"device": "127.0.0.1", "peer": "198.51.100.30"}
	e.TrapV2c(t, "public", rt+".2.1.1", rt+".1.19.3.0", "s", "Gi0/0/4", rt+".1.19.5.0", "a", "198.51.100.30")
	e.WaitValue(t, "ipsec_tunnel_up", router, 1)
	e.TrapV2c(t, "public", rt+".2.1.2", rt+".1.19.3.0", "s", "Gi0/0/4", rt+".1.19.5.0", "a", "198.51.100.30")
	e.WaitValue(t, "ipsec_tunnel_up", router, 0)
	e.TrapV2c(t, "public", rt+".2.1.57", rt+".1.19.49.0", "s", "phase2 proposal or pfs mismatch", rt+".1.19.5.0", "s", "198.51.100.31", rt+".1.19.3.0", "s", "Gi0/0/5")
	e.WaitValue(t, "ipsec_negotiation_failures_total", failures("127.0.0.1", "198.51.100.31", "Gi0/0/5", "", "phase2_proposal_or_pfs_mismatch", "2"), 1)
	e.TrapV2c(t, "public", rt+".2.1.57", rt+".1.19.49.0", "s", "a reason nobody catalogued", rt+".1.19.5.0", "s", "198.51.100.32")
	e.WaitValue(t, "ipsec_negotiation_failures_total", failures("127.0.0.1", "198.51.100.32", "", "", "unknown", ""), 1)
	// The free text is not a label, but /events shows it as sent.
	resp, err := http.Get(e.WebURL + "/api/v1/events?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"reason_text": "a reason nobody catalogued"`) || !strings.Contains(string(body), `"peer": "198.51.100.32"`) {
		t.Errorf("/api/v1/events does not show the last failure with its text:\n%s", body)
	}
	// .58 clears .57: counted by name, not a success (the tunnel's up is).
	e.TrapV2c(t, "public", rt+".2.1.58", rt+".1.19.5.0", "s", "198.51.100.31")
	e.WaitValue(t, "ipsec_device_notifications_total", map[string]string{"device": "127.0.0.1", "notification": "hwIPSecNegotiationSuccess"}, 1)
	if _, ok := testenv.Value(e.Scrape(t), "ipsec_negotiation_successes_total", map[string]string{"device": "127.0.0.1", "peer": "198.51.100.31"}); ok {
		t.Error("hwIPSecNegotiationSuccess counted as a success")
	}
	e.TrapV2c(t, "public", fw+".6.9")
	e.WaitValue(t, "ipsec_notifications_total", map[string]string{"notification": "hwIPSecTunnelReachMax"}, 1)
}

// TestEndToEndHostileInput sends what anyone can send to UDP 162 and checks
// that each packet is counted under a drop reason and the exporter lives.
func TestEndToEndHostileInput(t *testing.T) {
	testenv.Need(t, "snmpget")
	e := testenv.StartExporter(t)
	conn, err := net.Dial("udp", e.TrapAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	valid, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "trapin", "testdata", "v2c_negofail.bin"))
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	send := func(b []byte) {
		if _, err := conn.Write(b); err != nil {
			t.Fatal(err)
		}
		sent++
		if sent%100 == 0 {
			// Pace a little so the test measures decoding, not the loopback
			// buffer.
			e.WaitValue(t, "ipsec_trap_packets_dropped_total", nil, float64(sent))
		}
	}
	for i := 0; i < 200; i++ {
		b := make([]byte, 1+i*7%900)
		_, _ = rand.Read(b)
		b[0] = 0x30 // looks like a SEQUENCE, to get past the first byte
		send(b)
	}
	for n := 1; n < len(valid); n++ {
		send(valid[:n])
	}
	big := make([]byte, 65000)
	copy(big, valid)
	send(big)
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", nil, float64(sent))

	if out, err := testenv.Run(10*time.Second, "snmpget", "-v", "2c", "-c", "public", "-t", "1", "-r", "0", e.TrapAddr, "1.3.6.1.2.1.1.1.0"); err == nil {
		t.Errorf("snmpget to the trap port got an answer: %s", out)
	}
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "unsupported_pdu"}, 1)

	m := e.Scrape(t)
	if n := testenv.SeriesCount(m, "ipsec_negotiation_failures_total"); n != 0 {
		t.Errorf("hostile input created %d failure series", n)
	}
	if e.Exited() {
		t.Fatal("exporter died")
	}
	// Still working: a real trap after all that is counted.
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "1")
	e.WaitValue(t, "ipsec_negotiation_failures_total", map[string]string{"reason_code": "1"}, 1)
}

// TestEndToEndSourceAllowList refuses a sender outside allowed_sources
// before decoding.
func TestEndToEndSourceAllowList(t *testing.T) {
	testenv.Need(t, "snmptrap")
	e := testenv.StartExporter(t, "--config.file="+testenv.WriteFile(t, "config.yml", "allowed_sources: [192.0.2.0/24]\n"))
	e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "1")
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "source_not_allowed"}, 1)
	if got := testenv.MustValue(t, e.Scrape(t), "ipsec_trap_packets_received_total", nil); got != 0 {
		t.Errorf("a refused source's packet was decoded: received = %v", got)
	}
}

// TestEndToEndSendSubcommand is the README demo: the exporter's own sender.
func TestEndToEndSendSubcommand(t *testing.T) {
	testenv.Need(t)
	e := testenv.StartExporter(t)
	out, err := testenv.Run(30*time.Second, testenv.Binary(t), "send", "--target", e.TrapAddr,
		"--reason-code", "6", "--peer", "198.51.100.1", "--peers", "5", "--count", "50", "--rate", "1000")
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	e.WaitValue(t, "ipsec_negotiation_failures_total", map[string]string{"reason": "responder_dh_mismatch"}, 50)
	if n := testenv.SeriesCount(e.Scrape(t), "ipsec_negotiation_failures_total"); n != 5 {
		t.Errorf("%d series, want one per peer (5)", n)
	}
	for _, v := range []string{"v1", "v2c"} {
		out, err := testenv.Run(30*time.Second, testenv.Binary(t), "send", "--target", e.TrapAddr, "--snmp-version", v, "--reason-code", "3")
		if err != nil {
			t.Fatalf("send --snmp-version %s: %v\n%s", v, err, out)
		}
	}
	out, err = testenv.Run(30*time.Second, testenv.Binary(t), "send", "--target", e.TrapAddr, "--inform", "--reason-code", "3")
	if err != nil {
		t.Fatalf("send --inform: %v\n%s", err, out)
	}
	e.WaitValue(t, "ipsec_negotiation_failures_total", map[string]string{"reason": "encapsulation_mode_mismatch"}, 3)
}

// TestEndToEndPortErrors: a port in use says which; a privileged port
// without the right says how to get it.
func TestEndToEndPortErrors(t *testing.T) {
	testenv.Need(t)
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.LocalAddr().String()
	out, err := testenv.Run(30*time.Second, testenv.Binary(t), "--trap.listen-address="+addr,
		"--web.listen-address=127.0.0.1:"+strconv.Itoa(testenv.FreeTCPPort(t)), "--storage.path="+t.TempDir())
	if err == nil || !strings.Contains(out, addr) || !strings.Contains(out, "already in use") {
		t.Errorf("port in use: err %v, output:\n%s", err, out)
	}

	// No state: nobody may not write the test's temporary directory. As
	// root (CI), the exporter runs as nobody without capabilities, to see
	// what a user sees.
	name, args := testenv.Unprivileged(t, testenv.Reachable(t, testenv.Binary(t)),
		"--trap.listen-address=127.0.0.1:162", "--web.listen-address=127.0.0.1:"+strconv.Itoa(testenv.FreeTCPPort(t)), "--storage.path=")
	out, err = testenv.Run(30*time.Second, name, args...)
	if err == nil || !strings.Contains(out, "CAP_NET_BIND_SERVICE") {
		t.Errorf("privileged port: err %v, output:\n%s", err, out)
	}
}

// TestEndToEndWebAuth serves /metrics over TLS with basic auth through
// exporter-toolkit's --web.config.file.
func TestEndToEndWebAuth(t *testing.T) {
	testenv.Need(t)
	pki := testenv.NewPKI(t, "exporter.test")
	hash, err := bcrypt.GenerateFromPassword([]byte("scrape-secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	webConfig := testenv.WriteFile(t, "web.yml", fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  prometheus: %s\n", pki.ServerCert, pki.ServerKey, hash))

	trapPort, webPort := testenv.FreeUDPPort(t), testenv.FreeTCPPort(t)
	p := testenv.Start(t, testenv.Binary(t), fmt.Sprintf("--trap.listen-address=127.0.0.1:%d", trapPort),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", webPort), "--web.config.file="+webConfig, "--storage.path="+t.TempDir())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.CAPool}}, Timeout: 5 * time.Second}
	url := fmt.Sprintf("https://127.0.0.1:%d/metrics", webPort)

	deadline := time.Now().Add(30 * time.Second)
	var resp *http.Response
	for {
		resp, err = client.Get(url)
		if err == nil || time.Now().After(deadline) || p.Exited() {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("TLS endpoint never answered: %v\n%s", err, p.Output())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", resp.StatusCode)
	}
	for _, tc := range []struct {
		user, pass string
		want       int
	}{{"prometheus", "wrong", http.StatusUnauthorized}, {"prometheus", "scrape-secret", http.StatusOK}} {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.SetBasicAuth(tc.user, tc.pass)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s/%s: %d, want %d", tc.user, tc.pass, resp.StatusCode, tc.want)
		}
		if tc.want == http.StatusOK && !strings.Contains(string(body), "ipsec_trap_packets_received_total") {
			t.Error("authenticated scrape has no exporter metrics")
		}
	}
	// Plain HTTP to the TLS port must not serve metrics.
	if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", webPort)); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("metrics served over plain HTTP")
		}
	}
}

// TestEndToEndReload changes the config under a running exporter: a good
// file takes effect without losing counters, a bad one is refused and the
// old one stays.
func TestEndToEndReload(t *testing.T) {
	testenv.Need(t, "snmptrap")
	cfg := testenv.WriteFile(t, "config.yml", "communities: [first]\n")
	e := testenv.StartExporter(t, "--config.file="+cfg, "--web.enable-lifecycle")
	trap := func(community string) {
		e.TrapV2c(t, community, fw+".6.14", fw+".5.11.0", "u", "1")
	}
	trap("first")
	e.WaitValue(t, "ipsec_negotiation_failures_total", nil, 1)

	if err := os.WriteFile(cfg, []byte("communities: [second]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(e.WebURL+"/-/reload", "", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reload: %v %v", err, resp)
	}
	resp.Body.Close()
	trap("first") // no longer accepted
	trap("second")
	e.WaitValue(t, "ipsec_negotiation_failures_total", nil, 2)
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "unknown_community"}, 1)

	if err := os.WriteFile(cfg, []byte("communities: [third]\nbogus_key: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := e.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	e.WaitValue(t, "ipsec_trap_exporter_config_last_reload_successful", nil, 0)
	e.WaitValue(t, "ipsec_trap_exporter_config_reloads_total", map[string]string{"result": "failure"}, 1)
	trap("second") // the old config is still in force
	e.WaitValue(t, "ipsec_negotiation_failures_total", nil, 3)
	if !strings.Contains(e.Output(), "line 2: field bogus_key not found") {
		t.Errorf("the refused reload was not logged with its line:\n%s", e.Output())
	}
}

// TestEndToEndReloadNeedsLifecycle: without --web.enable-lifecycle, POST
// /-/reload is refused and changes nothing, while SIGHUP still reloads.
func TestEndToEndReloadNeedsLifecycle(t *testing.T) {
	testenv.Need(t, "snmptrap")
	cfg := testenv.WriteFile(t, "config.yml", "communities: [first]\n")
	e := testenv.StartExporter(t, "--config.file="+cfg)
	if err := os.WriteFile(cfg, []byte("communities: [second]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(e.WebURL+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "--web.enable-lifecycle") {
		t.Fatalf("POST /-/reload without --web.enable-lifecycle: %d %s", resp.StatusCode, body)
	}
	e.WaitValue(t, "ipsec_trap_exporter_config_reloads_total", map[string]string{"result": "success"}, 0)

	if err := e.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	e.WaitValue(t, "ipsec_trap_exporter_config_reloads_total", map[string]string{"result": "success"}, 1)
	e.TrapV2c(t, "second", fw+".6.14", fw+".5.11.0", "u", "1")
	e.WaitValue(t, "ipsec_negotiation_failures_total", nil, 1)
}

// TestEndToEndSpoofedPeerFlood: distinct peers beyond limits.max_series are
// dropped and counted, and the series stay at the limit.
func TestEndToEndSpoofedPeerFlood(t *testing.T) {
	testenv.Need(t)
	e := testenv.StartExporter(t, "--config.file="+testenv.WriteFile(t, "config.yml", "limits:\n  max_series: 100\n"))
	const flood = 2000
	out, err := testenv.Run(60*time.Second, testenv.Binary(t), "send", "--target", e.TrapAddr,
		"--peer", "10.200.0.1", "--peers", strconv.Itoa(flood), "--count", strconv.Itoa(flood), "--rate", "20000")
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	e.WaitValue(t, "ipsec_trap_packets_received_total", nil, flood)
	m := e.Scrape(t)
	if n := testenv.SeriesCount(m, "ipsec_negotiation_failures_total"); n != 100 {
		t.Errorf("%d failure series, want the limit (100)", n)
	}
	if got := testenv.MustValue(t, m, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "series_limit"}); got != flood-100 {
		t.Errorf("series_limit drops = %v, want %d", got, flood-100)
	}
	if got := testenv.MustValue(t, m, "ipsec_trap_exporter_series", map[string]string{"metric": "ipsec_negotiation_failures_total"}); got != 100 {
		t.Errorf("ipsec_trap_exporter_series = %v", got)
	}
}

// A trap that finds the decoders' queue full is dropped as queue_full, not
// lost: with a queue of one, the exporter frozen (SIGSTOP) while 2000 traps
// wait in its receive buffer, the reader, thawed, reads them in batches
// faster than any decoder takes them. Every trap sent is received or
// counted as dropped.
func TestEndToEndQueueFullCounted(t *testing.T) {
	testenv.Need(t)
	e := testenv.StartExporter(t, "--trap.queue-size=1")
	received, overflow, queueFull := floodFrozen(t, e)
	if queueFull == 0 {
		t.Errorf("no queue_full drop with a queue of one and %d traps waiting (received %v, socket_overflow %v)", flood, received, overflow)
	}
	t.Logf("sent %d: received %v, queue_full %v, socket_overflow %v", flood, received, queueFull, overflow)
}

// flood is how many traps floodFrozen sends.
const flood = 2000

// floodFrozen sends flood traps to e while it is frozen (SIGSTOP), thaws it,
// and returns how they were counted once every one is: received, dropped
// as socket_overflow or as queue_full, nothing lost silently. Every
// received trap is a counted failure.
func floodFrozen(t *testing.T, e *testenv.Exporter) (received, overflow, queueFull float64) {
	t.Helper()
	if err := e.Cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	out, err := testenv.Run(60*time.Second, testenv.Binary(t), "send", "--target", e.TrapAddr,
		"--peer", "10.0.0.1", "--peers", "100", "--count", strconv.Itoa(flood))
	if cerr := e.Cmd.Process.Signal(syscall.SIGCONT); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		m := e.Scrape(t)
		received = testenv.MustValue(t, m, "ipsec_trap_packets_received_total", nil)
		overflow = testenv.MustValue(t, m, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "socket_overflow"})
		queueFull = testenv.MustValue(t, m, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "queue_full"})
		if received+overflow+queueFull == flood {
			break
		}
	}
	if received+overflow+queueFull != flood {
		t.Fatalf("received %v + socket_overflow %v + queue_full %v != sent %d: traps lost silently", received, overflow, queueFull, flood)
	}
	if got := testenv.MustValue(t, e.Scrape(t), "ipsec_negotiation_failures_total", nil); got != received {
		t.Errorf("%v failures counted, %v received", got, received)
	}
	return received, overflow, queueFull
}

// TestEndToEndSocketOverflowCounted: datagrams the kernel drops because the
// exporter did not read them in time must show as socket_overflow, so that
// every sent trap is accounted for. The exporter is frozen (SIGSTOP) with
// the smallest receive buffer while the traps arrive, so the overflow is
// certain rather than a race.
func TestEndToEndSocketOverflowCounted(t *testing.T) {
	testenv.Need(t)
	e := testenv.StartExporter(t, "--udp.receive-buffer=1")
	if _, overflow, _ := floodFrozen(t, e); overflow < flood/2 {
		t.Errorf("a frozen exporter with the smallest buffer overflowed only %v of %d", overflow, flood)
	}
}
