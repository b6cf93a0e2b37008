package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Rsyslog is rsyslogd in the foreground (-n) with a private config file,
// pid file and work directory: a relay that takes syslog on plain TCP at
// InputPort and forwards every message to the exporter over TLS with its
// GnuTLS driver, octet-counted (RFC 5425).
type Rsyslog struct {
	*Process
	InputPort int
}

// StartRsyslogTLSRelay starts the relay forwarding to 127.0.0.1:port. It
// checks the exporter's certificate against pki's CA and name, and
// presents the PKI's client certificate when clientCert is set. It returns
// once the relay accepts input.
func StartRsyslogTLSRelay(t testing.TB, port int, pki *PKI, clientCert bool) *Rsyslog {
	t.Helper()
	Need(t, RsyslogGnuTLS)
	dir := t.TempDir()
	input := FreeTCPPort(t)
	client := ""
	if clientCert {
		client = fmt.Sprintf("\n       DefaultNetstreamDriverCertFile=%q\n       DefaultNetstreamDriverKeyFile=%q", pki.ClientCert, pki.ClientKey)
	}
	conf := fmt.Sprintf(`global(workDirectory=%q
       DefaultNetstreamDriver="gtls"
       DefaultNetstreamDriverCAFile=%q%s)
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="%d")
action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp"
       StreamDriver="gtls" StreamDriverMode="1"
       StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers=%q
       TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
       action.resumeInterval="1" action.resumeRetryCount="-1")
`, dir, pki.CAFile, client, input, port, pki.ServerName)
	file := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("rsyslogd", "-N1", "-f", file).CombinedOutput(); err != nil {
		t.Fatalf("rsyslogd -N1 refuses the config: %v\n%s\n%s", err, out, conf)
	}
	r := &Rsyslog{Process: Start(t, "rsyslogd", "-n", "-f", file, "-i", filepath.Join(dir, "rsyslogd.pid")), InputPort: input}
	// rsyslogd ignores SIGINT, which Start's cleanup sends, outside its
	// debug mode; SIGTERM ends it. Cleanups run last first, so this one
	// runs before Start's.
	t.Cleanup(func() { _ = r.Cmd.Process.Signal(syscall.SIGTERM) })
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", input))
		if err == nil {
			c.Close()
			return r
		}
		if r.Exited() || time.Now().After(deadline) {
			t.Fatalf("rsyslogd does not accept input on port %d: %v\n%s", input, err, r.Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// OpenSSLClient sends lines (LF-framed) to 127.0.0.1:port over TLS with
// openssl s_client, checking the server against pki's CA and name and
// presenting certFile (none when empty), and returns s_client's output.
// s_client ends at the end of its input; a handshake the server refuses
// makes it fail, which is returned, not fatal.
func OpenSSLClient(t testing.TB, port int, pki *PKI, certFile, keyFile string, lines ...string) (string, error) {
	t.Helper()
	Need(t, "openssl")
	args := []string{"s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", port), "-CAfile", pki.CAFile,
		"-servername", pki.ServerName, "-verify_hostname", pki.ServerName, "-verify_return_error", "-quiet", "-no_ign_eof"}
	if certFile != "" {
		args = append(args, "-cert", certFile, "-key", keyFile)
	}
	cmd := exec.Command("openssl", args...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("openssl s_client did not end within 30s:\n%s", out)
	}
	return string(out), err
}
