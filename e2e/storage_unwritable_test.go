package e2e_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// A storage directory the exporter may not write, as a user meets it (as
// root, CI, the exporter runs as nobody: root writes any directory): given
// on the command line, it stops the exporter at start with the reason; the
// default data/ in a working directory it may not write only warns, and
// the exporter runs without state.
func TestEndToEndUnwritableStorageDirectory(t *testing.T) {
	testenv.Need(t)
	bin := testenv.Reachable(t, testenv.Binary(t))
	readOnly := filepath.Join(testenv.ReachableDir(t), "read-only")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}

	t.Run("--storage.path", func(t *testing.T) {
		name, args := testenv.Unprivileged(t, bin, "--trap.listen-address=127.0.0.1:0",
			fmt.Sprintf("--web.listen-address=127.0.0.1:%d", testenv.FreeTCPPort(t)), "--storage.path="+readOnly)
		out, err := testenv.Run(30*time.Second, name, args...)
		if err == nil || !strings.Contains(out, "--storage.path="+readOnly) || !strings.Contains(out, "not writable") {
			t.Errorf("an unwritable --storage.path: err %v, want an exit saying the directory is not writable:\n%s", err, out)
		}
	})

	t.Run("default data/", func(t *testing.T) {
		web := fmt.Sprintf("127.0.0.1:%d", testenv.FreeTCPPort(t))
		name, args := testenv.Unprivileged(t, bin, "--trap.listen-address=127.0.0.1:0", "--web.listen-address="+web)
		cmd := exec.Command(name, args...)
		cmd.Dir = readOnly
		p := testenv.StartCmd(t, cmd)
		testenv.WaitReady(t, p, "http://"+web+"/-/ready", nil, testenv.ExporterReady)
		e := &testenv.Exporter{Process: p, WebURL: "http://" + web}
		if v := testenv.MustValue(t, e.Scrape(t), "ipsec_trap_exporter_state_last_restore_successful", nil); v != 0 {
			t.Errorf("last restore successful = %v without state, want 0", v)
		}
		if out := p.Output(); !strings.Contains(out, "State is not kept: the default storage directory cannot be used") {
			t.Errorf("no warning that state is not kept:\n%s", out)
		}
		if _, err := os.Stat(filepath.Join(readOnly, "data")); err == nil {
			t.Error("data/ was created in a directory the exporter may not write")
		}
	})
}
