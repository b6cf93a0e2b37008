//go:build ignore

package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"sync"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
)

// The records the SLO rules read from the past, computed here as the rules
// would have recorded them at an evaluation every minute, on the minute:
// the per-minute 5m rates, availability and evaluation clock of the last
// hours, the 5-minute buckets of the last 6 hours, the hourly buckets of
// the last 3 days and the 6-hour buckets of the whole range. (Computing
// them with Prometheus' engine over 30 days of raw series, as this tool
// once did, took more than an hour.) rate() is computed as Prometheus 3
// does (left-open range, extrapolation to the range's edges and to the
// counter's zero), which compare checks against the engine itself over the
// raw series of the last hours.

const minuteMs = 60000

// recordSeries is a record's history: v[k] at t0 + k*dt, NaN where the
// rule gave no sample; a bucket goes stale one evaluation after it.
type recordSeries struct {
	labels labels.Labels
	t0, dt int64
	v      []float64
	stale  bool
}

type sample struct {
	t int64
	v float64
}

// samples of r in [from, to).
func (r *recordSeries) samples(from, to int64) []sample {
	var out []sample
	stale := math.Float64frombits(value.StaleNaN)
	k0 := max(0, (from-r.t0+r.dt-1)/r.dt)
	// The marker of the bucket before from may fall inside.
	if k := k0 - 1; r.stale && k >= 0 && k < int64(len(r.v)) && !math.IsNaN(r.v[k]) {
		if t := r.t0 + k*r.dt + minuteMs; t >= from && t < to {
			out = append(out, sample{t, stale})
		}
	}
	for k := k0; k < int64(len(r.v)); k++ {
		t := r.t0 + k*r.dt
		if t >= to {
			break
		}
		if math.IsNaN(r.v[k]) {
			continue
		}
		out = append(out, sample{t, r.v[k]})
		if r.stale && t+minuteMs < to {
			out = append(out, sample{t + minuteMs, stale})
		}
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// rate is rate(s[w]) at t over the scrape samples generate writes, as
// Prometheus 3 computes it.
func (m *model) rate(s *series, t, w int64) (float64, bool) {
	base := m.start + scrapeOffset
	jmin := max(floorDiv(t-w-base, m.step)+1, 0)
	jmax := min(floorDiv(t-base, m.step), floorDiv(m.end-base, m.step))
	if len(s.at) == 0 {
		return 0, false
	}
	// A counter exists from its first event on.
	jmin = max(jmin, floorDiv(s.at[0]-base+m.step-1, m.step))
	if jmax-jmin < 1 {
		return 0, false
	}
	val := func(j int64) float64 {
		at := base + j*m.step
		return float64(sort.Search(len(s.at), func(i int) bool { return s.at[i] > at }))
	}
	first, last := val(jmin), val(jmax)
	result := last - first
	firstT, lastT := base+jmin*m.step, base+jmax*m.step
	toStart := float64(firstT-(t-w)) / 1000
	toEnd := float64(t-lastT) / 1000
	sampled := float64(lastT-firstT) / 1000
	avg := sampled / float64(jmax-jmin)
	if toStart >= avg*1.1 {
		toStart = avg / 2
	}
	if result > 0 && first >= 0 {
		if z := sampled * (first / result); z < toStart {
			toStart = z
		}
	}
	if toEnd >= avg*1.1 {
		toEnd = avg / 2
	}
	return result * (sampled + toStart + toEnd) / sampled / (float64(w) / 1000), true
}

// failuresRate is the rules' per-peer failure rate over w at t: the sum of
// the peer's failure series (the HA pair's copies are equal, so their max
// is either).
func (m *model) failuresRate(p peerSeries, t, w int64) (float64, bool) {
	sum, any := 0.0, false
	for _, f := range p.failures {
		if r, ok := m.rate(f, t, w); ok {
			sum, any = sum+r, true
		}
	}
	return sum, any
}

// available is ipsec:tunnel_available:newest at t: the up value of the
// last scrape at or before t.
func (m *model) available(p peerSeries, t int64) float64 {
	base := m.start + scrapeOffset
	j := floorDiv(t-base, m.step)
	i := 0
	v, _ := p.up.valueAt(base+j*m.step, &i)
	return v
}

// meanAvailable is avg_over_time(ipsec:tunnel_available:newest[w]) at t
// over evaluations every minute on the minute, left-open.
func (m *model) meanAvailable(p peerSeries, t, w int64) float64 {
	base := m.start + scrapeOffset
	sum, n, i := 0.0, 0, 0
	for e := t - w + minuteMs; e <= t; e += minuteMs {
		if e < m.start+scrapeOffset {
			continue
		}
		v, _ := p.up.valueAt(base+floorDiv(e-base, m.step)*m.step, &i)
		sum, n = sum+v, n+1
	}
	return sum / float64(max(n, 1))
}

func nan() float64 { return math.NaN() }

// records computes the history of the records; rawMs is how far back the
// per-minute ones go.
func (m *model) records(rawMs int64) []recordSeries {
	first := (m.start/minuteMs + 6) * minuteMs // the first evaluation with a 5m rate
	n := int((m.end-first)/minuteMs) + 1
	recentFrom := max(first, m.end-rawMs)
	recent := int((m.end-recentFrom)/minuteMs) + 1
	clock := recordSeries{labels: labels.FromStrings("__name__", "ipsec:slo_sli_evaluation:timestamp_seconds"), t0: recentFrom, dt: minuteMs}
	interval := recordSeries{labels: labels.FromStrings("__name__", "ipsec:slo_sli_evaluation:interval_seconds"), t0: recentFrom + minuteMs, dt: minuteMs}
	for k := range recent {
		clock.v = append(clock.v, float64(recentFrom/1000+int64(k)*60))
		if k > 0 {
			interval.v = append(interval.v, 60)
		}
	}
	out := []recordSeries{clock, interval}
	var mu sync.Mutex
	work := make(chan peerSeries)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				recs := m.peerRecords(p, first, n, recent)
				mu.Lock()
				out = append(out, recs...)
				mu.Unlock()
			}
		}()
	}
	for i, p := range m.peers {
		work <- p
		if (i+1)%2000 == 0 {
			fmt.Fprintf(os.Stderr, "records: %d of %d peers\n", i+1, len(m.peers))
		}
	}
	close(work)
	wg.Wait()
	return out
}

