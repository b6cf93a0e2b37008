package testenv

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Free ports, held for the test. A port found by binding port 0 and
// closing is free only until someone else binds it, and with the packages'
// tests running in parallel (separate processes) and every outgoing
// connection taking an ephemeral port, someone else might, between the
// check and the start of the server the test hands it to. So the ports
// handed out here are:
//
//   - below the kernel's ephemeral range (net.ipv4.ip_local_port_range), so
//     that neither bind(0) nor connect() ever picks one of them; and
//   - reserved for the test that asked, across processes, by an flock(2) on
//     a file named after the port, released when the test ends (or its
//     process dies: the kernel drops the lock), so that no other test of
//     any package is handed the same port meanwhile.
//
// What is left is software outside the tests listening on the port, which
// the bind check before handing it out sees.

// portLocks is where the per-port lock files live, shared by every test
// process of the machine.
var portLocks = filepath.Join(os.TempDir(), "ipsec_trap_exporter-test-ports")

// portRange is where ports are handed out from: [low, high).
func portRange() (low, high int) {
	high = 32768 // Linux's default ephemeral range starts here
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				high = n
			}
		}
	}
	low = 10000
	if high-low < 2000 {
		// An ephemeral range that starts very low: use the ports above it
		// instead.
		low, high = 61000, 65000
	}
	return low, high
}

// reservePort returns a port of portRange that no other test holds and
// that binds on 127.0.0.1 for each of the networks ("tcp", "udp") now; the
// test holds it until it ends.
func reservePort(t testing.TB, networks ...string) int {
	t.Helper()
	if err := os.MkdirAll(portLocks, 0o1777); err != nil {
		t.Fatalf("port locks: %v", err)
	}
	_ = os.Chmod(portLocks, 0o1777) // every user's tests share it
	low, high := portRange()
	for range 500 {
		port := low + rand.IntN(high-low)
		lock, ok := lockPort(port)
		if !ok {
			continue
		}
		if bindable(port, networks) {
			t.Cleanup(func() { lock.Close() })
			return port
		}
		lock.Close()
	}
	t.Fatalf("no free port in [%d, %d) after 500 tries", low, high)
	return 0
}

// lockPort takes the port's lock without waiting; false when another test
// holds it.
func lockPort(port int) (*os.File, bool) {
	f, err := os.OpenFile(filepath.Join(portLocks, strconv.Itoa(port)), os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, false
	}
	return f, true
}

func bindable(port int, networks []string) bool {
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for _, n := range networks {
		switch n {
		case "tcp":
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return false
			}
			l.Close()
		case "udp":
			c, err := net.ListenPacket("udp", addr)
			if err != nil {
				return false
			}
			c.Close()
		}
	}
	return true
}

// FreeTCPPort returns a TCP port on 127.0.0.1 held for the test (see
// above): nothing listens on it, and no other test is handed it.
func FreeTCPPort(t testing.TB) int {
	t.Helper()
	return reservePort(t, "tcp")
}

// FreeUDPPort returns a UDP port on 127.0.0.1 held for the test.
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	return reservePort(t, "udp")
}

// FreeUDPTCPPort returns a port free on 127.0.0.1 for both UDP and TCP,
// held for the test, as a syslog listener needs.
func FreeUDPTCPPort(t testing.TB) int {
	t.Helper()
	return reservePort(t, "udp", "tcp")
}
