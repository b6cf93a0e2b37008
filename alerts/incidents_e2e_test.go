package alerts

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// incidentStack is one exporter, a rule engine (a Prometheus, or
// VictoriaMetrics with vmalert) with every shipped rule file and an
// Alertmanager with the shipped routes and inhibitions, whose
// receivers post to a webhook that counts the notifications.
type incidentStack struct {
	exporter  *testenv.Exporter   // the first of exporters
	exporters []*testenv.Exporter // an HA pair, when there are two
	prom      *testenv.Prometheus
	am        *testenv.Alertmanager
	msgs      *messages
}

func startIncidentStack(t *testing.T, engine testenv.RuleEngine, rules []string) *incidentStack {
	t.Helper()
	return startIncidentStackOf(t, engine, rules, 1)
}

// startIncidentStackOf is startIncidentStack with n exporters, all
// scraped by the one rule engine.
func startIncidentStackOf(t *testing.T, engine testenv.RuleEngine, rules []string, n int) *incidentStack {
	t.Helper()
	s := &incidentStack{msgs: &messages{byPath: map[string][]string{}}}
	hook := httptest.NewServer(s.msgs)
	t.Cleanup(hook.Close)
	var targets []string
	for range n {
		e := testenv.StartExporter(t)
		s.exporters = append(s.exporters, e)
		targets = append(targets, strings.TrimPrefix(e.WebURL, "http://"))
	}
	s.exporter = s.exporters[0]
	s.am = testenv.StartAlertmanager(t, testAlertmanagerConfig(t, hook.URL))
	// Alerts stay valid in Alertmanager for 20s between two sends, so
	// that a rule engine stalled for seconds on a loaded machine does not
	// let them (the inhibiting ones among them) expire and fire again.
	s.prom = engine.Start(t, testenv.PrometheusOptions{ScrapeTargets: targets, RuleFiles: rules, AlertmanagerURL: s.am.URL, ResendDelay: 5 * time.Second})
	s.prom.WaitQuery(t, `up{job="ipsec_trap_exporter"} == 1`, func(v model.Value) bool { return len(v.(model.Vector)) == n })
	return s
}

// notification is one message Alertmanager sent: its receiver and the
// titles of its attachments (templates/ipsec.tmpl: "[FIRING:n] alertname
// device peer").
type notification struct {
	receiver string
	titles   []string
}

func (s *incidentStack) notifications(t *testing.T) []notification {
	t.Helper()
	var out []notification
	for _, receiver := range []string{"pager", "ticket"} {
		for _, body := range s.msgs.get("/" + receiver) {
			var m struct {
				Attachments []struct {
					Title string `json:"title"`
				} `json:"attachments"`
			}
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatalf("notification %q: %v", body, err)
			}
			n := notification{receiver: receiver}
			for _, a := range m.Attachments {
				n.titles = append(n.titles, a.Title)
			}
			out = append(out, n)
		}
	}
	return out
}

// waitNotifications waits until pred accepts the notifications so far.
func (s *incidentStack) waitNotifications(t *testing.T, what string, pred func([]notification) bool) []notification {
	t.Helper()
	deadline := time.Now().Add(150 * time.Second)
	for {
		ns := s.notifications(t)
		if pred(ns) {
			return ns
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: notifications so far %+v; alertmanager holds %+v", what, ns, s.am.Alerts(t))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// settle makes sure that every aggregation group Alertmanager held before
// the call has been flushed, so that a notification that is not there yet
// never will be: it posts sentinel alerts of a route of their own and waits
// for their notifications. Groups are flushed group_wait after they are
// created and every group_interval after that, so a group created later
// than all the others (a sentinel) is flushed after them; the second
// sentinel adds a group_interval of margin. It returns the notifications
// without the sentinels'.
func (s *incidentStack) settle(t *testing.T) []notification {
	t.Helper()
	for i := range 2 {
		name := fmt.Sprintf("E2ESentinel%d", i)
		s.am.PostAlerts(t, testenv.Alert{Labels: map[string]string{"alertname": name, "severity": "warning", "device": "sentinel"}})
		s.waitNotifications(t, name, func(ns []notification) bool {
			for _, n := range ns {
				if strings.Contains(strings.Join(n.titles, " "), name) {
					return true
				}
			}
			return false
		})
	}
	var out []notification
	for _, n := range s.notifications(t) {
		if !strings.Contains(strings.Join(n.titles, " "), "E2ESentinel") {
			out = append(out, n)
		}
	}
	return out
}

// trapEach sends, with net-snmp's snmptrap on a few workers, the trap
// args(i) returns for each i below n, and fails the test if any send fails.
func trapEach(t *testing.T, n int, args func(i int) []string) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []string
	)
	next := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				a := append([]string{"-On", "-M", "/dev/null"}, args(i)...)
				if out, err := testenv.Run(30*time.Second, "snmptrap", a...); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Sprintf("snmptrap %s: %v\n%s", strings.Join(a, " "), err, out))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(strings.Join(errs, "\n"))
	}
}

