package dashboards

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// The topology of docs/scaling.md: devices sharded across two HA pairs of
// exporters (each device sends to both exporters of its pair), one
// Prometheus scraping all four, with the shipped rules. The answer to every
// recording rule and dashboard query must be the one a single exporter
// receiving every trap gives (a second Prometheus scraping it, with the
// same rules): sharding and replication neither double nor lose anything.

// Devices of each shard. They are told apart by snmpTrapAddress.0 (a
// proxied trap), since every trap of the test comes from 127.0.0.1.
var shardDevices = [][]string{
	{"192.0.2.11", "192.0.2.12"},
	{"198.51.100.21", "198.51.100.22"},
}

const (
	oidSnmpTrapAddress = "1.3.6.1.6.3.18.1.3.0"
	scalingRounds      = 4
	// Relative tolerance of a comparison. Rates and increases extrapolate
	// from each target's own scrape times (up to half a scrape interval at
	// either end of a series at least 40 s old), and an availability
	// average counts rule evaluations on each server's own clock, so two
	// correct setups differ a little (at most 1.8% in five runs); an HA
	// pair summed instead of merged is off by 100%, a lost shard by all.
	scalingTolerance = 0.1
)

// scalingTraps are the traps of device in round r. Every series gets
// exactly one increment per round, so that each series' first sample holds
// the same value on every exporter whatever the scrape timing: peer A fails
// with two reasons and comes up every round; peer B fails with a code the
// catalogue does not know and, in the first round, comes up and goes down
// on a DPD timeout for good.
func scalingTraps(device string, r int) []trap {
	peerA, peerB := "203.0.113.9", "198.51.100.7"
	traps := []trap{
		negoFail(1, peerA, "GigabitEthernet0/0/1"),
		negoFail(6, peerA, "GigabitEthernet0/0/1"),
		negoFail(999, peerB, "GigabitEthernet0/0/2"),
		tunnelStart(peerA),
	}
	if r == 0 {
		traps = append(traps, tunnelStart(peerB), tunnelStop(peerB, "dpd timeout"))
	}
	for i, tr := range traps {
		traps[i] = append(slices.Clone(tr), oidSnmpTrapAddress, "a", device)
	}
	return traps
}

func TestShardedHAPairsMatchOneExporter(t *testing.T) {
	testenv.Need(t, "snmptrap", testenv.PrometheusBin)

	shards := make([][]*testenv.Exporter, len(shardDevices))
	var fleetTargets []string
	for s := range shards {
		for range 2 {
			e := testenv.StartExporter(t)
			shards[s] = append(shards[s], e)
			fleetTargets = append(fleetTargets, strings.TrimPrefix(e.WebURL, "http://"))
		}
	}
	single := testenv.StartExporter(t)
	fleet := testenv.StartPrometheus(t, fleetTargets, ruleFiles(t), "")
	reference := testenv.StartPrometheus(t, []string{strings.TrimPrefix(single.WebURL, "http://")}, ruleFiles(t), "")

	sent := 0
	for r := range scalingRounds {
		for s, devices := range shardDevices {
			for _, device := range devices {
				for _, tr := range scalingTraps(device, r) {
					for _, e := range append(slices.Clone(shards[s]), single) {
						testenv.SNMPTrap(t, append([]string{"-v", "2c", "-c", "public", e.TrapAddr}, tr...)...)
					}
					sent++
				}
			}
		}
		// Each round is scraped everywhere before the next one starts.
		waitSum(t, fleet, "sum(ipsec_notifications_total)", float64(2*sent))
		waitSum(t, reference, "sum(ipsec_notifications_total)", float64(sent))
	}
	// Enough samples that extrapolation is a small effect, and every rule
	// evaluated over them.
	for _, p := range []*testenv.Prometheus{fleet, reference} {
		p.WaitQuery(t, "min(count_over_time(ipsec_negotiation_failures_total[5m])) >= 40", nonEmpty)
		p.WaitQuery(t, "min(count_over_time(slo:sli_error:ratio_rate5m[5m])) >= 10", nonEmpty)
	}
	at := time.Now().Add(-2 * time.Second) // both servers have evaluated by then

	worst, worstExpr := 0.0, ""
	compare := func(t *testing.T, expr string) (model.Vector, bool) {
		t.Helper()
		got := toVector(t, fleet.QueryAt(t, expr, at))
		want := toVector(t, reference.QueryAt(t, expr, at))
		if diff, dev := vectorsDiffer(got, want); diff != "" {
			t.Errorf("%s\nsharded HA pairs: %v\none exporter:     %v\n%s", expr, got, want, diff)
		} else if dev >= worst {
			worst, worstExpr = dev, expr
		}
		return want, len(want) > 0
	}

	// The comparison notices what it is for: counting each HA pair twice.
	doubled := `sum by (device, peer) (ipsec_negotiation_failures_total)`
	if diff, _ := vectorsDiffer(toVector(t, fleet.QueryAt(t, doubled, at)), toVector(t, reference.QueryAt(t, doubled, at))); diff == "" {
		t.Errorf("a sum across the HA pairs went unnoticed: %s", doubled)
	}

	// Every recording rule, all of its series.
	names := recordedRules(t)
	slices.Sort(names)
	// Records built from the SLO rules' buckets have series only once a
	// bucket opens, at a 5-minute, hourly or 6-hour mark of the clock,
	// which a test of a minute may not cross: compared when they exist.
	bucketFed := bucketFedRecords(t)
	for _, name := range slices.Compact(names) {
		t.Run("rule/"+name, func(t *testing.T) {
			if _, ok := compare(t, name); !ok && !bucketFed[name] {
				t.Errorf("%s has no series: the comparison would prove nothing", name)
			}
		})
	}

	// Every query of the dashboards about devices and peers, for one device
	// of each shard. The exporter-health dashboard is per instance by
	// design, so four exporters and one differ there.
	mustHaveData := map[string]bool{}
	for _, d := range All(alerts.DefaultRunbookURL) {
		for title, must := range d.MustHaveData {
			mustHaveData[str(d.Uid)+"/"+title] = must
		}
	}
	// A rate window that covers the whole test, as Grafana's
	// $__rate_interval does on a dashboard range of a few hours: with a
	// short window the answer would depend on when each server scraped.
	vars := map[string]string{"__rate_interval": "5m"}
	queries := 0
	for _, d := range loadDashboards(t, "*.json") {
		uid := str(d.Uid)
		if uid == UIDHealth {
			continue
		}
		for s, devices := range shardDevices {
			vals := interpolationValues(d, map[string]string{"device": devices[s%len(devices)]})
			for k, v := range vars {
				vals[k] = v
			}
			for _, p := range panels(d) {
				title := str(p.Title)
				for _, q := range promTargets(p) {
					expr := interpolate(q.Expr, vals)
					t.Run(fmt.Sprintf("%s/shard%d/%s/%s", uid, s+1, title, str(q.RefId)), func(t *testing.T) {
						queries++
						if _, ok := compare(t, expr); !ok && mustHaveData[uid+"/"+title] && !readsAny(expr, bucketFed) {
							t.Errorf("no data: the comparison would prove nothing")
						}
					})
				}
			}
		}
	}
	t.Logf("compared %d recording rules and %d dashboard queries; largest relative difference %.2f%%, of %s", len(slices.Compact(names)), queries, 100*worst, worstExpr)
}

