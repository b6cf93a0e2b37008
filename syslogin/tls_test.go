package syslogin

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

const serverName = "exporter.test"

// tlsPolicy loads the PKI's server certificate, and its CA for client
// certificates when mutual is set.
func tlsPolicy(t *testing.T, pki *testenv.PKI, certFile, keyFile string, mutual bool) *TLS {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	p := &TLS{Certificate: cert}
	if mutual {
		p.ClientCAs = pki.CAPool
	}
	return p
}

// startTLSServer starts a server with one TLS listener besides UDP and TCP.
func startTLSServer(t *testing.T, opts Options, pki *testenv.PKI, mutual bool) (*testServer, string) {
	t.Helper()
	opts.TLSListenAddresses = []string{"127.0.0.1:0"}
	ts := startServer(t, opts, &Policy{TLS: tlsPolicy(t, pki, pki.ServerCert, pki.ServerKey, mutual)})
	return ts, ts.TLSAddrs()[0].String()
}

// dialTLS completes a handshake as a client that trusts the PKI's CA and
// presents certFile (none when empty).
func dialTLS(t *testing.T, pki *testenv.PKI, addr, certFile, keyFile string) (*tls.Conn, error) {
	t.Helper()
	cfg := &tls.Config{RootCAs: pki.CAPool, ServerName: serverName}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

func (ts *testServer) tlsFailures() map[string]float64 {
	out := map[string]float64{}
	for r, c := range ts.self.tlsFailed {
		if v := testutil.ToFloat64(c); v != 0 {
			out[r] = v
		}
	}
	return out
}

func (ts *testServer) waitTLSFailures(t *testing.T, want map[string]float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for fmt.Sprint(ts.tlsFailures()) != fmt.Sprint(want) {
		if time.Now().After(deadline) {
			t.Fatalf("TLS handshake failures = %v, want %v", ts.tlsFailures(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestTLS(t *testing.T) {
	pki := testenv.NewPKI(t, serverName)
	ts, addr := startTLSServer(t, Options{}, pki, false)
	c, err := dialTLS(t, pki, addr, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// RFC 5425 frames are octet-counted; newline framing works too.
	if _, err := fmt.Fprintf(c, "%d %s%s\n%s\n", len(rfc5424Fail), rfc5424Fail, huaweiStart, notHuawei); err != nil {
		t.Fatal(err)
	}
	ts.waitHandled(t, 3)
	ts.wantDrops(t, map[pipeline.DropReason]float64{DropNotHuawei: 1})
	if got := testutil.ToFloat64(ts.self.receivedBy[TransportTLS]); got != 3 {
		t.Errorf("received{tls} = %v, want 3", got)
	}
	if events := ts.rec.all(); len(events) != 2 || events[0].Peer != "203.0.113.9" || events[1].Peer != "203.0.113.20" {
		t.Errorf("events = %+v", events)
	}
	if len(ts.tlsFailures()) != 0 {
		t.Errorf("TLS handshake failures = %v", ts.tlsFailures())
	}
}

func TestTLSMutual(t *testing.T) {
	pki := testenv.NewPKI(t, serverName)
	ts, addr := startTLSServer(t, Options{}, pki, true)

	c, err := dialTLS(t, pki, addr, pki.ClientCert, pki.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, rfc3164Fail+"\n"); err != nil {
		t.Fatal(err)
	}
	ts.waitHandled(t, 1)
	c.Close()

	// A certificate of another CA, and none at all: refused in the
	// handshake, counted, and nothing they send is read.
	for _, client := range [][2]string{{pki.RogueCert, pki.RogueKey}, {"", ""}} {
		c, err := dialTLS(t, pki, addr, client[0], client[1])
		if err == nil {
			// TLS 1.3: the client's side completes before the server has
			// checked its certificate; the server's refusal comes next.
			_, _ = io.WriteString(c, rfc3164Fail+"\n")
			closedByServerTLS(t, c)
		}
	}
	ts.waitTLSFailures(t, map[string]float64{TLSFailClientCertificate: 2})
	ts.waitConns(t, 0)
	if received, parsed, _ := ts.counts(); received != 1 || parsed != 1 {
		t.Errorf("received %v, parsed %v: the refused clients' messages were read", received, parsed)
	}
}

// closedByServerTLS waits until the server ends the TLS connection c.
func closedByServerTLS(t *testing.T, c *tls.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("read succeeded: the server should have closed the connection")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server did not close the connection")
	}
}

func TestTLSHandshakeTimeoutAndGarbage(t *testing.T) {
	t.Parallel() // waits on timeouts and for answers that do not come: overlap them
	pki := testenv.NewPKI(t, serverName)
	ts, addr := startTLSServer(t, Options{TLSHandshakeTimeout: 100 * time.Millisecond}, pki, false)

	silent, err := net.Dial("tcp", addr) // connects, never says a word
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	closedByServer(t, silent)

	garbage, err := net.Dial("tcp", addr) // plain syslog on the TLS port
	if err != nil {
		t.Fatal(err)
	}
	defer garbage.Close()
	if _, err := io.WriteString(garbage, rfc3164Fail+"\n"); err != nil {
		t.Fatal(err)
	}
	_ = garbage.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.Copy(io.Discard, garbage) // the server's alert, then the end

	// A client that starts the handshake and stalls in the middle of it.
	half, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if _, err := half.Write([]byte{0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); err != nil { // a ClientHello's first bytes
		t.Fatal(err)
	}
	closedByServer(t, half)

	ts.waitTLSFailures(t, map[string]float64{TLSFailTimeout: 2, TLSFailProtocol: 1})
	ts.waitConns(t, 0)
	if received, _, _ := ts.counts(); received != 0 {
		t.Errorf("received %v messages from clients that never completed a handshake", received)
	}
}

// TestTLSSharesTCPLimits: TLS connections count against the same
// connection limit as TCP, and are closed after the same idle timeout.
func TestTLSSharesTCPLimits(t *testing.T) {
	t.Parallel() // waits on timeouts and for answers that do not come: overlap them
	pki := testenv.NewPKI(t, serverName)
	ts, addr := startTLSServer(t, Options{MaxConnections: 1, IdleTimeout: 300 * time.Millisecond}, pki, false)
	c, err := dialTLS(t, pki, addr, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ts.waitConns(t, 1)
	tcp, err := net.Dial("tcp", ts.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	closedByServer(t, tcp)
	if got := testutil.ToFloat64(ts.self.connsRefused[RefusedLimit]); got != 1 {
		t.Errorf("refused{limit} = %v, want 1", got)
	}
	closedByServerTLS(t, c) // idle
	ts.waitConns(t, 0)
	if len(ts.tlsFailures()) != 0 {
		t.Errorf("an idle connection was counted as a handshake failure: %v", ts.tlsFailures())
	}
}

// TestTLSReload: a new policy's certificate is served to the next
// connection, and a policy without one is refused while TLS listens.
func TestTLSReload(t *testing.T) {
	pki := testenv.NewPKI(t, serverName)
	ts, addr := startTLSServer(t, Options{}, pki, false)
	served := func() string {
		c, err := dialTLS(t, pki, addr, "", "")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if cn := served(); cn != serverName {
		t.Fatalf("served %q", cn)
	}
	cert, key := pki.IssueServer(t, "renewed", "renewed.exporter.test")
	p := &Policy{TLS: tlsPolicy(t, pki, cert, key, false)}
	if err := ts.checkPolicy(p); err != nil {
		t.Fatal(err)
	}
	ts.SetPolicy(p)
	if cn := served(); cn != "renewed.exporter.test" {
		t.Errorf("after the reload served %q", cn)
	}
	if err := ts.CheckConfig(config.Default()); err == nil || !strings.Contains(err.Error(), "syslog.tls") {
		t.Errorf("CheckConfig without syslog.tls = %v", err)
	}
	if err := ts.Reload(config.Default()); err == nil {
		t.Error("Reload without syslog.tls succeeded")
	}
	if cn := served(); cn != "renewed.exporter.test" {
		t.Errorf("after the refused reload served %q", cn)
	}
}

func TestTLSNeedsACertificate(t *testing.T) {
	_, err := New(log.NewNopLogger(), Options{TLSListenAddresses: []string{"127.0.0.1:0"}}, &Policy{}, prometheus.NewRegistry(), pipeline.NewFeed())
	if err == nil || !strings.Contains(err.Error(), "needs syslog.tls") {
		t.Errorf("err = %v", err)
	}
}
