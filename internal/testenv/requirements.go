package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// What an end-to-end test can need besides a command on PATH; Need takes
// these names next to commands.
const (
	// SNMPStacks: pysnmp (Debian's python3-pysnmp4) and the npm net-snmp
	// package with node, the two SNMP stacks the inform tests send with
	// besides net-snmp.
	SNMPStacks = "pysnmp and npm net-snmp"
	// PySNMPStack: pysnmp alone, for a test that sends with net-snmp and
	// pysnmp only.
	PySNMPStack = "pysnmp"
	// RsyslogGnuTLS: rsyslogd and its GnuTLS network stream driver (Debian
	// package rsyslog-gnutls), the syslog-over-TLS relay.
	RsyslogGnuTLS = "rsyslogd with GnuTLS"
	// CppJsonnet: the C++ jsonnet on PATH (Debian's), not go-jsonnet's
	// command, which shares its name.
	CppJsonnet = "C++ jsonnet"
	// Root: the test installs packages or runs rootful podman, as CI does
	// (CI runs the suite as root).
	Root = "root"
)

var namedRequirements = map[string]func() error{
	SNMPStacks:    haveSNMPStacks,
	PySNMPStack:   havePySNMP,
	RsyslogGnuTLS: haveRsyslogGnuTLS,
	CppJsonnet:    haveCppJsonnet,
	Root:          haveRoot,
}

const installHint = "run the README's test command (scripts/test.sh), which installs it"

func haveSNMPStacks() error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node not found: %s", installHint)
	}
	if err := havePySNMP(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(SendersDir(), "node_modules", "net-snmp")); err != nil {
		return fmt.Errorf("npm net-snmp not installed: run scripts/test.sh, or npm ci in %s", SendersDir())
	}
	return nil
}

func havePySNMP() error {
	if out, err := Run(30*time.Second, PySNMP, "-c", "import pysnmp.hlapi"); err != nil {
		return fmt.Errorf("pysnmp not found (%v: %s): %s (python3-pysnmp4)", err, strings.TrimSpace(out), installHint)
	}
	return nil
}

func haveRsyslogGnuTLS() error {
	if _, err := exec.LookPath("rsyslogd"); err != nil {
		return fmt.Errorf("rsyslogd not found: %s", installHint)
	}
	drivers, _ := filepath.Glob("/usr/lib/*/rsyslog/lmnsd_gtls.so")
	more, _ := filepath.Glob("/usr/lib/rsyslog/lmnsd_gtls.so")
	if len(drivers)+len(more) == 0 {
		return fmt.Errorf("rsyslog's GnuTLS driver (lmnsd_gtls.so) not found: %s (rsyslog-gnutls)", installHint)
	}
	return nil
}

func haveCppJsonnet() error {
	if _, err := exec.LookPath("jsonnet"); err != nil {
		return fmt.Errorf("jsonnet not found: %s", installHint)
	}
	if v, err := Run(time.Minute, "jsonnet", "--version"); err != nil || strings.Contains(v, "Go implementation") {
		return fmt.Errorf("jsonnet on PATH is not the C++ implementation (%v): %s; install Debian's jsonnet (scripts/test.sh does)", err, strings.TrimSpace(v))
	}
	return nil
}

func haveRoot() error {
	if os.Geteuid() != 0 {
		return errors.New("the test must run as root (CI runs the suite as root)")
	}
	return nil
}
