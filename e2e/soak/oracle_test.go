package soak_test

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/prometheus/common/model"
)

// rawIncrease is what a counter's samples say it counted, from the first
// sample on, with resets handled as Prometheus handles them (a value
// lower than the one before starts a new count from 0) but without
// increase()'s extrapolation: the first value counts in full (every
// series this harness makes starts at 0 in an exporter Prometheus already
// scrapes), then every rise, then after a reset the new value.
func rawIncrease(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	total := values[0]
	for i := 1; i < len(values); i++ {
		if d := values[i] - values[i-1]; d >= 0 {
			total += d
		} else {
			total += values[i]
		}
	}
	return total
}

// lossWindow is a span in which an event the exporter took may be lost to
// Prometheus: from the last successful scrape before a stop (less
// margin, for an event sent just before the scrape and counted just
// after) to the stop.
type lossWindow struct {
	from, to time.Time
	kind     string
}

// lossWindows are the windows of the stops in stops, given the times of
// Prometheus' successful scrapes.
func lossWindows(stops []lifecycleEvent, scrapes []time.Time, margin time.Duration) []lossWindow {
	var out []lossWindow
	for _, s := range stops {
		last := time.Time{}
		for _, sc := range scrapes {
			if sc.Before(s.at) && sc.After(last) {
				last = sc
			}
		}
		out = append(out, lossWindow{from: last.Add(-margin), to: s.at, kind: s.kind})
	}
	return out
}

// verdict is the oracle's comparison for one key.
type verdict struct {
	key      key
	input    string
	want     int // events surely taken
	lossable int // of those, taken in a loss window
	maybe    int // events that may or may not have been taken
	got      float64
}

func (v verdict) ok() bool {
	return v.got >= float64(v.want-v.lossable) && v.got <= float64(v.want+v.maybe)
}

func (v verdict) String() string {
	return fmt.Sprintf("%s (%s): Prometheus %v, ledger %d sure (%d in a loss window) + %d unsure", v.key, v.input, v.got, v.want, v.lossable, v.maybe)
}

// judge compares the ledger with what Prometheus recorded (got, by key).
// windows apply to every key whose metric lossy says may lose events in
// them: all metrics across a kill -9; across a graceful restart none, as
// the exporter's counters carry on then.
func judge(l *Ledger, got map[key]float64, windows []lossWindow, lossy func(metric, kind string) bool) []verdict {
	seen := map[key]bool{}
	var out []verdict
	for _, k := range l.keys() {
		seen[k] = true
		v := verdict{key: k, got: got[k]}
		for _, e := range l.entriesOf(k) {
			v.input = e.input
			if !e.sure {
				v.maybe++
				continue
			}
			v.want++
			for _, w := range windows {
				if lossy(k.metric, w.kind) && e.at.After(w.from) && !e.at.After(w.to) {
					v.lossable++
					break
				}
			}
		}
		out = append(out, v)
	}
	var extra []key
	for k, n := range got {
		if !seen[k] && n != 0 {
			extra = append(extra, k)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].String() < extra[j].String() })
	for _, k := range extra {
		out = append(out, verdict{key: k, input: "none", got: got[k]})
	}
	return out
}

// keyOf is the key of a series of metric: its labels the ledger compares
// by. A reload's result is its reason.
func keyOf(metric string, m model.Metric) key {
	k := key{metric: metric, device: string(m["device"]), peer: string(m["peer"]), state: string(m["state"]), reason: string(m["reason"])}
	if r, ok := m["result"]; ok {
		k.reason = string(r)
	}
	return k
}

// totals sums rawIncrease over the series of a range query's matrix, by
// key, and keeps each key's samples for the report of a wrong verdict.
func totals(metric string, m model.Matrix, into map[key]float64, raw map[key][]*model.SampleStream) {
	for _, s := range m {
		values := make([]float64, len(s.Values))
		for i, p := range s.Values {
			values[i] = float64(p.Value)
		}
		k := keyOf(metric, s.Metric)
		into[k] += rawIncrease(values)
		raw[k] = append(raw[k], s)
	}
}

// tunnelVerdict compares one tunnel's state at the end with its story. A
// kill -9 may lose the changes of the last write interval before it, so a
// tunnel whose last change came within that interval before a kill, and
// none after it, may show any state it had from just before the interval
// to the kill.
type tunnelVerdict struct {
	device, peer string
	allowed      []string // states the exporter may show
	api          string   // what /api/v1/tunnels says: up, down, or "" (absent)
	prom         string   // ipsec_tunnel_up's last sample: up, down or ""
}

func (v tunnelVerdict) ok() bool {
	return slices.Contains(v.allowed, v.api) && slices.Contains(v.allowed, v.prom)
}

func stateName(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// allowedStates are the states a tunnel may show at the end ("" for
// absent), given its steps and the kills.
func allowedStates(steps []tunnelStep, kills []lifecycleEvent, writeInterval time.Duration) []string {
	last := steps[len(steps)-1]
	allowed := []string{stateName(last.up)}
	for _, k := range kills {
		if last.at.After(k.at) {
			continue
		}
		from := k.at.Add(-writeInterval - 2*time.Second)
		if !last.at.After(from) {
			continue
		}
		// Lost: the state before the window, or any in it; absent if the
		// tunnel's whole story is in it.
		before := ""
		for i := len(steps) - 1; i >= 0; i-- {
			if !steps[i].at.After(from) {
				before = stateName(steps[i].up)
				break
			}
			allowed = append(allowed, stateName(steps[i].up))
		}
		allowed = append(allowed, before)
	}
	slices.Sort(allowed)
	return slices.Compact(allowed)
}

func (v tunnelVerdict) String() string {
	return fmt.Sprintf("tunnel %s/%s: /api/v1/tunnels %q, ipsec_tunnel_up %q, ledger allows %q", v.device, v.peer, v.api, v.prom, v.allowed)
}
