package alerts

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// Every rule file loads in each supported Prometheus release.
func TestPromtoolCheckRules(t *testing.T) {
	testenv.Need(t)
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		for _, f := range ruleFiles(t) {
			t.Run(f, func(t *testing.T) {
				out, err := testenv.Run(time.Minute, p.Promtool, "check", "rules", f)
				if err != nil {
					t.Fatalf("promtool %s check rules %s: %v\n%s", p.Version, f, err, out)
				}
			})
		}
	})
}

// The rule unit tests pass in each supported Prometheus release: the rules
// and their expected values must not depend on the version (Prometheus 3
// selects left-open ranges, see tests/ipsec_slo.test.yml).
func TestPromtoolTestRules(t *testing.T) {
	testenv.Need(t)
	files, err := filepath.Glob("tests/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no unit tests in tests/: %v", err)
	}
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		for _, f := range files {
			t.Run(filepath.Base(f), func(t *testing.T) {
				t.Parallel()
				out, err := testenv.Run(5*time.Minute, p.Promtool, "test", "rules", f)
				if err != nil {
					t.Fatalf("promtool %s test rules %s: %v\n%s", p.Version, f, err, out)
				}
			})
		}
	})
}

func TestAmtoolCheckConfig(t *testing.T) {
	testenv.Need(t, "amtool")
	out, err := testenv.Run(time.Minute, "amtool", "check-config", "alertmanager.yml")
	if err != nil {
		t.Fatalf("amtool check-config: %v\n%s", err, out)
	}
	if !strings.Contains(out, "1 templates") {
		t.Errorf("amtool check-config found no template:\n%s", out)
	}
}

func TestAlertmanagerRoutes(t *testing.T) {
	testenv.Need(t, "amtool")
	for _, tc := range []struct {
		name   string
		labels []string
		want   string
	}{
		{"capacity limit pages", []string{"alertname=IPSecNegotiationFailingRouteLimit", "severity=critical", "class=capacity_limit", "device=fw-hq-01", "peer=203.0.113.9"}, "pager"},
		{"configuration mismatch tickets", []string{"alertname=IPSecNegotiationFailingPhase1ProposalMismatch", "severity=warning", "class=configuration_mismatch", "device=fw-hq-01", "peer=203.0.113.9"}, "ticket"},
		{"tunnel down pages", []string{"alertname=IPSecTunnelDown", "severity=critical", "device=fw-hq-01", "peer=203.0.113.9"}, "pager"},
		{"fast SLO burn pages", []string{"alertname=IPSecSLOErrorBudgetBurn", "severity=critical", "slo=tunnel_availability", "sli_level=device", "window=1h"}, "pager"},
		{"slow SLO burn tickets", []string{"alertname=IPSecSLOErrorBudgetBurn", "severity=warning", "slo=negotiation_success", "sli_level=peer", "window=3d"}, "ticket"},
		{"exporter down tickets", []string{"alertname=IPSecTrapExporterDown", "severity=warning", "instance=exporter-a:9163"}, "ticket"},
		{"no severity falls back to tickets", []string{"alertname=Other"}, "ticket"},
		{"a device-wide failure pages", []string{"alertname=" + DeviceWideAlertName, "severity=critical", "class=configuration_mismatch", "remediation_group=authentication_failure", "device=fw-hq-01"}, "pager"},
		{"a device-wide tunnel outage pages", []string{"alertname=" + DeviceDownAlertName, "severity=critical", "class=outage", "device=fw-hq-01"}, "pager"},
		{"a device-wide teardown tickets", []string{"alertname=" + DeviceTeardownAlertName, "severity=warning", "class=outage", "reason=dpd_timeout", "device=fw-hq-01"}, "ticket"},
		{"an inhibitor never notifies", []string{"alertname=" + TunnelDownInhibitorName, "severity=" + InhibitorSeverity, "device=fw-hq-01", "peer=203.0.113.9"}, "null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"config", "routes", "test", "--config.file=alertmanager.yml", "--verify.receivers=" + tc.want}, tc.labels...)
			out, err := testenv.Run(time.Minute, "amtool", args...)
			if err != nil {
				t.Fatalf("amtool %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		})
	}
}

// The templates must parse and render with Alertmanager's own engine.
func TestAlertmanagerTemplatesRender(t *testing.T) {
	testenv.Need(t, "amtool")
	out, err := testenv.Run(time.Minute, "amtool", "template", "render", "--template.glob=templates/*.tmpl",
		`--template.text={{ template "ipsec.title" . }}|{{ template "ipsec.text" . }}`)
	if err != nil {
		t.Fatalf("amtool template render: %v\n%s", err, out)
	}
}
