//go:build ignore

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"time"
)

type rulesResponse struct {
	Data struct {
		Groups []struct {
			Name           string    `json:"name"`
			EvaluationTime float64   `json:"evaluationTime"`
			LastEvaluation time.Time `json:"lastEvaluation"`
		} `json:"groups"`
	} `json:"data"`
}

// evaltime waits for n evaluations of each named rule group after the
// first one (which warms caches and may run while Prometheus still loads)
// and prints their evaluation times (/api/v1/rules evaluationTime), the
// median and the largest.
func evaltime(args []string) error {
	fs := flag.NewFlagSet("evaltime", flag.ExitOnError)
	url := fs.String("url", "", "Prometheus URL")
	n := fs.Int("n", 5, "evaluations per group")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after")
	label := fs.String("label", "", "prefix of each output line")
	rulesPath := fs.String("rules", "", "the shipped rule file, whose group intervals the cost is computed with")
	fs.Parse(args)
	shipped := map[string]time.Duration{}
	if *rulesPath != "" {
		f, err := readRules(*rulesPath)
		if err != nil {
			return err
		}
		for _, g := range f.Groups {
			if g.Interval != "" {
				shipped[g.Name] = durationOf(g.Interval)
			}
		}
	}
	groups := fs.Args()
	seen := map[string]time.Time{}
	times := map[string][]float64{}
	deadline := time.Now().Add(*timeout)
	for !done(groups, times, *n) {
		if time.Now().After(deadline) {
			return fmt.Errorf("evaltime: fewer than %d evaluations within %v: %v", *n, *timeout, times)
		}
		var r rulesResponse
		resp, err := http.Get(*url + "/api/v1/rules")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
		}
		if err != nil {
			return err
		}
		for _, g := range r.Data.Groups {
			if !slices.Contains(groups, g.Name) || g.LastEvaluation.IsZero() || g.LastEvaluation.Equal(seen[g.Name]) {
				continue
			}
			if !seen[g.Name].IsZero() && len(times[g.Name]) < *n {
				times[g.Name] = append(times[g.Name], g.EvaluationTime)
			}
			seen[g.Name] = g.LastEvaluation
		}
		time.Sleep(2 * time.Second)
	}
	total := 0.0
	for _, g := range groups {
		ts := slices.Clone(times[g])
		slices.Sort(ts)
		interval := shipped[g]
		if interval == 0 {
			interval = time.Minute
		}
		cost := 100 * ts[len(ts)/2] / interval.Seconds()
		total += cost
		fmt.Printf("%sgroup=%s evaluations=%v median=%.3fs max=%.3fs interval=%v cost=%.3f%%\n", *label, g, times[g], ts[len(ts)/2], ts[len(ts)-1], interval, cost)
	}
	fmt.Printf("%stotal cost=%.3f%% of one core (median evaluation time / shipped interval, summed)\n", *label, total)
	fmt.Fprintln(os.Stderr, "evaltime: done")
	return nil
}

func done(groups []string, times map[string][]float64, n int) bool {
	for _, g := range groups {
		if len(times[g]) < n {
			return false
		}
	}
	return true
}
