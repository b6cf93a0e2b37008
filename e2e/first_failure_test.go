package e2e_test

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-jsonnet"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// recommendedScrape is the scrape configuration the mixin (and the README)
// recommend for Prometheus 3, read from mixin.libsonnet so that what is
// tested is what is documented: scrape_protocols with the protobuf format
// first (the text formats do not carry created timestamps the way
// Prometheus reads them cheaply), and the features that store a counter's
// created timestamp as a 0 sample.
func recommendedScrape(t *testing.T) (protocols, features []string) {
	t.Helper()
	vm := jsonnet.MakeVM()
	// The tests run in e2e/: mixin.libsonnet is found on the repository
	// root as a library path.
	vm.Importer(&jsonnet.FileImporter{JPaths: []string{testenv.RepoRoot()}})
	out, err := vm.EvaluateAnonymousSnippet(filepath.Join(testenv.RepoRoot(), "scrape.jsonnet"),
		`local m = import 'mixin.libsonnet'; { protocols: m.prometheusScrapeConfig.scrape_protocols, features: m.prometheusEnableFeatures }`)
	if err != nil {
		t.Fatalf("mixin.libsonnet: %v", err)
	}
	var v struct{ Protocols, Features []string }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Protocols) == 0 || v.Protocols[0] != "PrometheusProto" || len(v.Features) == 0 {
		t.Fatalf("the mixin recommends %+v: want PrometheusProto first and a feature", v)
	}
	return v.Protocols, v.Features
}

// A peer's first failure: the exporter creates the failure series with the
// failure, at 1. With created timestamps (Prometheus 3, protobuf scrape,
// created-timestamp-zero-ingestion) Prometheus stores a 0 at the series'
// birth, so increase() and the SLO rules see the step to 1. Without them
// (Prometheus 2.42, or 3 without the feature) the series starts at 1 and
// increase() says 0; the failure alerts still count it, with their
// "unless ... offset" term. VictoriaMetrics stores no created timestamp,
// but its increase() takes a series' first value for an increase from 0
// when that value is small next to the series' steps, so there increase()
// sees the failure; its rate() does not (it divides only what changed
// between samples), and neither do the SLO rules, which read rates. All
// are shown here, against the real binary and a real net-snmp trap.
func TestEndToEndFirstFailureCounts(t *testing.T) {
	testenv.Need(t, "snmptrap")
	testenv.ForEachRuleEngine(t, func(t *testing.T, e testenv.RuleEngine) {
		p, isPrometheus := e.(testenv.PrometheusRelease)
		t.Run("default scrape", func(t *testing.T) {
			t.Parallel()
			firstFailure(t, e, testenv.PrometheusOptions{}, firstFailureSeen{increase: !isPrometheus})
		})
		if isPrometheus && p.Major() == "3" {
			t.Run("the recommended scrape: protobuf with created timestamps", func(t *testing.T) {
				t.Parallel()
				protocols, features := recommendedScrape(t)
				firstFailure(t, e, testenv.PrometheusOptions{ScrapeProtocols: protocols, Features: features}, firstFailureSeen{created: true, increase: true, rate: true})
			})
		}
	})
}

// firstFailureSeen is what an engine makes of a series' first sample.
type firstFailureSeen struct {
	created  bool // it stored a 0 at the series' created timestamp
	increase bool // increase() counts the first failure
	rate     bool // rate(), and so the SLO rules, count it
}

func firstFailure(t *testing.T, engine testenv.RuleEngine, o testenv.PrometheusOptions, seen firstFailureSeen) {
	const peer = "203.0.113.77"
	e := testenv.StartExporter(t)
	o.ScrapeTargets = []string{strings.TrimPrefix(e.WebURL, "http://")}
	o.RuleFiles = []string{filepath.Join(testenv.RepoRoot(), "alerts", "ipsec_slo.rules.yml")}
	prom := engine.Start(t, o)
	// The engine has scraped the exporter before the failure: the peer is
	// one it has never seen.
	prom.WaitQuery(t, `up{job="ipsec_trap_exporter"} == 1`, func(v model.Value) bool { return len(v.(model.Vector)) == 1 })

	sent := time.Now()
	e.TrapV2c(t, "public", fw+".6.14",
		fw+".5.11.0", "u", "6", fw+".5.7.0", "s", peer, fw+".5.14.0", "s", "GigabitEthernet0/0/1")
	e.WaitValue(t, "ipsec_negotiation_failures_total", map[string]string{"peer": peer}, 1)
	ct := createdTimestamp(t, e.ScrapeProto(t), "ipsec_negotiation_failures_total", peer)
	if ct.Before(sent.Truncate(time.Millisecond)) || ct.After(time.Now()) {
		t.Errorf("created timestamp %v of the failure series, want the first failure's arrival, after %v", ct, sent)
	}

	sel := fmt.Sprintf(`ipsec_negotiation_failures_total{peer=%q}`, peer)
	// Three samples: with created timestamps, the 0 and two scrapes.
	prom.WaitQuery(t, "count_over_time("+sel+"[5m]) >= 3", func(v model.Value) bool { return len(v.(model.Vector)) == 1 })
	samples := prom.Query(t, sel+"[5m]").(model.Matrix)
	if len(samples) != 1 || len(samples[0].Values) < 3 {
		t.Fatalf("%s[5m] = %v, want one series of at least 3 samples", sel, samples)
	}
	first := samples[0].Values[0]
	if seen.created {
		if first.Value != 0 || first.Timestamp != model.TimeFromUnixNano(ct.UnixNano()) {
			t.Errorf("first sample %v @ %v, want 0 at the created timestamp %v", first.Value, first.Timestamp, model.TimeFromUnixNano(ct.UnixNano()))
		}
	} else if first.Value != 1 {
		t.Errorf("first sample %v, want the series to start at 1 without created timestamps", first.Value)
	}

	// increase() evaluated at the last sample, so that no extrapolation
	// past it blurs the count.
	last := sampleTime(t, prom, "timestamp("+sel+")")
	inc := prom.QueryAt(t, "increase("+sel+"[5m])", last).(model.Vector)
	want := 0.0
	if seen.increase {
		want = 1
	}
	if len(inc) != 1 || math.Abs(float64(inc[0].Value)-want) > 1e-9 {
		t.Errorf("increase(%s[5m]) at the last sample = %v, want %v", sel, inc, want)
	}
	t.Logf("%s, created timestamps %v: increase over 5m = %v", engine.Name(), seen.created, inc)

	// The failure alerts' count (a new series counts with its value) sees
	// the failure either way.
	alertCount := fmt.Sprintf("max((%[1]s unless %[1]s offset 5m) or increase(%[1]s[5m]))", sel)
	if v := prom.QueryAt(t, alertCount, last).(model.Vector); len(v) != 1 || v[0].Value != 1 {
		t.Errorf("%s = %v, want 1", alertCount, v)
	}

	// The SLO rules: only where rate() counts the first failure does the
	// peer's negotiation SLI see it (a 100% error ratio: it has no
	// success); elsewhere the SLO rules' failure rate stays 0.
	if seen.rate {
		sli := fmt.Sprintf(`slo:sli_error:ratio_rate5m{slo="negotiation_success",peer=%q}`, peer)
		prom.WaitQuery(t, sli, func(v model.Value) bool {
			vec := v.(model.Vector)
			return len(vec) == 1 && vec[0].Value == 1
		})
		return
	}
	prom.WaitQuery(t, fmt.Sprintf(`ipsec:negotiation_failures:rate5m{peer=%q}`, peer), func(v model.Value) bool {
		vec := v.(model.Vector)
		return len(vec) == 1 && vec[0].Value == 0
	})
}

