package dashboards

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Traps of the firewall family (HUAWEI-SECURITY-IPSEC-MIB), as a device
// sends them.
const (
	oidNegoFail    = "1.3.6.1.4.1.2011.6.122.26.6.14"
	oidTunnelStart = "1.3.6.1.4.1.2011.6.122.26.6.1"
	oidTunnelStop  = "1.3.6.1.4.1.2011.6.122.26.6.2"
	oidReasonCode  = "1.3.6.1.4.1.2011.6.122.26.5.11.0"
	oidPeerAddress = "1.3.6.1.4.1.2011.6.122.26.5.7.0"
	oidIfName      = "1.3.6.1.4.1.2011.6.122.26.5.14.0"
	oidOffline     = "1.3.6.1.4.1.2011.6.122.26.5.12.0"
	oidTunnelDstIP = "1.3.6.1.4.1.2011.6.122.26.2.1.5.1.1" // table column with index 1

	peerA = "203.0.113.9"  // fails, comes up, goes down on dpd timeout
	peerB = "198.51.100.7" // fails, comes up and stays up
	peerC = "192.0.2.44"   // comes up, is taken down by an operator (planned)
	// The exporter has no config file, so the device is the sender's
	// address.
	device = "127.0.0.1"
	job    = "ipsec_trap_exporter" // testenv.StartPrometheus's job
)

// trap is one snmptrap invocation after "-v 2c -c COMMUNITY AGENT".
type trap []string

func negoFail(code int, peer, iface string) trap {
	return trap{"", oidNegoFail, oidReasonCode, "u", strconv.Itoa(code), oidPeerAddress, "s", peer, oidIfName, "s", iface}
}

func tunnelStart(peer string) trap { return trap{"", oidTunnelStart, oidTunnelDstIP, "s", peer} }

func tunnelStop(peer, reason string) trap {
	return trap{"", oidTunnelStop, oidTunnelDstIP, "s", peer, oidOffline, "s", reason}
}

// rounds of traps: the second repeats the failures and cycles peers A and
// C, so that every counter has increased between two scrapes (increase()
// and rate() see nothing of a series' first sample) and A ends down
// (unplanned), B up, C down on purpose (planned).
var rounds = [][]trap{
	{
		negoFail(1, peerA, "GigabitEthernet0/0/1"),
		negoFail(6, peerA, "GigabitEthernet0/0/1"),
		negoFail(17, peerB, "GigabitEthernet0/0/2"),
		negoFail(999, peerB, "GigabitEthernet0/0/2"), // not in the catalogue: reason "unknown"
		tunnelStart(peerA),
		tunnelStart(peerB),
		tunnelStop(peerA, "dpd timeout"),
		tunnelStart(peerC),
		tunnelStop(peerC, "config modify or manual offline"),
	},
	{
		negoFail(1, peerA, "GigabitEthernet0/0/1"),
		negoFail(6, peerA, "GigabitEthernet0/0/1"),
		negoFail(17, peerB, "GigabitEthernet0/0/2"),
		negoFail(999, peerB, "GigabitEthernet0/0/2"),
		tunnelStart(peerA),
		tunnelStart(peerB),
		tunnelStop(peerA, "dpd timeout"),
		tunnelStart(peerC),
		tunnelStop(peerC, "config modify or manual offline"),
	},
}

// Grafana's values for its built-in variables, for a 1 s scrape interval:
// $__rate_interval is at least four scrape intervals; a minute keeps the
// windows full of samples.
var builtins = map[string]string{
	"__rate_interval": "1m",
	"__range":         "5m",
	"__interval":      "15s",
}

// TestPanelsAgainstPrometheus runs every panel's queries, interpolated as
// Grafana would, against a real Prometheus scraping an HA pair of exporters
// that received real traps of every kind; in each supported Prometheus
// release.
func TestPanelsAgainstPrometheus(t *testing.T) {
	testenv.Need(t, "snmptrap")
	for _, tr := range rounds[0] {
		if tr[1] == oidNegoFail {
			code, _ := strconv.Atoi(tr[4])
			if _, known := mib.ReasonByCode(code); known != (code != 999) {
				t.Fatalf("reason code %d: catalogue membership is not what the test assumes", code)
			}
		}
	}
	testenv.ForEachPrometheus(t, func(t *testing.T, p testenv.PrometheusRelease) {
		t.Parallel()
		panelsAgainstPrometheus(t, p)
	})
}

