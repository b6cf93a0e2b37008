package e2e_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// tlsExporter starts an exporter with a TLS syslog listener and the PKI's
// server certificate; mutual adds client_ca_file. It returns the exporter,
// the TLS port and the config file (for reload tests to rewrite).
func tlsExporter(t *testing.T, pki *testenv.PKI, mutual bool, args ...string) (*testenv.Exporter, int, string) {
	t.Helper()
	port := testenv.FreeTCPPort(t)
	cfg := testenv.WriteFile(t, "config.yml", tlsConfig(pki.ServerCert, pki.ServerKey, pki, mutual))
	args = append([]string{fmt.Sprintf("--syslog.tls-listen-address=127.0.0.1:%d", port), "--config.file=" + cfg}, args...)
	return testenv.StartExporter(t, args...), port, cfg
}

func tlsConfig(cert, key string, pki *testenv.PKI, mutual bool) string {
	s := fmt.Sprintf("syslog:\n  tls:\n    cert_file: %s\n    key_file: %s\n", cert, key)
	if mutual {
		s += "    client_ca_file: " + pki.CAFile + "\n"
	}
	return s
}

// TestEndToEndSyslogTLSRsyslog: rsyslog with its GnuTLS driver, as the
// relay in front of a site's firewalls, forwards a tunnel's story to the
// exporter over mutual TLS, octet-counted (RFC 5425); every line becomes
// the event its trap would.
func TestEndToEndSyslogTLSRsyslog(t *testing.T) {
	testenv.Need(t, "logger", testenv.RsyslogGnuTLS)
	pki := testenv.NewPKI(t, "exporter.test")
	e, port, _ := tlsExporter(t, pki, true)
	relay := testenv.StartRsyslogTLSRelay(t, port, pki, true)

	_, logs := tunnelStory("203.0.113.50")
	testenv.Logger(t, relay.InputPort, []string{"--tcp", "--rfc3164"}, logs...)
	e.WaitValue(t, "ipsec_syslog_messages_parsed_total", nil, float64(len(logs)))

	m := e.Scrape(t)
	peer := map[string]string{"device": "127.0.0.1", "peer": "203.0.113.50"}
	for _, c := range []struct {
		metric string
		labels map[string]string
		value  float64
	}{
		{"ipsec_syslog_messages_received_total", map[string]string{"transport": "tls"}, float64(len(logs))},
		{"ipsec_syslog_messages_dropped_total", nil, 0},
		{"ipsec_syslog_tls_handshake_failures_total", nil, 0},
		{"ipsec_negotiation_failures_total", failures("127.0.0.1", "203.0.113.50", "GigabitEthernet0/0/1", "public", "responder_dh_mismatch", "6"), 1},
		{"ipsec_negotiation_successes_total", peer, 2},
		{"ipsec_tunnel_state_changes_total", with(with(peer, "state", "down"), "reason", "dpd_timeout"), 1},
		{"ipsec_tunnel_state_changes_total", with(with(peer, "state", "down"), "reason", "peer_request"), 1},
	} {
		if got := testenv.MustValue(t, m, c.metric, c.labels); got != c.value {
			t.Errorf("%s%v = %v, want %v", c.metric, c.labels, got, c.value)
		}
	}
}

