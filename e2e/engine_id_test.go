package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// Without engine_id, with v3 users, the exporter derives its engine ID from
// the host name and logs it (README): the engine discovery Report carries
// the logged ID, in RFC 3411 format 5 under enterprise 8072, and a restart
// keeps it (with one more boot), so that devices configured with it need
// not learn it again.
func TestEndToEndEngineIDFromTheHostName(t *testing.T) {
	testenv.Need(t)
	probe, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "trapin", "testdata", "v3_discovery.bin"))
	if err != nil {
		t.Fatal(err)
	}
	e := testenv.StartExporter(t, "--config.file="+testenv.WriteFile(t, "config.yml",
		"users:\n  - {username: noc, auth_protocol: SHA256, auth_passphrase: authpass123}\n"))
	logged := regexp.MustCompile(`using one derived from the host name.* engine_id=0x([0-9a-f]+)`)

	var first string
	for run := 1; run <= 2; run++ {
		m := logged.FindStringSubmatch(e.Output())
		if m == nil {
			t.Fatalf("run %d: the derived engine ID is not logged:\n%s", run, e.Output())
		}
		id, boots := discover(t, e, probe)
		if got := fmt.Sprintf("%x", id); got != m[1] {
			t.Errorf("run %d: the discovery Report carries engine ID %s, the log says %s", run, got, m[1])
		}
		if !strings.HasPrefix(fmt.Sprintf("%x", id), "80001f8805") || len(id) != 13 {
			t.Errorf("run %d: engine ID %x, want 13 octets: 0x80001f88 (enterprise 8072), format 5, 8 octets", run, id)
		}
		if boots != uint32(run) {
			t.Errorf("run %d: engine boots %d, want %d", run, boots, run)
		}
		if run == 1 {
			first = id
			e.Stop(t)
			e.Restart(t)
		} else if id != first {
			t.Errorf("the engine ID changed across a restart: %x, then %x", first, id)
		}
	}
}

// discover sends an engine discovery probe and returns the engine ID and
// boots of the Report.
func discover(t *testing.T, e *testenv.Exporter, probe []byte) (string, uint32) {
	t.Helper()
	var reply []byte
	for deadline := time.Now().Add(10 * time.Second); reply == nil && time.Now().Before(deadline); {
		reply = testenv.Exchange(t, e.TrapAddr, probe, time.Second)
	}
	if reply == nil {
		t.Fatal("no answer to the engine discovery probe")
	}
	x := &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel, MsgFlags: gosnmp.NoAuthNoPriv,
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "probe"}}
	report, err := x.SnmpDecodePacket(reply)
	if err != nil {
		t.Fatal(err)
	}
	usm := report.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if report.PDUType != gosnmp.Report {
		t.Fatalf("answer %v, want a Report", report.PDUType)
	}
	return usm.AuthoritativeEngineID, usm.AuthoritativeEngineBoots
}