func panelsAgainstPrometheus(t *testing.T, release testenv.PrometheusRelease) {
	start := time.Now()
	// Two exporters receiving the same traps: an HA pair.
	exporters := []*testenv.Exporter{testenv.StartExporter(t), testenv.StartExporter(t)}
	var targets []string
	for _, e := range exporters {
		targets = append(targets, strings.TrimPrefix(e.WebURL, "http://"))
	}
	prom := release.StartPrometheus(t, targets, ruleFiles(t), "")

	sent := 0
	for _, round := range rounds {
		for _, tr := range round {
			for _, e := range exporters {
				testenv.SNMPTrap(t, append([]string{"-v", "2c", "-c", "public", e.TrapAddr}, tr...)...)
			}
		}
		// A forged community, for the drops panel.
		for _, e := range exporters {
			testenv.SNMPTrap(t, append([]string{"-v", "2c", "-c", "not-the-community", e.TrapAddr}, tunnelStart(peerB)...)...)
		}
		sent += len(round)
		want := float64(sent * len(exporters))
		prom.WaitQuery(t, "sum(ipsec_notifications_total)", func(v model.Value) bool {
			vec, ok := v.(model.Vector)
			return ok && len(vec) == 1 && float64(vec[0].Value) == want
		})
	}

	// increase() extrapolates from the samples it has: with a handful it can
	// double a count, which would hide a sum across the HA pair. Ten samples
	// per series keep the extrapolation below 20%.
	prom.WaitQuery(t, "min(count_over_time(ipsec_negotiation_failures_total[1m])) >= 10", func(v model.Value) bool {
		return !empty(v)
	})

	// The SLO panels must have data: wait until every SLI record that does
	// not wait for a bucket has been evaluated. Records built from the SLO
	// rules' buckets have series only once a bucket opens, at a 5-minute,
	// hourly or 6-hour mark of the clock, which this test may not cross:
	// their panels are checked when they have data.
	bucketFed := bucketFedRecords(t)
	var unbucketed []string
	for _, name := range recordedRules(t) {
		if strings.HasPrefix(name, "slo:sli_error:") && !bucketFed[name] && !slices.Contains(unbucketed, name) {
			unbucketed = append(unbucketed, name)
		}
	}
	if len(unbucketed) == 0 {
		t.Fatal("no SLO record is evaluated without a bucket: the wait below would prove nothing")
	}
	prom.WaitQuery(t, `count(count by (__name__) ({__name__=~"`+strings.Join(unbucketed, "|")+`", sli_level="peer"}))`, func(v model.Value) bool {
		vec, ok := v.(model.Vector)
		return ok && len(vec) == 1 && int(vec[0].Value) == len(unbucketed)
	})

	// Every exporter metric the dashboards may name is really exposed.
	families := exporters[0].Scrape(t)
	for _, m := range exporterMetrics {
		if _, ok := families[m]; !ok {
			t.Errorf("%s is on the dashboards' allowlist but not in the exporter's /metrics", m)
		}
	}

	instance := targets[0]
	modes := []struct {
		name string
		vals map[string]string // selected values; "" selects All
	}{
		{"all", map[string]string{"job": "", "instance": "", "device": "", "peer": ""}},
		{"selected", map[string]string{"job": job, "instance": instance, "device": device, "peer": peerA}},
	}
	// The files users import, not the generator's structs; the generator
	// only says which panels must have data.
	mustHaveData := map[string]bool{}
	for _, d := range generated(t) {
		for title, must := range d.MustHaveData {
			mustHaveData[str(d.Uid)+"/"+title] = must
		}
	}
	results := map[string]model.Value{} // "uid/mode/title/refId"
	for file, d := range loadDashboards(t, "*.json") {
		uid := str(d.Uid)
		for _, mode := range modes {
			vars := interpolationValues(d, mode.vals)
			t.Run(uid+"/"+mode.name+"/variables", func(t *testing.T) {
				for _, v := range d.Templating.List {
					if v.Type != dashboard.VariableTypeQuery {
						continue
					}
					checkVariable(t, prom, v, vars)
				}
			})
			for _, p := range panels(d) {
				title := str(p.Title)
				t.Run(uid+"/"+mode.name+"/"+title, func(t *testing.T) {
					must, known := mustHaveData[uid+"/"+title]
					if !known {
						t.Fatalf("%s: panel not produced by the generator: run go generate ./dashboards", file)
					}
					qs := promTargets(p)
					if len(qs) != len(p.Targets) {
						t.Fatalf("%s: a target is not a Prometheus query", file)
					}
					for _, q := range qs {
						expr := interpolate(q.Expr, vars)
						v := prom.Query(t, expr) // fails on a query error or warning
						results[uid+"/"+mode.name+"/"+title+"/"+str(q.RefId)] = v
						t.Logf("%s: %s\n=> %v", str(q.RefId), expr, v)
						if must && empty(v) && !readsAny(expr, bucketFed) {
							t.Errorf("target %s returned no data: %s", str(q.RefId), expr)
						}
					}
				})
			}
		}
	}

	// HA: two exporters saw every trap, yet each tunnel and each failure
	// counts once. Each failure series went from 1 to 2 in range; increase()
	// extrapolates a little past 1, a sum across the pair would give 2.
	for key, check := range map[string]func(model.Vector) bool{
		// A (unplanned) and C (planned) are down; the table lists A only,
		// since when it went down.
		"ipsec-overview/all/Tunnels down now/A": func(v model.Vector) bool { return len(v) == 1 && v[0].Value == 2 },
		"ipsec-overview/all/Tunnels down/A": func(v model.Vector) bool {
			return len(v) == 1 && v[0].Metric["peer"] == peerA && v[0].Value == 0
		},
		"ipsec-overview/all/Tunnels down/B": func(v model.Vector) bool {
			return len(v) == 1 && v[0].Metric["peer"] == peerA &&
				int64(v[0].Value) >= start.Add(-time.Second).UnixMilli() && int64(v[0].Value) <= time.Now().UnixMilli()
		},
		"ipsec-overview/all/Tunnels up now/A": func(v model.Vector) bool { return len(v) == 1 && v[0].Value == 1 },
		"ipsec-overview/all/Failing peers in range/A": func(v model.Vector) bool {
			return len(v) == 1 && v[0].Value == 2
		},
		"ipsec-overview/all/Reason codes in range (legend)/A": func(v model.Vector) bool {
			for _, s := range v {
				if s.Value < 0.5 || s.Value > 1.5 {
					return false
				}
			}
			return len(v) == 4 // codes 1, 6, 17 and the unknown 999
		},
		"ipsec-drilldown/selected/Stop reasons in range/A": func(v model.Vector) bool {
			return len(v) == 1 && v[0].Metric["reason"] == "dpd_timeout" && v[0].Metric["peer"] == peerA
		},
	} {
		v, ok := results[key].(model.Vector)
		if !ok || !check(v) {
			t.Errorf("%s = %v", key, results[key])
		}
	}
}

