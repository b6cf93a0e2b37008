package testenv

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Notification is one trap or inform, said the same way to every SNMP stack
// the tests send with.
type Notification struct {
	Target  string // HOST:PORT
	Version string // "2c" or "3"
	Inform  bool

	Community string // v2c

	// v3. Protocol names are the exporter's config file's: MD5 SHA SHA224
	// SHA256 SHA384 SHA512; DES AES AES192 AES256 AES192C AES256C; empty
	// for none.
	User, Auth, AuthKey, Priv, PrivKey string
	// EngineID, for net-snmp's informs only: skip discovery and localize
	// the keys for this engine ID (0x hex), as a sender with a stale one.
	EngineID string

	TrapOID  string
	Varbinds [][3]string // OID, type (s u i a o, as snmptrap's), value

	// Timeout per try and retries; 0 means 1 second and no retry.
	Timeout time.Duration
	Retries int
}

func (n Notification) timeout() string {
	if n.Timeout == 0 {
		return "1"
	}
	return fmt.Sprint(n.Timeout.Seconds())
}

// netSNMPProtocols are net-snmp's names for the config file's protocols.
// "AES-192-C" and "AES-256-C" are the Reeder key extension; snmpinform
// accepts them though its help does not list them.
var netSNMPProtocols = map[string]string{
	"SHA224": "SHA-224", "SHA256": "SHA-256", "SHA384": "SHA-384", "SHA512": "SHA-512",
	"AES192": "AES-192", "AES256": "AES-256", "AES192C": "AES-192-C", "AES256C": "AES-256-C",
}

func netSNMPName(p string) string {
	if n, ok := netSNMPProtocols[p]; ok {
		return n
	}
	return p
}

// SendNetSNMP sends n with net-snmp's snmptrap or snmpinform. The error
// says why it was not sent or acknowledged.
func SendNetSNMP(n Notification) error {
	cmd := "snmptrap"
	if n.Inform {
		cmd = "snmpinform"
	}
	args := []string{"-On", "-M", "/dev/null", "-t", n.timeout(), "-r", fmt.Sprint(n.Retries), "-v", n.Version}
	if n.Version == "3" {
		level := "noAuthNoPriv"
		switch {
		case n.Auth != "" && n.Priv != "":
			level = "authPriv"
		case n.Auth != "":
			level = "authNoPriv"
		}
		args = append(args, "-u", n.User, "-l", level)
		if n.Auth != "" {
			args = append(args, "-a", netSNMPName(n.Auth), "-A", n.AuthKey)
		}
		if n.Priv != "" {
			args = append(args, "-x", netSNMPName(n.Priv), "-X", n.PrivKey)
		}
		switch {
		case !n.Inform:
			// A v3 trap comes from the sender's own engine.
			args = append(args, "-e", "0x80001f8880aabbccdd")
		case n.EngineID != "":
			args = append(args, "-e", n.EngineID)
		}
	} else {
		args = append(args, "-c", n.Community)
	}
	args = append(args, n.Target, "", n.TrapOID)
	for _, vb := range n.Varbinds {
		args = append(args, vb[0], vb[1], vb[2])
	}
	out, err := RunNetSNMP(60*time.Second, cmd, args...)
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", cmd, strings.Join(args, " "), err, out)
	}
	return nil
}

// stackArgs are the arguments of the pysnmp and npm senders in this
// package's senders/ directory, which take the same ones.
func (n Notification) stackArgs() []string {
	args := []string{"--target", n.Target, "--version", n.Version, "--trap-oid", n.TrapOID,
		"--timeout", n.timeout(), "--retries", fmt.Sprint(n.Retries)}
	if n.Inform {
		args = append(args, "--inform")
	}
	if n.Version == "3" {
		args = append(args, "--user", n.User, "--auth", n.Auth, "--auth-key", n.AuthKey, "--priv", n.Priv, "--priv-key", n.PrivKey)
	} else {
		args = append(args, "--community", n.Community)
	}
	for _, vb := range n.Varbinds {
		args = append(args, "--varbind", vb[0], vb[1], vb[2])
	}
	return args
}

