package e2e_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// TestEndToEndMetricsPassPromtoolLint feeds the live /metrics of an exporter
// that has seen a failure, a tunnel going up and down, a refused packet and
// an inform to `promtool check metrics` of each supported Prometheus
// release: Prometheus' own linter (names, suffixes, units, help) finds
// nothing, and its --extended table lists every ipsec_ family, so it did
// read them all.
func TestEndToEndMetricsPassPromtoolLint(t *testing.T) {
	testenv.Need(t)
	e := testenv.StartExporter(t)
	for _, args := range [][]string{
		{"--reason-code", "6", "--peer", "203.0.113.9", "--interface", "GigabitEthernet0/0/1"},
		{"--notification", "hwIPSecTunnelStart", "--peer", "203.0.113.9"},
		{"--notification", "hwIPSecTunnelStop", "--peer", "203.0.113.9"},
		{"--community", "not-the-community", "--reason-code", "6"},
		{"--inform", "--reason-code", "1"},
	} {
		out, err := testenv.Run(30*time.Second, testenv.Binary(t), append([]string{"send", "--target", e.TrapAddr}, args...)...)
		if err != nil {
			t.Fatalf("send %v: %v\n%s", args, err, out)
		}
	}
	e.WaitValue(t, "ipsec_trap_packets_dropped_total", map[string]string{"reason": "unknown_community"}, 1)
	e.WaitValue(t, "ipsec_trap_informs_acknowledged_total", nil, 1)

	resp, err := http.Get(e.WebURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	var families []string
	for name := range testenv.ParseMetrics(t, body) {
		if strings.HasPrefix(name, "ipsec_") {
			families = append(families, name)
		}
	}
	if len(families) < 10 {
		t.Fatalf("only %d ipsec_ families in /metrics: %v", len(families), families)
	}

	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		if out, err := checkMetrics(p.Promtool, body); err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("promtool %s check metrics: %v\n%s", p.Version, err, out)
		}
		out, err := checkMetrics(p.Promtool, body, "--extended")
		if err != nil {
			t.Fatalf("promtool %s check metrics --extended: %v\n%s", p.Version, err, out)
		}
		listed := map[string]bool{}
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				listed[f[0]] = true
			}
		}
		for _, name := range families {
			if !listed[name] {
				t.Errorf("promtool %s check metrics --extended does not list %s:\n%s", p.Version, name, out)
			}
		}
	})
}

// checkMetrics runs promtool check metrics with body on its standard input.
func checkMetrics(promtool string, body []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool, append([]string{"check", "metrics"}, args...)...)
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