// TestEndToEndSyslogTLSOpenSSL: openssl s_client sends Huawei lines over
// mutual TLS; a client with a certificate of another CA, and one with no
// certificate, are refused in the handshake and counted, and what they
// send is never read.
func TestEndToEndSyslogTLSOpenSSL(t *testing.T) {
	testenv.Need(t, "openssl")
	pki := testenv.NewPKI(t, "exporter.test")
	e, port, _ := tlsExporter(t, pki, true)
	lines := []string{
		"<188>2026-11-29 05:01:16.345+08:00 NE8000 %%01IPSEC/4/IPSECNEGOFAIL (t):VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.122.26.6.14;" +
			"IPSec tunnel negotiation fails. (Ifindex=5, SeqNum=10, Reason=authentication fail, ReasonCode=15, PeerAddress=203.0.113.61, PeerPort=500)",
		"<189>1234567.890123 USG6000 %%01IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN(l):Vsys public:An IPSec tunnel is teared down. " +
			"(PolicyName=map1, DstIP=203.0.113.61, OfflineReason=dpd timeout, State=Normal)",
	}
	if out, err := testenv.OpenSSLClient(t, port, pki, pki.ClientCert, pki.ClientKey, lines...); err != nil {
		t.Fatalf("openssl s_client with the right certificate: %v\n%s", err, out)
	}
	e.WaitValue(t, "ipsec_syslog_messages_parsed_total", nil, 2)
	e.WaitValue(t, "ipsec_negotiation_failures_total", map[string]string{"peer": "203.0.113.61", "reason": "authentication_fail", "reason_code": "15"}, 1)
	e.WaitValue(t, "ipsec_tunnel_state_changes_total", map[string]string{"peer": "203.0.113.61", "state": "down", "reason": "dpd_timeout"}, 1)

	out, _ := testenv.OpenSSLClient(t, port, pki, pki.RogueCert, pki.RogueKey, lines...)
	e.WaitValue(t, "ipsec_syslog_tls_handshake_failures_total", map[string]string{"reason": "client_certificate"}, 1)
	t.Logf("s_client with another CA's certificate:\n%s", out)
	out, _ = testenv.OpenSSLClient(t, port, pki, "", "", lines...)
	e.WaitValue(t, "ipsec_syslog_tls_handshake_failures_total", map[string]string{"reason": "client_certificate"}, 2)
	t.Logf("s_client without a certificate:\n%s", out)

	m := e.Scrape(t)
	if got := testenv.MustValue(t, m, "ipsec_syslog_messages_received_total", map[string]string{"transport": "tls"}); got != 2 {
		t.Errorf("received{tls} = %v, want 2: a refused client's lines were read", got)
	}
	if got := testenv.MustValue(t, m, "ipsec_syslog_tcp_connections", nil); got != 0 {
		t.Errorf("%v connections still open", got)
	}
}

// servedCommonName completes a handshake with the exporter and returns the
// common name of the certificate it served.
func servedCommonName(t *testing.T, pki *testenv.PKI, port int) string {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", fmt.Sprintf("127.0.0.1:%d", port),
		&tls.Config{RootCAs: pki.CAPool, ServerName: pki.ServerName})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].Subject.CommonName
}

