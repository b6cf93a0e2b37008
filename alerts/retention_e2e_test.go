package alerts

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// Retention the operator can see, in a real Prometheus that scrapes itself:
// the window's coverage is recorded from the first evaluation on, in every
// release; Prometheus 3 exports its time retention, and one keeping 15 days
// (its default) fires IPSecSLORetentionTooShort (for: shortened to 0s),
// one keeping RetentionNeeded does not. The Prometheus 2.42 of Debian 12
// does not export it, so there the alert comes from the coverage, once data
// has been deleted: a promtool test (tests/ipsec_slo_retention.test.yml),
// since no test can wait for a real deletion.
func TestEndToEndRetentionTooShort(t *testing.T) {
	testenv.Need(t, testenv.PrometheusBin)
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		for _, keep := range []string{"15d", RetentionNeeded()} {
			t.Run("keeps "+keep, func(t *testing.T) {
				t.Parallel()
				rules := forShortened(t, "ipsec_slo_retention.rules.yml", func(alert string) (string, bool) { return "0s", alert == RetentionAlertName })
				prom := p.Start(t, testenv.PrometheusOptions{
					RuleFiles:  []string{rules},
					ScrapeSelf: true,
					Args:       []string{"--storage.tsdb.retention.time=" + keep},
				})
				prom.WaitQuery(t, `up{job="prometheus"} == 1`, func(v model.Value) bool { return len(v.(model.Vector)) == 1 })
				// Seconds of rules cover a sliver of the window, never 0
				// (the first evaluation) and never all of it.
				prom.WaitQuery(t, WindowCoverage+` > 0`, func(v model.Value) bool {
					vec := v.(model.Vector)
					return len(vec) == 1 && vec[0].Value < 0.001 && string(vec[0].Metric["window"]) == LongestSLOWindow()
				})
				exported := prom.Query(t, retentionMetric).(model.Vector)
				if want := !strings.HasPrefix(p.Version, "2."); (len(exported) > 0) != want {
					t.Fatalf("Prometheus %s exports %s: %v, want exported %v", p.Version, retentionMetric, exported, want)
				}
				firing := `ALERTS{alertname="` + RetentionAlertName + `", alertstate="firing"}`
				if len(exported) > 0 && keep == "15d" {
					v := prom.WaitQuery(t, firing, func(v model.Value) bool { return len(v.(model.Vector)) == 1 })
					t.Logf("Prometheus %s keeping %s: %v", p.Version, keep, v)
					return
				}
				prom.WaitEvaluation(t, "ipsec_slo_retention_alerts", time.Now())
				if v := prom.Query(t, `ALERTS{alertname="`+RetentionAlertName+`"}`).(model.Vector); len(v) > 0 {
					t.Errorf("Prometheus %s keeping %s: %v, want no alert", p.Version, keep, v)
				}
			})
		}
	})
}
