package testenv

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FreeUDPTCPPort returns a port that is free on 127.0.0.1 for both UDP and
// TCP right now, as a syslog listener needs.
func FreeUDPTCPPort(t testing.TB) int {
	t.Helper()
	for i := 0; i < 50; i++ {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		c.Close()
		if err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no port free on both UDP and TCP")
	return 0
}

// Logger sends lines with util-linux logger(1) to 127.0.0.1:port, one
// message per line, in one invocation (so one TCP connection), with the
// transport and format options given (--udp or --tcp, --rfc3164 or
// --rfc5424, --octet-count), and fails the test if logger does.
func Logger(t testing.TB, port int, options []string, lines ...string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "lines")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--server", "127.0.0.1", "--port", strconv.Itoa(port)}, options...)
	args = append(args, "-f", file)
	if out, err := Run(30*time.Second, "logger", args...); err != nil {
		t.Fatalf("logger %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
