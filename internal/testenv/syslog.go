package testenv

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

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
