//go:build ignore

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	pmodel "github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"
)

type ruleFile struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Rules    []struct {
			Record string            `yaml:"record"`
			Alert  string            `yaml:"alert"`
			Expr   string            `yaml:"expr"`
			Labels map[string]string `yaml:"labels"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readRules(path string) (ruleFile, error) {
	var f ruleFile
	b, err := os.ReadFile(path)
	if err == nil {
		err = yaml.Unmarshal(b, &f)
	}
	return f, err
}

// inHistory are the records generate writes; compare inlines every other
// record a query reads.
var inHistory = regexp.MustCompile(`^ipsec:(slo_sli_evaluation:.*|negotiation_(failures|successes):rate(5m|5m_bucket|1h_bucket|6h_bucket)|tunnel_available:(newest|avg5m_bucket|avg1h_bucket|avg6h_bucket))$`)

var name = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)

// inline replaces the records of e that are not in the history with their
// rules (records with one rule only).
func inline(e string, exprs map[string]string) string {
	return name.ReplaceAllStringFunc(e, func(n string) string {
		if x, ok := exprs[n]; ok && !inHistory.MatchString(n) {
			return "(" + inline(x, exprs) + ")"
		}
		return n
	})
}

type vec map[string]float64 // device/peer -> value

func query(base, q string, at int64) (vec, error) {
	v := url.Values{"query": {q}, "time": {strconv.FormatInt(at, 10)}}
	resp, err := http.PostForm(base+"/api/v1/query", v)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", q, r.Error)
	}
	out := vec{}
	for _, s := range r.Data.Result {
		f, _ := strconv.ParseFloat(s.Value[1].(string), 64)
		out[s.Metric["device"]+"/"+s.Metric["peer"]] = f
	}
	return out, nil
}

type burn struct {
	long, short string
	factor      float64
	minFailures float64
}

var burnExpr = regexp.MustCompile(`(?s)slo:sli_error:ratio_rate(\w+) > on \(slo\) group_left \(\) \(([\d.]+) \*.*slo:sli_error:ratio_rate(\w+) > .*increase\w+ < (\d+)`)

// windowSLIs are one window's SLIs, both ways.
type windowSLIs struct {
	neg, avail [2]map[string]float64 // [peer, device] level
	failures   [2]map[string]float64 // failure counts over the window
}

// compareRules are what compare needs of the rule file: each record's
// expression, the availability SLI per window, the error budgets and the
// burn alerts.
type compareRules struct {
	exprs, availExpr map[string]string
	budget           map[string]float64
	burns            []burn
	windows          []string
}

func readCompareRules(path string) (compareRules, error) {
	f, err := readRules(path)
	c := compareRules{exprs: map[string]string{}, availExpr: map[string]string{}, budget: map[string]float64{}}
	if err != nil {
		return c, err
	}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			switch {
			case r.Record == "slo:objective:ratio":
				v, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(r.Expr, "vector("), ")"), 64)
				c.budget[r.Labels["slo"]] = 1 - v
			case strings.HasPrefix(r.Record, "slo:sli_error:ratio_rate") && r.Labels["slo"] == "tunnel_availability" && r.Labels["sli_level"] == "peer":
				w := strings.TrimPrefix(r.Record, "slo:sli_error:ratio_rate")
				c.availExpr[w] = r.Expr
				c.windows = append(c.windows, w)
			case r.Alert != "":
				m := burnExpr.FindStringSubmatch(r.Expr)
				if m == nil {
					return c, fmt.Errorf("burn alert %q: not understood", r.Expr)
				}
				fac, _ := strconv.ParseFloat(m[2], 64)
				minF, _ := strconv.ParseFloat(m[4], 64)
				c.burns = append(c.burns, burn{m[1], m[3], fac, minF})
			case r.Record != "" && len(r.Labels) == 0:
				c.exprs[r.Record] = r.Expr
			}
		}
	}
	return c, nil
}

// compare computes, at the last evaluation of the history, each window's
// SLIs from the rules' records (queried from Prometheus, which runs the
// rules' expressions over the records generate wrote) and from the raw
// series (rate() and avg_over_time as the rules before computed them,
// over the model's samples), and prints the largest differences and the
// burn alerts that would change state.
func compare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	base := fs.String("url", "", "Prometheus URL")
	rulesPath := fs.String("rules", "", "the SLO rule file")
	end := fs.Int64("end", 0, "the history's last evaluation, Unix seconds")
	days := fs.Int("days", 30, "days of data")
	devices := fs.Int("devices", 100, "devices")
	peers := fs.Int("peers", 100, "peers per device")
	instances := fs.Int("instances", 2, "exporters")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(args)
	c, err := readCompareRules(*rulesPath)
	if err != nil {
		return err
	}
	m := newModel(*end, *days, *devices, *peers, *instances, *seed, time.Minute)
	if err := checkRate(m, *base, c.exprs, *end); err != nil {
		return err
	}
	all := map[string]windowSLIs{}
	for _, w := range c.windows {
		if err := compareWindow(m, *base, c, w, *end, all); err != nil {
			return err
		}
	}
	for _, b := range c.burns {
		reportBurn(b, c.budget, all)
	}
	return nil
}

// checkRate compares this tool's rate() with the engine's over the raw
// series of the last hours.
func checkRate(m *model, base string, exprs map[string]string, at int64) error {
	T := at * 1000
	for _, w := range []string{"5m", "30m", "1h"} {
		for _, kind := range []string{"failures", "successes"} {
			raw := strings.Replace(exprs["ipsec:negotiation_"+kind+":rate5m"], "[5m]", "["+w+"]", 1)
			got, err := query(base, raw, at)
			if err != nil {
				return err
			}
			wms := int64(durationOf(w) / time.Millisecond)
			worst := 0.0
			for _, p := range m.peers {
				var v float64
				var ok bool
				if kind == "failures" {
					v, ok = m.failuresRate(p, T, wms)
				} else {
					v, ok = m.rate(p.successes, T, wms)
				}
				g, gok := got[p.device+"/"+p.peer]
				if ok != gok {
					worst = math.Inf(1)
				} else if d := math.Abs(g - v); ok && d > worst {
					worst = d
				}
			}
			fmt.Printf("check rate(%s[%s]) engine vs this tool: largest difference %.3g over %d peers\n", kind, w, worst, len(m.peers))
		}
	}
	return nil
}

// compareWindow reports one window's SLIs both ways and keeps them in all.
func compareWindow(m *model, base string, c compareRules, w string, at int64, all map[string]windowSLIs) error {
	T := at * 1000
	wms := int64(durationOf(w) / time.Millisecond)
	var got [3]vec
	for i, q := range []string{c.exprs["ipsec:negotiation_failures:rate"+w], c.exprs["ipsec:negotiation_successes:rate"+w], c.availExpr[w]} {
		v, err := query(base, inline(q, c.exprs), at)
		if err != nil {
			return err
		}
		got[i] = v
	}
	fRaw, sRaw, aRaw := vec{}, vec{}, vec{}
	for _, p := range m.peers {
		k := p.device + "/" + p.peer
		if v, ok := m.failuresRate(p, T, wms); ok {
			fRaw[k] = v
		}
		if v, ok := m.rate(p.successes, T, wms); ok {
			sRaw[k] = v
		}
		aRaw[k] = 1 - m.meanAvailable(p, T, wms)
	}
	secs := float64(wms) / 1000
	rec, raw := slis(got[0], got[1], got[2], secs), slis(fRaw, sRaw, aRaw, secs)
	all[w+" rules"], all[w+" raw"] = rec, raw
	for lvl, level := range []string{"peer", "device"} {
		report(w, "negotiation_success", level, raw.neg[lvl], rec.neg[lvl])
		report(w, "tunnel_availability", level, raw.avail[lvl], rec.avail[lvl])
	}
	return nil
}

// reportBurn prints, for a burn alert, which series fire with the raw
// SLIs only and which with the rules' only.
func reportBurn(b burn, budget map[string]float64, all map[string]windowSLIs) {
	for lvl, level := range []string{"peer", "device"} {
		for _, slo := range []string{"negotiation_success", "tunnel_availability"} {
			firing := func(way string) map[string]bool {
				long, short := all[b.long+" "+way], all[b.short+" "+way]
				l, s := long.avail[lvl], short.avail[lvl]
				if slo == "negotiation_success" {
					l, s = long.neg[lvl], short.neg[lvl]
				}
				out := map[string]bool{}
				for k, v := range l {
					sv, ok := s[k]
					if !ok || v <= b.factor*budget[slo] || sv <= b.factor*budget[slo] {
						continue
					}
					if slo == "negotiation_success" && long.failures[lvl][k] < b.minFailures {
						continue
					}
					out[k] = true
				}
				return out
			}
			raw, rec := firing("raw"), firing("rules")
			var onlyRaw, onlyRules []string
			for k := range raw {
				if !rec[k] {
					onlyRaw = append(onlyRaw, k)
				}
			}
			for k := range rec {
				if !raw[k] {
					onlyRules = append(onlyRules, k)
				}
			}
			sort.Strings(onlyRaw)
			sort.Strings(onlyRules)
			fmt.Printf("alert %s/%s x%g %s %s: firing raw=%d rules=%d only_raw=%v only_rules=%v\n",
				b.long, b.short, b.factor, slo, level, len(raw), len(rec), onlyRaw, onlyRules)
		}
	}
}

func durationOf(w string) time.Duration {
	d, err := pmodel.ParseDuration(w)
	if err != nil {
		panic(err)
	}
	return time.Duration(d)
}

// slis are the rules' SLIs from per-peer failure and success rates and
// unavailability: a side without a series counts as zero when the other
// has one; no events, no SLI.
func slis(f, s, unavail vec, secs float64) windowSLIs {
	var out windowSLIs
	for i := range 2 {
		out.neg[i], out.avail[i], out.failures[i] = map[string]float64{}, map[string]float64{}, map[string]float64{}
	}
	devF, devS := map[string]float64{}, map[string]float64{}
	devHas := map[string]bool{}
	keys := map[string]bool{}
	for k := range f {
		keys[k] = true
	}
	for k := range s {
		keys[k] = true
	}
	for k := range keys {
		dev := strings.Split(k, "/")[0]
		devF[dev] += f[k]
		devS[dev] += s[k]
		devHas[dev] = true
		if _, ok := f[k]; ok {
			out.failures[0][k] = f[k] * secs
			out.failures[1][dev] += f[k] * secs
		}
		if t := f[k] + s[k]; t > 0 {
			out.neg[0][k] = f[k] / t
		}
	}
	for dev := range devHas {
		if t := devF[dev] + devS[dev]; t > 0 {
			out.neg[1][dev] = devF[dev] / t
		}
	}
	sum, n := map[string]float64{}, map[string]int{}
	for k, v := range unavail {
		out.avail[0][k] = v
		dev := strings.Split(k, "/")[0]
		sum[dev] += v
		n[dev]++
	}
	for dev := range sum {
		out.avail[1][dev] = sum[dev] / float64(n[dev])
	}
	return out
}

func report(window, slo, level string, raw, rules map[string]float64) {
	var n, onlyOne int
	var maxAbs, maxNear float64
	var worst string
	keys := slices.Sorted(maps.Keys(raw))
	for _, k := range keys {
		b := raw[k]
		a, ok := rules[k]
		if !ok {
			onlyOne++
			continue
		}
		n++
		d := math.Abs(a - b)
		if b < 0.05 && d > maxNear {
			maxNear = d
		}
		if d > maxAbs {
			maxAbs, worst = d, fmt.Sprintf("%s raw=%.6g rules=%.6g", k, b, a)
		}
	}
	onlyOne += len(rules) - n
	fmt.Printf("compare %s %s %s: series=%d only_one_side=%d max_abs=%.6g max_abs_where_raw_below_5%%=%.6g worst: %s\n",
		window, slo, level, n, onlyOne, maxAbs, maxNear, worst)
}
