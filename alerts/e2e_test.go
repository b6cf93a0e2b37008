package alerts

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Huawei hwIPSecNegoFail (HUAWEI-IPSEC-TRAP-MIB) and its varbinds.
const (
	oidNegoFail      = "1.3.6.1.4.1.2011.6.122.26.6.14"
	oidReasonCode    = "1.3.6.1.4.1.2011.6.122.26.5.11.0"
	oidPeerAddress   = "1.3.6.1.4.1.2011.6.122.26.5.7.0"
	oidInterfaceName = "1.3.6.1.4.1.2011.6.122.26.5.14.0"
)

// messages records what Alertmanager's receivers post, by URL path.
type messages struct {
	mu     sync.Mutex
	byPath map[string][]string
}

func (m *messages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	m.byPath[r.URL.Path] = append(m.byPath[r.URL.Path], string(b))
	m.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (m *messages) get(path string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.byPath[path]...)
}

// testAlertmanagerConfig is the shipped alertmanager.yml with its routes and
// inhibitions untouched, but short group timings, and receivers that render
// the shipped templates (Slack's format) and post to url.
func testAlertmanagerConfig(t *testing.T, url string) string {
	t.Helper()
	b, err := os.ReadFile("alertmanager.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	route := cfg["route"].(map[string]any)
	route["group_wait"], route["group_interval"] = "1s", "1s"
	var receivers []any
	for _, r := range cfg["receivers"].([]any) {
		name := r.(map[string]any)["name"].(string)
		if len(r.(map[string]any)) == 1 {
			// A receiver without integrations (for inhibit-only alerts)
			// stays one.
			receivers = append(receivers, r)
			continue
		}
		receivers = append(receivers, map[string]any{
			"name": name,
			"slack_configs": []any{map[string]any{
				"api_url":       url + "/" + name,
				"channel":       "#" + name,
				"title":         `{{ template "ipsec.title" . }}`,
				"text":          `{{ template "ipsec.text" . }}`,
				"send_resolved": false,
			}},
		})
	}
	cfg["receivers"] = receivers
	abs, err := filepath.Abs("templates")
	if err != nil {
		t.Fatal(err)
	}
	cfg["templates"] = []any{filepath.Join(abs, "*.tmpl")}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "alertmanager.yml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A route-limit failure reaches an HA pair of exporters, Prometheus with
// every shipped rule file, and Alertmanager with the shipped routing: the
// capacity alert fires within about a minute (for: 1m), is counted once
// across the pair, carries the catalogue's remediation word for word, and
// pages with the remediation first; in each supported Prometheus release
// and in VictoriaMetrics with vmalert.
func TestEndToEndCapacityAlertReachesAlertmanager(t *testing.T) {
	testenv.Need(t, testenv.AlertmanagerBin, "snmptrap")
	testenv.ForEachRuleEngine(t, func(t *testing.T, e testenv.RuleEngine) {
		t.Parallel()
		capacityAlertReachesAlertmanager(t, e)
	})
}

func capacityAlertReachesAlertmanager(t *testing.T, engine testenv.RuleEngine) {
	msgs := &messages{byPath: map[string][]string{}}
	hook := httptest.NewServer(msgs)
	t.Cleanup(hook.Close)

	a := testenv.StartExporter(t)
	b := testenv.StartExporter(t)
	am := testenv.StartAlertmanager(t, testAlertmanagerConfig(t, hook.URL))
	rules := ruleFiles(t)
	prom := engine.Start(t, testenv.PrometheusOptions{
		ScrapeTargets:   []string{strings.TrimPrefix(a.WebURL, "http://"), strings.TrimPrefix(b.WebURL, "http://")},
		RuleFiles:       rules,
		AlertmanagerURL: am.URL,
	})
	prom.WaitQuery(t, `count(up{job="ipsec_trap_exporter"} == 1)`, func(v model.Value) bool {
		vec := v.(model.Vector)
		return len(vec) == 1 && vec[0].Value == 2
	})

	// A device configured with two trap hosts sends the same trap to both.
	for _, e := range []*testenv.Exporter{a, b} {
		testenv.SNMPTrap(t, "-v", "2c", "-c", "public", e.TrapAddr, "", oidNegoFail,
			oidReasonCode, "u", "36",
			oidPeerAddress, "s", "203.0.113.9",
			oidInterfaceName, "s", "GigabitEthernet0/0/1")
	}
	prom.WaitQuery(t, `ipsec_negotiation_failures_total{reason="route_limit"}`, func(v model.Value) bool {
		return len(v.(model.Vector)) == 2
	})

	group, ok := mib.GroupByName("route_limit")
	if !ok {
		t.Fatal("no route_limit group in the catalogue")
	}
	name := FailureAlertName(group.Name)
	alert := am.WaitAlert(t, 150*time.Second, func(a testenv.Alert) bool {
		return a.Labels["alertname"] == name
	})
	for k, want := range map[string]string{
		"severity": "critical", "class": "capacity_limit", "remediation_group": "route_limit",
		"peer": "203.0.113.9", "interface": "GigabitEthernet0/0/1", "reason": "route_limit", "reason_code": "36",
	} {
		if got := alert.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q (labels %v)", k, got, want, alert.Labels)
		}
	}
	if got, want := alert.Annotations["remediation"], RemediationText(group); got != want {
		t.Errorf("remediation annotation\n got %q\nwant %q", got, want)
	}
	if !strings.HasPrefix(alert.Annotations["remediation"], group.Remediation) {
		t.Errorf("remediation %q does not start with the vendor's procedure %q", alert.Annotations["remediation"], group.Remediation)
	}
	// Two exporters, one failure: the max, not the sum.
	if d := alert.Annotations["description"]; !strings.Contains(d, ", 1 failures in the last 15m.") {
		t.Errorf("description %q: want the failure counted once across the HA pair", d)
	}
	if len(alert.Receivers) != 1 || alert.Receivers[0].Name != "pager" {
		t.Errorf("receivers %+v, want pager", alert.Receivers)
	}

	// A tunnel torn down by DPD: its outage-class teardown alert reaches
	// Alertmanager with the catalogue's guidance, as a ticket.
	for _, e := range []*testenv.Exporter{a, b} {
		testenv.SNMPTrap(t, "-v", "2c", "-c", "public", e.TrapAddr, "", "1.3.6.1.4.1.2011.6.122.26.6.2",
			"1.3.6.1.4.1.2011.6.122.26.2.1.5.3.10.1", "s", "203.0.113.77",
			"1.3.6.1.4.1.2011.6.122.26.5.12.0", "s", "dpd timeout")
	}
	td, _ := mib.TeardownBySlug("dpd_timeout")
	teardown := am.WaitAlert(t, 150*time.Second, func(a testenv.Alert) bool {
		return a.Labels["alertname"] == TeardownAlertName(td.Slug)
	})
	if got, want := teardown.Annotations["remediation"], ProjectGuidancePrefix+td.Guidance; got != want {
		t.Errorf("teardown remediation\n got %q\nwant %q", got, want)
	}
	if teardown.Labels["peer"] != "203.0.113.77" || teardown.Labels["class"] != "outage" ||
		len(teardown.Receivers) != 1 || teardown.Receivers[0].Name != "ticket" {
		t.Errorf("teardown alert labels %v, receivers %+v", teardown.Labels, teardown.Receivers)
	}

	// The page, rendered with templates/ipsec.tmpl, opens with the remedy.
	want := "What to do: " + RemediationText(group)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var texts []string
		for _, body := range msgs.get("/pager") {
			var m struct {
				Attachments []struct {
					Title string `json:"title"`
					Text  string `json:"text"`
				} `json:"attachments"`
			}
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatalf("page %q: %v", body, err)
			}
			for _, at := range m.Attachments {
				if strings.HasPrefix(at.Text, want) && strings.Contains(at.Title, name) {
					t.Logf("page: %s\n%s", at.Title, at.Text)
					return
				}
				texts = append(texts, fmt.Sprintf("%s | %s", at.Title, at.Text))
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no page opening with %q; pages: %q; tickets: %q", want, texts, msgs.get("/ticket"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// The inhibit rules of alertmanager.yml, in a real Alertmanager: each case
// posts a source alert and targets, and checks which targets are inhibited.
func TestAlertmanagerInhibitions(t *testing.T) {
	testenv.Need(t, testenv.AlertmanagerBin)
	hook := httptest.NewServer(&messages{byPath: map[string][]string{}})
	t.Cleanup(hook.Close)
	cfg := testAlertmanagerConfig(t, hook.URL)
	type target struct {
		labels    map[string]string
		inhibited bool
	}
	for _, tc := range []struct {
		name    string
		source  map[string]string
		targets []target
	}{
		{
			name:   "a capacity limit inhibits the per-peer failure alerts of its device",
			source: map[string]string{"alertname": "IPSecNegotiationFailingIPSecTunnelLimit", "severity": "critical", "class": "capacity_limit", "device": "fw-hq-01", "peer": "203.0.113.9"},
			targets: []target{
				{map[string]string{"alertname": "IPSecNegotiationFailingPeerNotResponding", "severity": "warning", "class": "transient", "device": "fw-hq-01", "peer": "198.51.100.7"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "slo": "negotiation_success", "sli_level": "peer", "window": "1h", "device": "fw-hq-01", "peer": "198.51.100.7"}, true},
				{map[string]string{"alertname": "IPSecNegotiationFailingPeerNotResponding", "severity": "warning", "class": "transient", "device": "fw-branch-07", "peer": "198.51.100.7"}, false},
				{map[string]string{"alertname": "IPSecTunnelDown", "severity": "critical", "device": "fw-hq-01", "peer": "198.51.100.7"}, false},
			},
		},
		{
			name:   "no exporter up inhibits the trap-derived alerts, not the exporter alerts",
			source: map[string]string{"alertname": "IPSecTrapReceptionDown", "severity": "critical"},
			targets: []target{
				{map[string]string{"alertname": "IPSecTunnelDown", "severity": "critical", "device": "fw-hq-01", "peer": "203.0.113.9"}, true},
				{map[string]string{"alertname": "IPSecNegotiationFailingRouteLimit", "severity": "critical", "class": "capacity_limit", "device": "fw-hq-01", "peer": "203.0.113.9"}, true},
				{map[string]string{"alertname": "IPSecDeviceSilent", "severity": "warning", "device": "fw-hq-01"}, true},
				{map[string]string{"alertname": "IPSecTrapExporterDown", "severity": "warning", "instance": "exporter-a:9163"}, false},
			},
		},
		{
			name:   "one exporter of the pair down inhibits nothing",
			source: map[string]string{"alertname": "IPSecTrapExporterDown", "severity": "warning", "instance": "exporter-a:9163"},
			targets: []target{
				{map[string]string{"alertname": "IPSecTunnelDown", "severity": "critical", "device": "fw-hq-01", "peer": "203.0.113.9"}, false},
			},
		},
		{
			name:   "a device-wide SLO burn inhibits the same burn per peer",
			source: map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "slo": "negotiation_success", "sli_level": "device", "window": "1h", "device": "fw-hq-01"},
			targets: []target{
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "slo": "negotiation_success", "sli_level": "peer", "window": "1h", "device": "fw-hq-01", "peer": "203.0.113.9"}, true},
				// Failures reported without a peer address: a per-peer burn without peer.
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "slo": "negotiation_success", "sli_level": "peer", "window": "1h", "device": "fw-hq-01"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "slo": "tunnel_availability", "sli_level": "peer", "window": "1h", "device": "fw-hq-01", "peer": "203.0.113.9"}, false},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "slo": "negotiation_success", "sli_level": "peer", "window": "1h", "device": "fw-branch-07", "peer": "203.0.113.9"}, false},
			},
		},
		{
			name:   "a page for a burning budget inhibits the ticket for the same budget",
			source: map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "slo": "negotiation_success", "sli_level": "peer", "window": "6h", "device": "fw-hq-01", "peer": "203.0.113.9"},
			targets: []target{
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "warning", "slo": "negotiation_success", "sli_level": "peer", "window": "1d", "device": "fw-hq-01", "peer": "203.0.113.9"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "warning", "slo": "negotiation_success", "sli_level": "peer", "window": "1d", "device": "fw-hq-01", "peer": "198.51.100.7"}, false},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "warning", "slo": "negotiation_success", "sli_level": "device", "window": "3d", "device": "fw-hq-01"}, false},
			},
		},
		{
			name:   "a tunnel down inhibits its peer's availability burns, nothing else",
			source: map[string]string{"alertname": "IPSecTunnelDown", "severity": "critical", "device": "fw-hq-01", "peer": "203.0.113.9"},
			targets: []target{
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "peer", "slo": "tunnel_availability", "window": "1h", "short_window": "5m", "device": "fw-hq-01", "peer": "203.0.113.9"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "warning", "sli_level": "peer", "slo": "tunnel_availability", "window": "1d", "short_window": "2h", "device": "fw-hq-01", "peer": "203.0.113.9"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "peer", "slo": "negotiation_success", "window": "1h", "short_window": "5m", "device": "fw-hq-01", "peer": "203.0.113.9"}, false},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "peer", "slo": "tunnel_availability", "window": "1h", "short_window": "5m", "device": "fw-hq-01", "peer": "198.51.100.7"}, false},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "device", "slo": "tunnel_availability", "window": "6h", "short_window": "30m", "device": "fw-hq-01"}, false},
			},
		},
		{
			name:   "the tunnel-down inhibitor inhibits its peer's availability burns",
			source: map[string]string{"alertname": TunnelDownInhibitorName, "severity": InhibitorSeverity, "device": "fw-hq-01", "peer": "203.0.113.9"},
			targets: []target{
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "peer", "slo": "tunnel_availability", "window": "6h", "short_window": "30m", "device": "fw-hq-01", "peer": "203.0.113.9"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "peer", "slo": "tunnel_availability", "window": "6h", "short_window": "30m", "device": "fw-branch-07", "peer": "203.0.113.9"}, false},
				{map[string]string{"alertname": "IPSecTunnelFlapping", "severity": "warning", "device": "fw-hq-01", "peer": "203.0.113.9"}, false},
			},
		},
		{
			name: "a device-wide failure inhibits the per-peer alerts of its group and device, and the device's negotiation burns",
			source: map[string]string{"alertname": DeviceWideAlertName, "severity": "critical", "class": "configuration_mismatch",
				"remediation_group": "authentication_failure", "device": "fw-hq-01"},
			targets: []target{
				{map[string]string{"alertname": "IPSecNegotiationFailingAuthenticationFailure", "severity": "warning", "class": "configuration_mismatch", "remediation_group": "authentication_failure",
					"device": "fw-hq-01", "peer": "203.0.113.9", "interface": "GigabitEthernet0/0/1", "reason": "authentication_fail", "reason_code": "15"}, true},
				{map[string]string{"alertname": "IPSecNegotiationFailingAuthenticationFailure", "severity": "warning", "class": "configuration_mismatch", "remediation_group": "authentication_failure",
					"device": "fw-hq-01", "interface": "GigabitEthernet0/0/1", "reason": "authentication_fail", "reason_code": "15"}, true},
				{map[string]string{"alertname": "IPSecNegotiationFailingPhase1ProposalMismatch", "severity": "warning", "class": "configuration_mismatch", "remediation_group": "phase1_proposal_mismatch",
					"device": "fw-hq-01", "peer": "203.0.113.9", "reason": "phase1_proposal_mismatch", "reason_code": "1"}, false},
				{map[string]string{"alertname": "IPSecNegotiationFailingAuthenticationFailure", "severity": "warning", "class": "configuration_mismatch", "remediation_group": "authentication_failure",
					"device": "fw-branch-07", "peer": "203.0.113.9", "reason": "authentication_fail", "reason_code": "15"}, false},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "device", "slo": "negotiation_success", "window": "1h", "short_window": "5m", "device": "fw-hq-01"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "peer", "slo": "negotiation_success", "window": "1h", "short_window": "5m", "device": "fw-hq-01", "peer": "198.51.100.7"}, true},
				{map[string]string{"alertname": "IPSecSLOErrorBudgetBurn", "severity": "critical", "sli_level": "peer", "slo": "tunnel_availability", "window": "1h", "short_window": "5m", "device": "fw-hq-01", "peer": "198.51.100.7"}, false},
				{map[string]string{"alertname": "IPSecTunnelDown", "severity": "critical", "device": "fw-hq-01", "peer": "203.0.113.9"}, false},
				{map[string]string{"alertname": DeviceWideAlertName, "severity": "critical", "class": "configuration_mismatch", "remediation_group": "dh_mismatch", "device": "fw-hq-01"}, false},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			am := testenv.StartAlertmanager(t, cfg)
			all := []testenv.Alert{{Labels: tc.source}}
			for _, tg := range tc.targets {
				all = append(all, testenv.Alert{Labels: tg.labels})
			}
			am.PostAlerts(t, all...)
			// The inhibitor learns of a source alert asynchronously, so wait
			// until the expected inhibitions show (or time out), then check
			// every target: by then a wrong inhibition would show too.
			var got map[string]testenv.Alert
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				got = map[string]testenv.Alert{}
				for _, a := range am.Alerts(t) {
					got[toLabelSet(a.Labels).String()] = a
				}
				settled := len(got) == len(all)
				for _, tg := range tc.targets {
					if tg.inhibited && len(got[toLabelSet(tg.labels).String()].Status.InhibitedBy) == 0 {
						settled = false
					}
				}
				if settled || time.Now().After(deadline) {
					break
				}
			}
			if s := got[toLabelSet(tc.source).String()]; len(s.Status.InhibitedBy) != 0 {
				t.Errorf("source %v is inhibited itself", tc.source)
			}
			for _, tg := range tc.targets {
				a, ok := got[toLabelSet(tg.labels).String()]
				if !ok {
					t.Errorf("alert %v not in Alertmanager", tg.labels)
					continue
				}
				if inhibited := len(a.Status.InhibitedBy) > 0; inhibited != tg.inhibited {
					t.Errorf("%v: inhibited = %v, want %v", tg.labels, inhibited, tg.inhibited)
				}
			}
		})
	}
}

func toLabelSet(m map[string]string) model.LabelSet {
	ls := model.LabelSet{}
	for k, v := range m {
		ls[model.LabelName(k)] = model.LabelValue(v)
	}
	return ls
}