func nonEmpty(v model.Value) bool { return !empty(v) }

// bucketFedRecords are the records of the rule files that are SLO buckets
// (named *_bucket) or read one, directly or through other records.
func bucketFedRecords(t *testing.T) map[string]bool {
	t.Helper()
	exprs := map[string][]string{}
	for _, f := range ruleFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Groups []struct {
				Rules []struct {
					Record string `yaml:"record"`
					Expr   string `yaml:"expr"`
				} `yaml:"rules"`
			} `yaml:"groups"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range doc.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					exprs[r.Record] = append(exprs[r.Record], r.Expr)
				}
			}
		}
	}
	fed := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for name, es := range exprs {
			if fed[name] {
				continue
			}
			for _, e := range es {
				if strings.HasSuffix(name, "_bucket") || readsAny(e, fed) {
					fed[name], changed = true, true
					break
				}
			}
		}
	}
	return fed
}

// readsAny says whether expr names one of the records.
func readsAny(expr string, records map[string]bool) bool {
	for _, n := range metricName.FindAllString(expr, -1) {
		if records[n] {
			return true
		}
	}
	return false
}

var metricName = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)

func waitSum(t *testing.T, p *testenv.Prometheus, expr string, want float64) {
	t.Helper()
	p.WaitQuery(t, expr, func(v model.Value) bool {
		vec, ok := v.(model.Vector)
		return ok && len(vec) == 1 && float64(vec[0].Value) == want
	})
}

func toVector(t *testing.T, v model.Value) model.Vector {
	t.Helper()
	switch v := v.(type) {
	case model.Vector:
		return v
	case *model.Scalar:
		return model.Vector{{Metric: model.Metric{}, Value: v.Value, Timestamp: v.Timestamp}}
	}
	t.Fatalf("unexpected result type %T", v)
	return nil
}

// vectorsDiffer says how two answers differ: in their label sets, or in a
// value by more than scalingTolerance. It also returns the largest
// relative difference of the values.
func vectorsDiffer(got, want model.Vector) (string, float64) {
	index := func(v model.Vector) map[string]float64 {
		m := map[string]float64{}
		for _, s := range v {
			m[s.Metric.String()] = float64(s.Value)
		}
		return m
	}
	g, w := index(got), index(want)
	var problems []string
	worst := 0.0
	var keys []string
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		gv, ok := g[k]
		if !ok {
			problems = append(problems, "missing "+k)
			continue
		}
		wv := w[k]
		if math.IsNaN(gv) || math.IsNaN(wv) {
			if math.IsNaN(gv) != math.IsNaN(wv) {
				problems = append(problems, fmt.Sprintf("%s: %v, want %v", k, gv, wv))
			}
			continue
		}
		dev := 0.0
		if scale := math.Max(math.Abs(gv), math.Abs(wv)); scale > 0 {
			dev = math.Abs(gv-wv) / scale
		}
		worst = math.Max(worst, dev)
		if dev > scalingTolerance {
			problems = append(problems, fmt.Sprintf("%s: %s, want %s (%.1f%% off)", k,
				strconv.FormatFloat(gv, 'g', 6, 64), strconv.FormatFloat(wv, 'g', 6, 64), 100*dev))
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			problems = append(problems, "extra "+k)
		}
	}
	return strings.Join(problems, "\n"), worst
}