// Huawei hwIPSecTunnelStart and hwIPSecTunnelStop, with the peer address
// of the tunnel table; and the device label the exporter gives traps from
// net-snmp on loopback.
const (
	oidTunnelStart = "1.3.6.1.4.1.2011.6.122.26.6.1"
	oidTunnelStop  = "1.3.6.1.4.1.2011.6.122.26.6.2"
	oidTunnelPeer  = "1.3.6.1.4.1.2011.6.122.26.2.1.5.3.7"
	loopbackDevice = "127.0.0.1"
)

func peerAddr(i int) string { return fmt.Sprintf("198.51.%d.%d", 100+i/250, 1+i%250) }

// One page per incident, end to end: real traps from net-snmp, the real
// exporter, Prometheus (2 and 3) or VictoriaMetrics with vmalert, with
// every shipped rule file, Alertmanager with the shipped alertmanager.yml
// (short group timings), counting what its receivers send. A device at its IPSec tunnel limit makes its peers fail
// with reason 41 (a capacity limit: the per-peer alert pages on the first
// failure, for: 1m): with 200 peers, the device-wide alert pages once and
// the 200 per-peer alerts are held back; with 3 peers, each pages. A
// tunnel down pages once, although its availability budget burns.
func TestEndToEndOnePagePerIncident(t *testing.T) {
	testenv.Need(t, testenv.AlertmanagerBin, "snmptrap")
	testenv.ForEachRuleEngine(t, func(t *testing.T, p testenv.RuleEngine) {
		for _, peers := range []int{200, 3} {
			t.Run(fmt.Sprintf("%d peers fail", peers), func(t *testing.T) {
				t.Parallel()
				devicePeersFail(t, p, peers)
			})
		}
		t.Run("a tunnel down", func(t *testing.T) {
			t.Parallel()
			tunnelDownPagesOnce(t, p)
		})
	})
}