// TestEndToEndSyslogTLSReload: SIGHUP re-reads the certificate files, so a
// renewed certificate is served to the next connection; a config that
// drops syslog.tls while TLS listens is refused and the old certificate
// stays.
func TestEndToEndSyslogTLSReload(t *testing.T) {
	testenv.Need(t)
	pki := testenv.NewPKI(t, "exporter.test")
	e, port, cfg := tlsExporter(t, pki, false)
	if cn := servedCommonName(t, pki, port); cn != "exporter.test" {
		t.Fatalf("served %q", cn)
	}
	// Renewal in place: new files under the configured names.
	cert, key := pki.IssueServer(t, "renewed", "renewed.exporter.test")
	for from, to := range map[string]string{cert: pki.ServerCert, key: pki.ServerKey} {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	e.WaitValue(t, "ipsec_trap_exporter_config_reloads_total", map[string]string{"result": "success"}, 1)
	if cn := servedCommonName(t, pki, port); cn != "renewed.exporter.test" {
		t.Errorf("after the reload served %q, want the renewed certificate", cn)
	}

	if err := os.WriteFile(cfg, []byte("syslog:\n  dedup_window: 5s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := e.Cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	e.WaitValue(t, "ipsec_trap_exporter_config_reloads_total", map[string]string{"result": "failure"}, 1)
	// The reload is counted before the signal loop logs its error.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(e.Output(), "needs syslog.tls"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the refused reload does not say why:\n%s", e.Output())
		}
	}
	if cn := servedCommonName(t, pki, port); cn != "renewed.exporter.test" {
		t.Errorf("after the refused reload served %q", cn)
	}
}

// TestEndToEndSyslogTLSUnderAbuse holds 1,000 idle TLS connections open,
// with a client sending garbage, one that never starts its handshake and
// one that stalls in the middle of it, and checks that /metrics keeps
// answering within the README's bounds (checkAbuseLatency), that an idle
// connection costs what the README says, that the bad clients are counted
// and closed, and that a message on one of the idle connections still
// counts.
func TestEndToEndSyslogTLSUnderAbuse(t *testing.T) {
	testenv.Need(t)
	const idle = 1000
	pki := testenv.NewPKI(t, "exporter.test")
	e, port, _ := tlsExporter(t, pki, false, "--syslog.max-connections=1100", "--syslog.tls-handshake-timeout=2s")
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	rssBefore := testenv.MustValue(t, e.Scrape(t), "process_resident_memory_bytes", nil)
	quiet := scrapeLatencies(t, e.WebURL+"/metrics", 10)
	t.Logf("/metrics without TLS connections: %s", quiet)

	conns := openIdleTLS(t, pki, addr, idle)
	e.WaitValue(t, "ipsec_syslog_tcp_connections", nil, idle)

	garbage := dialRaw(t, addr)
	if _, err := io.WriteString(garbage, strings.Repeat("\x00garbage\xff", 100)); err != nil {
		t.Fatal(err)
	}
	silent := dialRaw(t, addr)
	stalled := dialRaw(t, addr)
	if _, err := stalled.Write([]byte{0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); err != nil { // a ClientHello's first bytes
		t.Fatal(err)
	}
	_ = silent

	abused := scrapeLatencies(t, e.WebURL+"/metrics", 10)
	t.Logf("/metrics with %d idle TLS connections and 3 bad clients: %s", idle, abused)
	checkAbuseLatency(t, "with the bad clients", quiet, abused)

	e.WaitValue(t, "ipsec_syslog_tls_handshake_failures_total", map[string]string{"reason": "timeout"}, 2)
	e.WaitValue(t, "ipsec_syslog_tls_handshake_failures_total", map[string]string{"reason": "protocol"}, 1)
	e.WaitValue(t, "ipsec_syslog_tcp_connections", nil, idle)

	if _, err := io.WriteString(conns[idle/2], "<188>Nov 29 2026 05:01:16 USG6000 %%01IPSEC/4/IPSECNEGOFAIL(t)[3]:x (ReasonCode=6, PeerAddress=203.0.113.70)\n"); err != nil {
		t.Fatal(err)
	}
	e.WaitValue(t, "ipsec_syslog_messages_parsed_total", nil, 1)
	m := e.Scrape(t)
	rss := testenv.MustValue(t, m, "process_resident_memory_bytes", nil)
	goroutines := testenv.MustValue(t, m, "go_goroutines", nil)
	t.Logf("with %d idle TLS connections: resident memory %.1f MiB (%.1f MiB before), %v goroutines", idle, rss/(1<<20), rssBefore/(1<<20), goroutines)
	if perConn := (rss - rssBefore) / idle; perConn > idleTLSBytesPerConn {
		t.Errorf("%.0f KiB of resident memory per idle TLS connection, want at most %d KiB", perConn/1024, idleTLSBytesPerConn>>10)
	}
	after := scrapeLatencies(t, e.WebURL+"/metrics", 10)
	t.Logf("/metrics after the bad clients were closed: %s", after)
	checkAbuseLatency(t, "after the bad clients", quiet, after)
}

// openIdleTLS completes n TLS handshakes, 50 at a time, and leaves the
// connections open and silent; they are closed when the test ends.
func openIdleTLS(t *testing.T, pki *testenv.PKI, addr string, n int) []*tls.Conn {
	t.Helper()
	conns := make([]*tls.Conn, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr,
				&tls.Config{RootCAs: pki.CAPool, ServerName: pki.ServerName})
			if err != nil {
				errs <- err
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	close(errs)
	for err := range errs {
		t.Fatalf("opening %d TLS connections: %v", n, err)
	}
	return conns
}

func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// scrapeLatencies GETs url n times with a 5-second client timeout, fails
// the test on any error or non-200 answer, and returns the latencies:
// median and maximum.
// latencies are n scrape times of one endpoint, sorted.
type latencies []time.Duration

func (l latencies) median() time.Duration { return l[len(l)/2] }
func (l latencies) max() time.Duration    { return l[len(l)-1] }
func (l latencies) String() string {
	return fmt.Sprintf("%d scrapes, median %v, max %v", len(l), l.median().Round(time.Microsecond), l.max().Round(time.Microsecond))
}

func scrapeLatencies(t *testing.T, url string, n int) latencies {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	var took latencies
	for i := 0; i < n; i++ {
		start := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			t.Fatalf("/metrics did not answer within the client's 5s: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/metrics answered %s", resp.Status)
		}
		took = append(took, time.Since(start))
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	return took
}

// The README's figures, as bounds a loaded CI machine still meets: the
// scrape under abuse at most 10 times the idle exporter's median (and never
// held to less than 20 ms), no scrape slower than a second, and an idle
// TLS connection's memory at most 200 KiB (the README says about 60 KiB).
const (
	abuseSlowdown       = 10
	abuseMedianFloor    = 20 * time.Millisecond
	abuseMaxScrape      = time.Second
	idleTLSBytesPerConn = 200 << 10
)

func checkAbuseLatency(t *testing.T, when string, idle, got latencies) {
	t.Helper()
	bound := max(abuseSlowdown*idle.median(), abuseMedianFloor)
	if got.median() > bound {
		t.Errorf("%s: /metrics median %v, want at most %v (10 times the idle exporter's %v)", when, got.median(), bound, idle.median())
	}
	if got.max() > abuseMaxScrape {
		t.Errorf("%s: slowest /metrics %v, want under %v", when, got.max(), abuseMaxScrape)
	}
}