// peerRecords are one peer's records: evaluation k at first + k minutes,
// the last recent of them per minute.
func (m *model) peerRecords(p peerSeries, first int64, n, recent int) []recordSeries {
	w5 := int64(5 * minuteMs)
	f5, s5, avail := make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range n {
		t := first + int64(k)*minuteMs
		f5[k], s5[k] = nan(), nan()
		if v, ok := m.failuresRate(p, t, w5); ok {
			f5[k] = v
		}
		if v, ok := m.rate(p.successes, t, w5); ok {
			s5[k] = v
		}
		avail[k] = m.available(p, t)
	}
	lbl := func(name string) labels.Labels {
		return labels.FromStrings("__name__", name, "device", p.device, "peer", p.peer)
	}
	recentFrom := first + int64(n-recent)*minuteMs
	out := []recordSeries{
		{labels: lbl("ipsec:negotiation_failures:rate5m"), t0: recentFrom, dt: minuteMs, v: slices.Clone(f5[n-recent:])},
		{labels: lbl("ipsec:negotiation_successes:rate5m"), t0: recentFrom, dt: minuteMs, v: slices.Clone(s5[n-recent:])},
		{labels: lbl("ipsec:tunnel_available:newest"), t0: recentFrom, dt: minuteMs, v: slices.Clone(avail[n-recent:])},
	}
	// Buckets at the evaluations on multiples of their size: the sum of the
	// last size/1m rates over their count (a missing one is zero, none
	// gives no bucket), the mean of the availabilities.
	bucket := func(name string, v []float64, size int64, from int64, mean bool) recordSeries {
		r := recordSeries{labels: lbl(name), dt: size * minuteMs, stale: true}
		k0 := int((((max(from, first)+size*minuteMs-1)/(size*minuteMs))*size*minuteMs - first) / minuteMs)
		r.t0 = first + int64(k0)*minuteMs
		for k := k0; k < n; k += int(size) {
			sum, cnt := 0.0, 0
			for j := max(0, k-int(size)+1); j <= k; j++ {
				if !math.IsNaN(v[j]) {
					sum, cnt = sum+v[j], cnt+1
				}
			}
			switch {
			case cnt == 0:
				r.v = append(r.v, nan())
			case mean:
				r.v = append(r.v, sum/float64(cnt))
			default:
				r.v = append(r.v, sum/float64(size))
			}
		}
		return r
	}
	// As far back as the rules read each: 6h of 5-minute buckets, 3d of
	// hourly ones, everything of the 6-hour ones.
	hoursAgo := func(h int64) int64 { return m.end - (h*3600+600)*1000 }
	return append(out,
		bucket("ipsec:negotiation_failures:rate5m_bucket", f5, 5, hoursAgo(6), false),
		bucket("ipsec:negotiation_successes:rate5m_bucket", s5, 5, hoursAgo(6), false),
		bucket("ipsec:tunnel_available:avg5m_bucket", avail, 5, hoursAgo(6), true),
		bucket("ipsec:negotiation_failures:rate1h_bucket", f5, 60, hoursAgo(72), false),
		bucket("ipsec:negotiation_successes:rate1h_bucket", s5, 60, hoursAgo(72), false),
		bucket("ipsec:tunnel_available:avg1h_bucket", avail, 60, hoursAgo(72), true),
		bucket("ipsec:negotiation_failures:rate6h_bucket", f5, 360, first, false),
		bucket("ipsec:negotiation_successes:rate6h_bucket", s5, 360, first, false),
		bucket("ipsec:tunnel_available:avg6h_bucket", avail, 360, first, true),
	)
}