func devicePeersFail(t *testing.T, p testenv.RuleEngine, peers int) {
	s := startIncidentStack(t, p, ruleFiles(t))
	trapEach(t, peers, func(i int) []string {
		return []string{"-v", "2c", "-c", "public", s.exporter.TrapAddr, "", oidNegoFail,
			oidReasonCode, "u", "41", oidPeerAddress, "s", peerAddr(i), oidInterfaceName, "s", "GigabitEthernet0/0/1"}
	})
	perPeer := FailureAlertName("ipsec_tunnel_limit")
	// Every per-peer alert fires in Prometheus and reaches Alertmanager.
	s.prom.WaitQueryWithin(t, 150*time.Second, fmt.Sprintf(`count(ALERTS{alertname=%q, alertstate="firing"})`, perPeer), func(v model.Value) bool {
		vec := v.(model.Vector)
		return len(vec) == 1 && int(vec[0].Value) == peers
	})
	deadline := time.Now().Add(60 * time.Second)
	for n := 0; n < peers; {
		n = 0
		for _, a := range s.am.Alerts(t) {
			if a.Labels["alertname"] == perPeer {
				n++
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("alertmanager holds %d %s alerts, want %d", n, perPeer, peers)
		}
		time.Sleep(250 * time.Millisecond)
	}
	got := s.settle(t)
	deviceWide, individual := 0, 0
	for _, n := range got {
		title := strings.Join(n.titles, " ")
		switch {
		case strings.Contains(title, DeviceWideAlertName):
			deviceWide++
		case strings.Contains(title, perPeer):
			individual++
		}
		if n.receiver != "pager" {
			t.Errorf("notification %v went to %s, want pager", n.titles, n.receiver)
		}
	}
	t.Logf("%s, %d peers failing: %d notifications (%d device-wide, %d per peer), the first: %+v", p.Name(), peers, len(got), deviceWide, individual, got[:min(len(got), 5)])
	if peers >= DeviceWidePeers {
		if len(got) > 2 || deviceWide != 1 || individual != 0 {
			t.Errorf("%d notifications (%d device-wide, %d per peer), want at most 2: the device-wide one, no per-peer one", len(got), deviceWide, individual)
		}
		return
	}
	if len(got) != peers || individual != peers || deviceWide != 0 {
		t.Errorf("%d notifications (%d per peer, %d device-wide), want %d: one per peer", len(got), individual, deviceWide, peers)
	}
}

// tunnelDownPagesOnce: a device with 200 tunnels up loses one (a stop
// without reason: no teardown alert). IPSecTunnelDown's for: is shortened
// to seconds (its expression untouched), so that the outage is long enough
// to page; the peer's availability burns fire meanwhile, and keep firing
// after the tunnel is back and IPSecTunnelDown has resolved. One page.
func tunnelDownPagesOnce(t *testing.T, p testenv.RuleEngine) {
	var rules []string
	for _, f := range ruleFiles(t) {
		if f == "ipsec_tunnels.rules.yml" {
			f = tunnelDownForShortened(t, f, "10s")
		}
		rules = append(rules, f)
	}
	s := startIncidentStack(t, p, rules)
	const target = "203.0.113.50"
	start := func(peer string) []string {
		return []string{"-v", "2c", "-c", "public", s.exporter.TrapAddr, "", oidTunnelStart, oidTunnelPeer, "s", peer}
	}
	trapEach(t, 201, func(i int) []string {
		if i == 200 {
			return start(target)
		}
		return start(peerAddr(i))
	})
	s.prom.WaitQuery(t, "count(ipsec:tunnel_available:newest == 1)", func(v model.Value) bool {
		vec := v.(model.Vector)
		return len(vec) == 1 && vec[0].Value == 201
	})

	testenv.SNMPTrap(t, "-v", "2c", "-c", "public", s.exporter.TrapAddr, "", oidTunnelStop, oidTunnelPeer, "s", target)
	burning := fmt.Sprintf(`ALERTS{alertname="IPSecSLOErrorBudgetBurn", slo="tunnel_availability", peer=%q, severity="critical", alertstate="firing"}`, target)
	s.prom.WaitQuery(t, burning, func(v model.Value) bool { return len(v.(model.Vector)) > 0 })
	s.waitNotifications(t, "the IPSecTunnelDown page", func(ns []notification) bool {
		for _, n := range ns {
			if strings.Contains(strings.Join(n.titles, " "), "IPSecTunnelDown "+loopbackDevice) {
				return true
			}
		}
		return false
	})

	// The tunnel is back: IPSecTunnelDown resolves, the burn still fires.
	testenv.SNMPTrap(t, start(target)...)
	s.prom.WaitQuery(t, `ALERTS{alertname="IPSecTunnelDown"}`, func(v model.Value) bool { return len(v.(model.Vector)) == 0 })
	deadline := time.Now().Add(60 * time.Second)
	for {
		down, burns := 0, 0
		for _, a := range s.am.Alerts(t) {
			switch {
			case a.Labels["alertname"] == "IPSecTunnelDown":
				down++
			case a.Labels["alertname"] == "IPSecSLOErrorBudgetBurn" && a.Labels["slo"] == "tunnel_availability" && a.Labels["peer"] == target:
				burns++
			}
		}
		if down == 0 && burns > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alertmanager still holds IPSecTunnelDown (%d) or no availability burn (%d)", down, burns)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if v := s.prom.Query(t, burning).(model.Vector); len(v) == 0 {
		t.Fatal("the availability burn stopped before IPSecTunnelDown resolved in Alertmanager: nothing left to hold back")
	}
	got := s.settle(t)
	t.Logf("%s, one tunnel down and back: %d notifications: %+v", p.Name(), len(got), got)
	if len(got) != 1 || got[0].receiver != "pager" || !strings.Contains(strings.Join(got[0].titles, " "), "IPSecTunnelDown") {
		t.Errorf("notifications %+v, want one page, IPSecTunnelDown", got)
	}
}

// tunnelDownForShortened writes a copy of a tunnel rule file whose
// IPSecTunnelDown has for: set to d, and returns its path.
func tunnelDownForShortened(t *testing.T, path, d string) string {
	t.Helper()
	return forShortened(t, path, func(alert string) (string, bool) { return d, alert == "IPSecTunnelDown" })
}

// forShortened writes a copy of a rule file in which every alert for which
// short returns true has its for: replaced, and returns its path; the
// expressions are untouched.
func forShortened(t *testing.T, path string, short func(alert string) (string, bool)) string {
	t.Helper()
	b, err := os.ReadFile(path)
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
			rule := r.(map[string]any)
			name, _ := rule["alert"].(string)
			if d, ok := short(name); ok && name != "" {
				rule["for"] = d
				found = true
			}
		}
	}
	if !found {
		t.Fatalf("no alert to shorten in %s", path)
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	shortened := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(shortened, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return shortened
}