func empty(v model.Value) bool {
	switch v := v.(type) {
	case model.Vector:
		return len(v) == 0
	case model.Matrix:
		return len(v) == 0
	}
	return v == nil
}

// grafanaRegexEscape is what Grafana's Prometheus data source does to the
// values of a multi-value or All variable: it escapes regex metacharacters
// with a backslash that is itself escaped for the PromQL string.
func grafanaRegexEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\\\`)
		case strings.ContainsRune(`$^*{}[]'+?.()|`, r):
			b.WriteString(`\\` + string(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// interpolationValues is the text Grafana substitutes for each variable of
// d: the All value, an escaped selection for multi-value variables, the
// value as is for single-value ones, and the built-ins.
func interpolationValues(d *dashboard.Dashboard, selected map[string]string) map[string]string {
	now := time.Now()
	vals := map[string]string{
		"__from": strconv.FormatInt(now.Add(-5*time.Minute).UnixMilli(), 10),
		"__to":   strconv.FormatInt(now.UnixMilli(), 10),
	}
	for k, v := range builtins {
		vals[k] = v
	}
	for _, v := range d.Templating.List {
		if v.Type != dashboard.VariableTypeQuery {
			continue
		}
		sel := selected[v.Name]
		switch {
		case sel == "" && flag(v.IncludeAll):
			vals[v.Name] = str(v.AllValue)
		case sel == "":
			// No All: Grafana selects the first value.
			vals[v.Name] = firstValue[v.Name]
		case flag(v.Multi) || flag(v.IncludeAll):
			vals[v.Name] = grafanaRegexEscape(sel)
		default:
			vals[v.Name] = sel
		}
	}
	return vals
}

// firstValue is what Grafana selects in a variable without All when the
// user has not chosen: its first value, the only device of the test.
var firstValue = map[string]string{"device": device}

var varRef = regexp.MustCompile(`\$\{([a-zA-Z0-9_]+)(?::[a-z]+)?\}|\$([a-zA-Z0-9_]+)`)

// interpolate replaces $name and ${name}; an unknown variable is left in
// place, so Prometheus rejects the query and the test says which.
func interpolate(expr string, vals map[string]string) string {
	return varRef.ReplaceAllStringFunc(expr, func(m string) string {
		sm := varRef.FindStringSubmatch(m)
		name := sm[1] + sm[2]
		if v, ok := vals[name]; ok {
			return v
		}
		return m
	})
}

// checkVariable runs a label_values variable query: its selector must
// select series and the label must have values.
func checkVariable(t *testing.T, prom *testenv.Prometheus, v dashboard.VariableModel, vals map[string]string) {
	t.Helper()
	q := varQuery(v)
	m := labelValuesRe.FindStringSubmatch(q)
	if m == nil {
		t.Errorf("variable %s: not label_values: %q", v.Name, q)
		return
	}
	expr := fmt.Sprintf("count by (%s) (%s)", m[2], interpolate(m[1], vals))
	if res := prom.Query(t, expr); empty(res) {
		t.Errorf("variable %s has no values: %s", v.Name, expr)
	}
}