// createdTimestamp is the created timestamp of the series of metric for
// peer in a protobuf scrape.
func createdTimestamp(t *testing.T, families map[string]*dto.MetricFamily, metric, peer string) time.Time {
	t.Helper()
	for _, m := range families[metric].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "peer" && l.GetValue() == peer {
				ts := m.GetCounter().GetCreatedTimestamp()
				if ts == nil {
					t.Fatalf("%s{peer=%q} has no created timestamp in the protobuf exposition", metric, peer)
				}
				return ts.AsTime()
			}
		}
	}
	t.Fatalf("no %s{peer=%q} in the protobuf exposition", metric, peer)
	return time.Time{}
}

// sampleTime runs a query whose one value is a Unix time in seconds, such
// as timestamp(x), and returns it with the millisecond precision Prometheus
// stores.
func sampleTime(t *testing.T, prom *testenv.Prometheus, query string) time.Time {
	t.Helper()
	v := prom.Query(t, query).(model.Vector)
	if len(v) != 1 {
		t.Fatalf("%s = %v, want one value", query, v)
	}
	ms, err := strconv.ParseInt(strconv.FormatFloat(float64(v[0].Value)*1000, 'f', 0, 64), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.UnixMilli(ms)
}

// After a crash, a failure series the exporter restores from its state
// directory starts its counter at 0 at the restart, and says so: its
// created timestamp is the restart, not the first failure before it.
// Prometheus reads the 0 as the counter reset it is, and the next failure
// as a step from 0 to 1. (After a clean stop the counter continues:
// restart_counters_test.go.)
func TestEndToEndRestoredCounterIsCreatedAtTheRestart(t *testing.T) {
	testenv.Need(t, "snmptrap")
	const peer = "203.0.113.78"
	e := testenv.StartExporter(t, "--storage.write-interval=1s")
	e.TrapV2c(t, "public", fw+".6.14",
		fw+".5.11.0", "u", "6", fw+".5.7.0", "s", peer, fw+".5.14.0", "s", "GigabitEthernet0/0/1")
	e.WaitValue(t, "ipsec_negotiation_failures_total", map[string]string{"peer": peer}, 1)
	born := createdTimestamp(t, e.ScrapeProto(t), "ipsec_negotiation_failures_total", peer)
	waitStateHolds(t, e, func(st *state.State) bool {
		return slices.ContainsFunc(st.Failures, func(f state.Failure) bool { return f.Peer == peer })
	})

	e.Kill(t)
	restart := time.Now()
	e.Restart(t)
	families := e.ScrapeProto(t)
	ct := createdTimestamp(t, families, "ipsec_negotiation_failures_total", peer)
	if ct.Before(restart.Truncate(time.Millisecond)) || ct.After(time.Now()) {
		t.Errorf("restored series created %v, want the restart (after %v); it was first created %v", ct, restart, born)
	}
	if v := testenv.MustValue(t, families, "ipsec_negotiation_failures_total", map[string]string{"peer": peer}); v != 0 {
		t.Errorf("restored failure counter = %v, want 0", v)
	}
	last := testenv.MustValue(t, families, "ipsec_negotiation_last_failure_timestamp_seconds", map[string]string{"peer": peer})
	if at := time.Unix(0, int64(last*1e9)); at.After(restart) || at.Before(born.Add(-time.Second)) {
		t.Errorf("restored last failure %v, want the failure before the restart (%v)", last, born)
	}
}
