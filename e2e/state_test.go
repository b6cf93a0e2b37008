package e2e_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// tunnelRulesFastFor is the shipped ipsec_tunnels.rules.yml with the for:
// of IPSecTunnelDown shortened to seconds, its expression untouched, so
// that the alert fires within a test.
func tunnelRulesFastFor(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "alerts", "ipsec_tunnels.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range doc["groups"].([]any) {
		for _, r := range g.(map[string]any)["rules"].([]any) {
			if rule := r.(map[string]any); rule["alert"] == "IPSecTunnelDown" {
				rule["for"] = "5s"
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no IPSecTunnelDown rule in ipsec_tunnels.rules.yml")
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return testenv.WriteFile(t, "ipsec_tunnels.rules.yml", string(out))
}

// waitStateHolds waits until the exporter's periodic writer has written a
// state file for which holds is true: what a crash then keeps.
func waitStateHolds(t *testing.T, e *testenv.Exporter, holds func(*state.State) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := readState(t, e.StoragePath)
		if holds(st) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the state file does not hold what the test waits for 30s later: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// readState reads the exporter's state file as the next run will.
func readState(t *testing.T, dir string) *state.State {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, state.FileName))
	if err != nil {
		t.Fatal(err)
	}
	var st state.State
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("state file: %v\n%s", err, b)
	}
	return &st
}

// kept is what must not change across a restart, as /metrics shows it.
type kept struct {
	up, lastChange, lastFailure float64
}

func keptValues(t *testing.T, families map[string]*dto.MetricFamily, peer string) kept {
	t.Helper()
	tunnel := map[string]string{"device": "127.0.0.1", "peer": peer}
	var k kept
	var ok [3]bool
	k.up, ok[0] = testenv.Value(families, "ipsec_tunnel_up", tunnel)
	k.lastChange, ok[1] = testenv.Value(families, "ipsec_tunnel_last_change_timestamp_seconds", tunnel)
	k.lastFailure, ok[2] = testenv.Value(families, "ipsec_negotiation_last_failure_timestamp_seconds",
		failures("127.0.0.1", peer, "GigabitEthernet0/0/1", "", "responder_dh_mismatch", "6"))
	if ok != [3]bool{true, true, true} {
		t.Fatalf("peer %s: series missing from /metrics (tunnel_up, last_change, last_failure present: %v)", peer, ok)
	}
	return k
}

// A tunnel goes down; the exporter is restarted cleanly (SIGTERM), then
// crashes (kill -9) once its write interval has passed. Each time, before
// any new trap, /metrics shows the tunnel down with the same time of change
// and the same last-failure time, and a real Prometheus with the shipped
// rule keeps IPSecTunnelDown firing through the failed scrapes of the
// restart: it never resolves (its activeAt never changes).
// apiTunnel is what /api/v1/tunnels keeps across a restart (failure counts
// are left out: they continue after a clean stop and start at 0 after a
// crash, as the counters do).
type apiTunnel struct {
	Device     string     `json:"device"`
	Peer       string     `json:"peer"`
	Interface  string     `json:"interface"`
	Vsys       string     `json:"vsys"`
	State      string     `json:"state"`
	Planned    bool       `json:"planned"`
	Since      *time.Time `json:"since"`
	DownReason string     `json:"down_reason"`
	Downs      int        `json:"downs_24h"`
	Failures   []struct {
		Reason string    `json:"reason"`
		Last   time.Time `json:"last"`
	} `json:"failures"`
}