// SendersDir holds the pysnmp and npm sender scripts and the npm lock file.
func SendersDir() string { return filepath.Join(RepoRoot(), "internal", "testenv", "senders") }

// PySNMP is Debian's python3-pysnmp4 (pysnmp 4.4): Debian's interpreter,
// whatever python3 comes first on PATH.
const PySNMP = "/usr/bin/python3"

// SendPySNMP sends n with pysnmp.
func SendPySNMP(n Notification) error {
	return run(PySNMP, append([]string{filepath.Join(SendersDir(), "pysnmp_send.py")}, n.stackArgs()...)...)
}

// SendNPM sends n with the npm net-snmp package. Node's OpenSSL 3 keeps
// DES in its legacy provider, which a DES user needs.
func SendNPM(n Notification) error {
	return run("node", append([]string{"--openssl-legacy-provider", filepath.Join(SendersDir(), "npm_send.js")}, n.stackArgs()...)...)
}

func run(name string, args ...string) error {
	out, err := Run(60*time.Second, name, args...)
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return nil
}

// Relay stands between one SNMP sender and the exporter: it forwards both
// ways, records what the sender sent, and can lose answers, as a network
// would.
type Relay struct {
	Addr string // where the sender sends to

	listen   *net.UDPConn
	upstream *net.UDPConn
	lose     func(answer []byte) bool

	mu       sync.Mutex
	client   *net.UDPAddr
	requests [][]byte
	lost     int
	done     sync.WaitGroup
}

// StartRelay relays to target. lose, if not nil, is asked about every answer
// from target and drops those it returns true for.
func StartRelay(t testing.TB, target string, lose func(answer []byte) bool) *Relay {
	t.Helper()
	listen, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	raddr, err := net.ResolveUDPAddr("udp", target)
	if err != nil {
		t.Fatal(err)
	}
	upstream, err := net.DialUDP("udp", nil, raddr)
	if err != nil {
		t.Fatal(err)
	}
	r := &Relay{Addr: listen.LocalAddr().String(), listen: listen, upstream: upstream, lose: lose}
	r.done.Add(2)
	go r.forward()
	go r.answer()
	t.Cleanup(func() {
		listen.Close()
		upstream.Close()
		r.done.Wait()
	})
	return r
}

func (r *Relay) forward() {
	defer r.done.Done()
	buf := make([]byte, 65535)
	for {
		n, from, err := r.listen.ReadFromUDP(buf)
		if err != nil {
			return
		}
		r.mu.Lock()
		r.client = from
		r.requests = append(r.requests, append([]byte(nil), buf[:n]...))
		r.mu.Unlock()
		if _, err := r.upstream.Write(buf[:n]); err != nil && errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

func (r *Relay) answer() {
	defer r.done.Done()
	buf := make([]byte, 65535)
	for {
		n, err := r.upstream.Read(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // ICMP port unreachable from a stopped target
		}
		r.mu.Lock()
		client := r.client
		lose := r.lose != nil && r.lose(buf[:n])
		if lose {
			r.lost++
		}
		r.mu.Unlock()
		if !lose && client != nil {
			_, _ = r.listen.WriteToUDP(buf[:n], client)
		}
	}
}

// Requests are the datagrams the sender sent, in order.
func (r *Relay) Requests() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.requests...)
}

// Lost is the number of answers the relay dropped.
func (r *Relay) Lost() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lost
}

// Exchange sends b to target from a new socket and returns the answer, or
// nil when none comes within wait.
func Exchange(t testing.TB, target string, b []byte, wait time.Duration) []byte {
	t.Helper()
	conn, err := net.Dial("udp", target)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 65535)
	n, err := conn.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}
