package alerts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// sloth validate accepts the generated Sloth spec with the generated alert
// windows (Sloth validates by generating the rules, so every SLI query must
// parse as PromQL).
func TestSlothValidatesTheSpec(t *testing.T) {
	testenv.Need(t)
	sloth := testenv.Sloth(t)
	out, err := testenv.Run(time.Minute, sloth, "validate", "--no-color",
		"-i", "ipsec_slo.sloth.yml", "--slo-period-windows-path", "sloth-windows")
	if err != nil || !strings.Contains(out, "Validation succeeded") {
		t.Fatalf("sloth validate: %v\n%s", err, out)
	}
}

// The rules sloth generates from the spec alert with the factors and
// windows of BurnAlerts, on both levels of every objective, and load in
// each supported Prometheus release.
func TestSlothGeneratesTheBurnAlerts(t *testing.T) {
	testenv.Need(t)
	sloth := testenv.Sloth(t)
	generated := filepath.Join(t.TempDir(), "sloth.rules.yml")
	out, err := testenv.Run(time.Minute, sloth, "generate", "--no-color",
		"-i", "ipsec_slo.sloth.yml", "--slo-period-windows-path", "sloth-windows", "-o", generated)
	if err != nil {
		t.Fatalf("sloth generate: %v\n%s", err, out)
	}
	rf := readRuleFile(t, generated)
	exprs := map[string][]string{} // severity -> alert expressions
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				if r.Alert != "IPSecSLOErrorBudgetBurn" {
					t.Errorf("sloth alert %s, want IPSecSLOErrorBudgetBurn", r.Alert)
				}
				exprs[r.Labels["severity"]] = append(exprs[r.Labels["severity"]], r.Expr)
			}
		}
	}
	levels := len(Objectives) * len(sloLevels)
	for _, b := range BurnAlerts {
		for _, o := range Objectives {
			// Sloth writes the threshold as (factor * error budget).
			threshold := fmt.Sprintf("> (%s * %s)", strconv.FormatFloat(b.Factor, 'f', -1, 64), strconv.FormatFloat(errorBudget(o.Target), 'f', -1, 64))
			n := 0
			for _, e := range exprs[b.Severity] {
				if strings.Contains(e, "slo:sli_error:ratio_rate"+b.LongWindow+"{") && strings.Contains(e, "slo:sli_error:ratio_rate"+b.ShortWindow+"{") && strings.Contains(e, threshold) {
					n++
				}
			}
			if n != len(sloLevels) {
				t.Errorf("%s, %s over %s and %s %s: in %d sloth alerts, want %d", o.SLO, b.Severity, b.LongWindow, b.ShortWindow, threshold, n, len(sloLevels))
			}
		}
	}
	if len(exprs["critical"]) != levels || len(exprs["warning"]) != levels {
		t.Errorf("sloth alerts: %d critical, %d warning, want %d each", len(exprs["critical"]), len(exprs["warning"]), levels)
	}
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		// Sloth gives the alerts of an SLO's two levels the same name and
		// labels, which promtool's duplicate-rule lint reports; their
		// series differ (a peer label or none).
		out, err := testenv.Run(time.Minute, p.Promtool, "check", "rules", "--lint=none", generated)
		if err != nil {
			t.Fatalf("promtool check rules of sloth's output: %v\n%s", err, out)
		}
	})
}

// errorBudget is the error budget of a target, as Sloth prints it.
func errorBudget(target float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(1-target, 'f', 6, 64), 64)
	return v
}

// Every query of the OpenSLO document is PromQL a real Prometheus accepts,
// in each supported release, next to the shipped SLO rules whose input the
// availability queries read.
func TestOpenSLOQueriesRunInPrometheus(t *testing.T) {
	testenv.Need(t)
	var queries []string
	b, err := os.ReadFile("ipsec_slo.openslo.yml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		ratio := get(d, "spec", "indicator", "spec", "ratioMetric")
		for _, h := range []string{"bad", "total", "raw"} {
			if q := str(ratio, h, "metricSource", "spec", "query"); q != "" {
				queries = append(queries, q)
			}
		}
	}
	if len(queries) != 6 {
		t.Fatalf("%d queries in the OpenSLO document, want 6", len(queries))
	}
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		prom := p.StartPrometheus(t, nil, []string{"ipsec_slo.rules.yml"}, "")
		for _, q := range queries {
			prom.Query(t, q)
		}
	})
}