func tunnelsAPI(t *testing.T, e *testenv.Exporter) []apiTunnel {
	t.Helper()
	resp, err := http.Get(e.WebURL + "/api/v1/tunnels")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []apiTunnel
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEndToEndStateSurvivesRestart(t *testing.T) {
	testenv.Need(t, "snmptrap", testenv.PrometheusBin)
	e := testenv.StartExporter(t, "--storage.write-interval=1s")
	prom := testenv.StartPrometheus(t, []string{strings.TrimPrefix(e.WebURL, "http://")}, []string{tunnelRulesFastFor(t)}, "")
	target := `up{job="ipsec_trap_exporter"}`
	upIs := func(want float64) func(model.Value) bool {
		return func(v model.Value) bool {
			vec := v.(model.Vector)
			return len(vec) == 1 && float64(vec[0].Value) == want
		}
	}
	prom.WaitQuery(t, target, upIs(1))

	tunnelDown := func(peer string) {
		e.TrapV2c(t, "public", fw+".6.2", fw+".2.1.5.3.7", "s", peer, fw+".5.12.0", "s", "dpd timeout", fw+".5.13.0", "s", "vsys-a", fw+".5.14.0", "s", "Tunnel0/0/9")
		e.WaitValue(t, "ipsec_tunnel_up", map[string]string{"device": "127.0.0.1", "peer": peer}, 0)
	}
	negotiationFailure := func(peer string) {
		e.TrapV2c(t, "public", fw+".6.14", fw+".5.11.0", "u", "6", fw+".5.7.0", "s", peer, fw+".5.14.0", "s", "GigabitEthernet0/0/1")
		e.WaitValue(t, "ipsec_negotiation_failures_total", failures("127.0.0.1", peer, "GigabitEthernet0/0/1", "", "responder_dh_mismatch", "6"), 1)
	}

	const first, second = "203.0.113.9", "198.51.100.7"
	e.TrapV2c(t, "public", fw+".6.1", fw+".2.1.5.3.7", "s", first)
	e.WaitValue(t, "ipsec_tunnel_up", map[string]string{"device": "127.0.0.1", "peer": first}, 1)
	tunnelDown(first)
	negotiationFailure(first)
	before := keptValues(t, e.Scrape(t), first)

	alert := func() testenv.RuleAlert {
		t.Helper()
		for _, a := range prom.Alerts(t) {
			if a.Labels["alertname"] == "IPSecTunnelDown" && a.Labels["peer"] == first {
				return a
			}
		}
		return testenv.RuleAlert{}
	}
	prom.WaitQuery(t, `ALERTS{alertname="IPSecTunnelDown",alertstate="firing",peer="`+first+`"}`, func(v model.Value) bool {
		return len(v.(model.Vector)) == 1
	})
	firing := alert()
	if firing.State != "firing" {
		t.Fatalf("IPSecTunnelDown is %q, want firing", firing.State)
	}
	stillFiring := func(when string) {
		t.Helper()
		if a := alert(); a.State != "firing" || !a.ActiveAt.Equal(firing.ActiveAt) {
			t.Fatalf("%s: IPSecTunnelDown is %q since %v, want firing since %v: it resolved in between", when, a.State, a.ActiveAt, firing.ActiveAt)
		}
	}

	// restart stops the exporter with stop, waits until Prometheus has
	// failed a scrape and evaluated the rules without the series (the gap
	// an upgrade makes), starts it again on the same ports and state
	// directory, and checks what it shows before any new trap.
	restart := func(how string, stop func(testing.TB), peers ...string) {
		t.Helper()
		want := map[string]kept{}
		families := e.Scrape(t)
		for _, p := range peers {
			want[p] = keptValues(t, families, p)
		}
		wantTunnels := tunnelsAPI(t, e)
		stop(t)
		prom.WaitQuery(t, target, upIs(0))
		prom.WaitQuery(t, `absent(ipsec_tunnel_up)`, func(v model.Value) bool { return len(v.(model.Vector)) == 1 })
		prom.WaitEvaluation(t, "ipsec_tunnels", time.Now())
		stillFiring("while the exporter is " + how)

		e.Restart(t)
		families = e.Scrape(t)
		for _, p := range peers {
			if got := keptValues(t, families, p); got != want[p] {
				t.Errorf("after %s: peer %s: /metrics shows %+v, want %+v as before", how, p, got, want[p])
			}
		}
		// /tunnels says the same as before: since when, where, why, how
		// often in the last day, and the peer's failures.
		if got := tunnelsAPI(t, e); !reflect.DeepEqual(got, wantTunnels) {
			t.Errorf("after %s: /api/v1/tunnels\n got %+v\nwant %+v as before", how, got, wantTunnels)
		}
		if n := testenv.MustValue(t, families, "ipsec_trap_exporter_state_last_restore_successful", nil); n != 1 {
			t.Errorf("after %s: last restore successful = %v, want 1", how, n)
		}
		prom.WaitQuery(t, target, upIs(1))
		prom.WaitEvaluation(t, "ipsec_tunnels", time.Now())
		stillFiring("after " + how)
	}

	if before.up != 0 {
		t.Fatalf("tunnel up = %v before the restart, want 0", before.up)
	}
	if got := tunnelsAPI(t, e); len(got) != 1 || got[0].State != "down" || got[0].Interface != "Tunnel0/0/9" || got[0].Vsys != "vsys-a" ||
		got[0].DownReason != "dpd_timeout" || got[0].Downs != 1 || got[0].Since == nil || len(got[0].Failures) != 1 {
		t.Fatalf("/api/v1/tunnels before the restart: %+v", got)
	}
	if boots := readState(t, e.StoragePath).EngineBoots; boots != 1 {
		t.Errorf("engine boots %d on the first run, want 1", boots)
	}
	restart("restarted with SIGTERM", e.Stop, first)
	if boots := readState(t, e.StoragePath).EngineBoots; boots != 2 {
		t.Errorf("engine boots %d after one restart, want 2", boots)
	}

	// What happens after the restart survives a crash too, once the
	// writer has had its interval: wait for the file to hold it.
	tunnelDown(second)
	negotiationFailure(second)
	waitStateHolds(t, e, func(st *state.State) bool {
		i := slices.IndexFunc(st.Tunnels, func(tu state.Tunnel) bool { return tu.Peer == second })
		j := slices.IndexFunc(st.Failures, func(f state.Failure) bool { return f.Peer == second })
		return i >= 0 && j >= 0 && !st.Tunnels[i].Up
	})
	restart("killed with SIGKILL", e.Kill, first, second)
	if boots := readState(t, e.StoragePath).EngineBoots; boots != 3 {
		t.Errorf("engine boots %d after two restarts, want 3", boots)
	}

	// The restored state is live: an up trap ends the outage.
	e.TrapV2c(t, "public", fw+".6.1", fw+".2.1.5.3.7", "s", first)
	e.WaitValue(t, "ipsec_tunnel_up", map[string]string{"device": "127.0.0.1", "peer": first}, 1)
	prom.WaitQuery(t, `ALERTS{alertname="IPSecTunnelDown",peer="`+first+`"}`, func(v model.Value) bool {
		return len(v.(model.Vector)) == 0
	})
}

// Bad state files never stop the exporter: each kind is logged with its
// reason, kept aside, counted, and the exporter starts empty.
func TestEndToEndBadStateFile(t *testing.T) {
	testenv.Need(t)
	good := `{"version":1,"written_at":"2026-11-28T10:00:00Z","engine_boots":7,"tunnels":[{"device":"fw","peer":"p","up":false,"last_change":"2026-11-28T10:00:00Z","last_update":"2026-11-28T10:00:00Z"}],"failures":[]}`
	for _, tc := range []struct {
		name, content, reason, logged string
	}{
		{"empty", "", state.BadEmpty, "is empty"},
		{"truncated", good[:120], state.BadTruncated, "is truncated"},
		{"corrupt", "\x00\x00\x00\x00", state.BadCorrupt, "is corrupt"},
		{"future version", strings.Replace(good, `"version":1`, `"version":9`, 1), state.BadFutureVersion, "format version 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, state.FileName), []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			e := testenv.StartExporter(t, "--storage.path="+dir)
			families := e.Scrape(t)
			if n := testenv.MustValue(t, families, "ipsec_trap_exporter_state_bad_files_total", map[string]string{"reason": tc.reason}); n != 1 {
				t.Errorf("bad files{reason=%q} = %v, want 1", tc.reason, n)
			}
			if n := testenv.MustValue(t, families, "ipsec_trap_exporter_state_last_restore_successful", nil); n != 0 {
				t.Errorf("last restore successful = %v, want 0", n)
			}
			if n := testenv.SeriesCount(families, "ipsec_tunnel_up"); n != 0 {
				t.Errorf("%d tunnel series restored from a bad file", n)
			}
			if !strings.Contains(e.Output(), "The state file is unusable") || !strings.Contains(e.Output(), tc.logged) {
				t.Errorf("log does not say why the state file was set aside (%q):\n%s", tc.logged, e.Output())
			}
			aside, _ := filepath.Glob(filepath.Join(dir, state.FileName+".bad-*"))
			if len(aside) != 1 {
				t.Fatalf("files kept aside: %v, want one", aside)
			}
			if b, _ := os.ReadFile(aside[0]); string(b) != tc.content {
				t.Errorf("the file kept aside is not the bad file")
			}
			// The exporter writes a good file at start; the engine boots go
			// on from the damaged file when they could still be read.
			wantBoots := uint32(1)
			if tc.reason == state.BadTruncated || tc.reason == state.BadFutureVersion {
				wantBoots = 8
			}
			if boots := readState(t, dir).EngineBoots; boots != wantBoots {
				t.Errorf("engine boots %d, want %d", boots, wantBoots)
			}
		})
	}
}

// A storage directory given explicitly that cannot be used stops the
// exporter at start with the reason; another exporter holding the
// directory is one such reason.
func TestEndToEndUnusableStoragePath(t *testing.T) {
	testenv.Need(t)
	regular := testenv.WriteFile(t, "file", "")
	running := testenv.StartExporter(t)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(regular, "data"), "not a directory"},
		{running.StoragePath, "in use by another running exporter"},
	} {
		out, err := testenv.Run(30*time.Second, testenv.Binary(t), "--storage.path="+tc.path,
			"--trap.listen-address=127.0.0.1:0", "--web.listen-address=127.0.0.1:0")
		if err == nil || !strings.Contains(out, "Cannot keep state") || !strings.Contains(out, tc.want) {
			t.Errorf("--storage.path=%s: err %v, want an exit saying %q:\n%s", tc.path, err, tc.want, out)
		}
	}
}
