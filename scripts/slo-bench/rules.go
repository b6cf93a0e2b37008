//go:build ignore

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record string            `yaml:"record"`
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

// backfillRules prints the records the two rule files read from the past:
// the tunnel availability of each (ipsec_slo_inputs), and the new file's
// evaluation clock and 5m rates, which its long windows sum. promtool tsdb
// create-blocks-from rules computes their history from the raw series.
func backfillRules(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("backfill-rules OLD NEW")
	}
	keep := regexp.MustCompile(`^ipsec:(slo_sli_evaluation:.*|negotiation_(failures|successes):rate5m)$`)
	out := map[string]any{}
	var rules []map[string]any
	for i, path := range args {
		f, err := readRules(path)
		if err != nil {
			return err
		}
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if g.Name == "ipsec_slo_inputs" || (i == 1 && keep.MatchString(r.Record)) {
					rules = append(rules, map[string]any{"record": r.Record, "expr": r.Expr})
				}
			}
		}
	}
	out["groups"] = []map[string]any{{"name": "backfill", "rules": rules}}
	b, err := yaml.Marshal(out)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(b)
	return err
}

// sliQueries are, for each long window and level, the rule file's
// negotiation SLI and failure count with the window's rate records inlined,
// so that they can be evaluated at any time against raw series and the
// backfilled 5m rates.
func sliQueries(path string) (map[string]string, error) {
	f, err := readRules(path)
	if err != nil {
		return nil, err
	}
	long := regexp.MustCompile(`ipsec:negotiation_(failures|successes):rate(3d|30d)\b`)
	exprs := map[string]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if long.MatchString(r.Record) && long.FindString(r.Record) == r.Record {
				exprs[r.Record] = r.Expr
			}
		}
	}
	inline := func(e string) string {
		return long.ReplaceAllStringFunc(e, func(name string) string { return "(" + exprs[name] + ")" })
	}
	out := map[string]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			level := r.Labels["sli_level"]
			if level == "" {
				level = "peer"
				if _, ok := r.Labels["peer"]; ok {
					level = "device"
				}
			}
			switch {
			case r.Labels["slo"] != "negotiation_success":
			case r.Record == "slo:sli_error:ratio_rate3d", r.Record == "slo:sli_error:ratio_rate30d":
				out["sli "+strings.TrimPrefix(r.Record, "slo:sli_error:ratio_rate")+" "+level] = inline(r.Expr)
			case r.Record == "ipsec:negotiation_failures:increase3d" && level == "peer":
				out["failures 3d peer"] = inline(r.Expr)
			}
		}
	}
	return out, nil
}

type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func query(base, q string, at int64) (map[string]float64, error) {
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
			Result []sample `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s: %s", q, r.Error)
	}
	out := map[string]float64{}
	for _, s := range r.Data.Result {
		f, _ := strconv.ParseFloat(s.Value[1].(string), 64)
		out[s.Metric["device"]+"/"+s.Metric["peer"]] = f
	}
	return out, nil
}

// compare evaluates both rule files' long-window SLIs (and the failure
// count the 3d burn alert needs) at one time and prints how far apart they
// are.
func compare(args []string) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	base := fs.String("url", "", "Prometheus URL")
	at := fs.Int64("time", 0, "evaluation time, Unix seconds")
	fs.Parse(args)
	if fs.NArg() != 2 {
		return fmt.Errorf("compare -url URL -time T OLD NEW")
	}
	before, err := sliQueries(fs.Arg(0))
	if err != nil {
		return err
	}
	after, err := sliQueries(fs.Arg(1))
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(before))
	for k := range before {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if after[k] == "" {
			return fmt.Errorf("%s: no rule in %s", k, fs.Arg(1))
		}
		b, err := query(*base, before[k], *at)
		if err != nil {
			return err
		}
		a, err := query(*base, after[k], *at)
		if err != nil {
			return err
		}
		report(k, b, a)
	}
	return nil
}

func report(what string, before, after map[string]float64) {
	var n, onlyOne int
	var maxAbs, maxRel, sumAbs, maxNear float64
	var worst string
	for k, b := range before {
		a, ok := after[k]
		if !ok {
			onlyOne++
			continue
		}
		n++
		d := math.Abs(a - b)
		sumAbs += d
		if b < 0.05 && d > maxNear {
			maxNear = d // error ratios near the objective's 1% budget
		}
		if d > maxAbs {
			maxAbs, worst = d, fmt.Sprintf("%s before=%.6g after=%.6g", k, b, a)
		}
		if b != 0 && d/math.Abs(b) > maxRel {
			maxRel = d / math.Abs(b)
		}
	}
	onlyOne += len(after) - n
	fmt.Printf("compare %s: series=%d only_one_side=%d max_abs=%.6g mean_abs=%.3g max_rel=%.4f%% max_abs_below_5%%=%.6g worst: %s\n",
		what, n, onlyOne, maxAbs, sumAbs/math.Max(float64(n), 1), 100*maxRel, maxNear, worst)
}
