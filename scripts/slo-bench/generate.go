//go:build ignore

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

// A series of the synthetic exporter: a counter (value = events so far,
// absent before the first, as the exporter creates a failure series with
// its first failure) or a gauge (value of the last change so far).
type series struct {
	labels  labels.Labels
	counter bool
	at      []int64   // event or change times, ms, sorted
	values  []float64 // gauges: the value from at[i] on
	initial float64   // gauges: the value before at[0]
}

func (s *series) valueAt(t int64, i *int) (float64, bool) {
	for *i < len(s.at) && s.at[*i] <= t {
		*i++
	}
	switch {
	case s.counter:
		return float64(*i), *i > 0
	case *i == 0:
		return s.initial, true
	default:
		return s.values[*i-1], true
	}
}

type model struct {
	start, end int64 // ms
	series     []*series
	peers      []peerSeries
	step       int64 // scrape interval, ms
}

// peerSeries are one exporter's series of a peer: the others hold the same
// events, so the HA-merged rules see these.
type peerSeries struct {
	device, peer string
	up           *series
	successes    *series
	failures     []*series
}

// peerKind: most peers rarely fail; some fail now and then (a flaky path);
// a few fail in retry storms (a misconfiguration until someone fixes it).
type peerKind struct {
	share             float64
	failuresPerSeries float64 // over the whole range, Poisson
	storms            int     // retry storms per failure series
	downsPer30d       float64 // unplanned downs
	failuresPerOutage float64 // retries while the tunnel is down
}

var kinds = []peerKind{
	{share: 0.80, failuresPerSeries: 2, downsPer30d: 2, failuresPerOutage: 1},
	{share: 0.15, failuresPerSeries: 20, downsPer30d: 8, failuresPerOutage: 3},
	{share: 0.05, failuresPerSeries: 20, storms: 3, downsPer30d: 20, failuresPerOutage: 6},
}

func generate(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ExitOnError)
	dir := fs.String("dir", "", "output TSDB directory")
	end := fs.Int64("end", time.Now().Truncate(time.Minute).Unix(), "last sample, Unix seconds")
	days := fs.Int("days", 30, "days of data")
	devices := fs.Int("devices", 100, "devices")
	peers := fs.Int("peers", 100, "peers per device")
	scrape := fs.Duration("scrape", time.Minute, "scrape interval")
	final := fs.String("final", "", "write the last values as an exposition to this file")
	seed := fs.Uint64("seed", 1, "random seed")
	instances := fs.Int("instances", 2, "exporters receiving every trap (an HA pair: 2)")
	raw := fs.Duration("raw", 2*time.Hour, "history of the raw series and the per-minute records")
	fs.Parse(args)
	if *dir == "" {
		return fmt.Errorf("generate: -dir is required")
	}
	m := newModel(*end, *days, *devices, *peers, *instances, *seed, *scrape)
	failureSeries := 0
	for _, s := range m.series {
		if s.labels.Get("__name__") == "ipsec_negotiation_failures_total" {
			failureSeries++
		}
	}
	fmt.Fprintf(os.Stderr, "generate: %d series (%d failure series), %d days at %v\n", len(m.series), failureSeries, *days, *scrape)
	recs := m.records(raw.Milliseconds())
	if err := m.write(*dir, raw.Milliseconds(), recs); err != nil {
		return err
	}
	if *final != "" {
		f, err := os.Create(*final)
		if err != nil {
			return err
		}
		defer f.Close()
		return m.writeFinal(f)
	}
	return nil
}

// newModel is the synthetic fleet: the same seed and sizes give the same
// events, so that compare can rebuild what generate wrote.
func newModel(end int64, days, devices, peers, instances int, seed uint64, scrape time.Duration) *model {
	m := &model{end: end * 1000, start: (end - int64(days)*86400) * 1000, step: scrape.Milliseconds()}
	rng := rand.New(rand.NewPCG(seed, 0))
	for d := range devices {
		for p := range peers {
			m.addPeer(rng, fmt.Sprintf("dev-%03d", d), fmt.Sprintf("10.%d.%d.%d", d/250, d%250, p+1))
		}
	}
	m.replicate(instances)
	return m
}

func poisson(rng *rand.Rand, mean float64) int {
	// Knuth's method; the means here are small.
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func pickKind(rng *rand.Rand) peerKind {
	x := rng.Float64()
	for _, k := range kinds {
		if x < k.share {
			return k
		}
		x -= k.share
	}
	return kinds[0]
}

var common = []string{"job", "ipsec_trap_exporter", "instance", instance(0)}

func instance(i int) string { return fmt.Sprintf("bench-exporter-%c:9983", 'a'+i) }

// replicate adds the series of the other exporters of an HA pair: the same
// events, heard a few milliseconds later.
func (m *model) replicate(instances int) {
	n := len(m.series)
	for i := 1; i < instances; i++ {
		for _, s := range m.series[:n] {
			c := *s
			c.labels = labels.NewBuilder(s.labels).Set("instance", instance(i)).Labels()
			if c.labels.Get("__name__") == "ipsec_tunnel_last_notification_timestamp_seconds" {
				c.values = slices.Clone(s.values)
				for j := range c.values {
					c.values[j] += 0.003 * float64(i)
				}
			}
			m.series = append(m.series, &c)
		}
	}
}

func (m *model) label(name string, kv ...string) labels.Labels {
	return labels.FromStrings(slices.Concat([]string{"__name__", name}, common, kv)...)
}

// addPeer adds a peer's tunnel and its series: the tunnel goes down now
// and then and comes back; it rekeys hourly while up (a success each time,
// as the coming back is); two failure series (two reasons) fail at random,
// in storms for the worst peers, and while the tunnel is down.
func (m *model) addPeer(rng *rand.Rand, device, peer string) {
	k := pickKind(rng)
	span := m.end - m.start
	hour := int64(time.Hour / time.Millisecond)
	var downs [][2]int64 // [from, to)
	for range poisson(rng, k.downsPer30d*float64(span)/float64(30*24*hour)) {
		from := m.start + rng.Int64N(span)
		dur := int64(rng.ExpFloat64() * float64(15*time.Minute/time.Millisecond))
		downs = append(downs, [2]int64{from, from + min(dur, 6*hour) + 60000})
	}
	sort.Slice(downs, func(i, j int) bool { return downs[i][0] < downs[j][0] })
	isDown := func(t int64) bool {
		for _, d := range downs {
			if t >= d[0] && t < d[1] {
				return true
			}
		}
		return false
	}
	up := &series{labels: m.label("ipsec_tunnel_up", "device", device, "peer", peer), initial: 1}
	heard := &series{labels: m.label("ipsec_tunnel_last_notification_timestamp_seconds", "device", device, "peer", peer),
		initial: float64(m.start/1000 - rng.Int64N(3600))}
	successes := &series{labels: m.label("ipsec_negotiation_successes_total", "device", device, "peer", peer), counter: true}
	type change struct {
		t  int64
		up bool
	}
	var changes []change
	for t := m.start + rng.Int64N(hour); t < m.end; t += hour + rng.Int64N(60000) - 30000 {
		if !isDown(t) {
			changes = append(changes, change{t, true}) // a rekey: the new SA's up
		}
	}
	for _, d := range downs {
		changes = append(changes, change{d[0], false})
		if d[1] < m.end {
			changes = append(changes, change{d[1], true})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].t < changes[j].t })
	for _, c := range changes {
		heard.at, heard.values = append(heard.at, c.t), append(heard.values, float64(c.t)/1000)
		if c.up {
			successes.at = append(successes.at, c.t)
		}
		if v := boolValue(c.up && !isDown(c.t)); len(up.values) == 0 || up.values[len(up.values)-1] != v {
			up.at, up.values = append(up.at, c.t), append(up.values, v)
		}
	}
	m.series = append(m.series, up, heard, successes)
	ps := peerSeries{device: device, peer: peer, up: up, successes: successes}
	defer func() { m.peers = append(m.peers, ps) }()
	for _, r := range [][2]string{{"phase1_proposal_mismatch", "1"}, {"responder_dh_mismatch", "6"}} {
		f := &series{labels: m.label("ipsec_negotiation_failures_total", "device", device, "peer", peer,
			"interface", "GigabitEthernet0/0/1", "vsys", "", "reason", r[0], "reason_code", r[1]), counter: true}
		for range poisson(rng, k.failuresPerSeries*float64(span)/float64(30*24*hour)) {
			f.at = append(f.at, m.start+rng.Int64N(span))
		}
		for range k.storms {
			t := m.start + rng.Int64N(span)
			for i := range 30 {
				f.at = append(f.at, t+int64(i)*20000)
			}
		}
		for _, d := range downs {
			for range poisson(rng, k.failuresPerOutage/2) {
				f.at = append(f.at, d[0]+rng.Int64N(d[1]-d[0]))
			}
		}
		f.at = slices.DeleteFunc(f.at, func(t int64) bool { return t >= m.end })
		if len(f.at) == 0 {
			// Every series exists: each peer failed for each reason at
			// least once in the range.
			f.at = append(f.at, m.start+rng.Int64N(span))
		}
		slices.Sort(f.at)
		m.series = append(m.series, f)
		ps.failures = append(ps.failures, f)
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// scrapeOffset is where in each minute the samples fall, in ms.
const scrapeOffset = 17000

// write writes one block per day, two days at a time: the raw series of
// the last rawMs and the records the rules read from the past.
func (m *model) write(dir string, rawMs int64, recs []recordSeries) error {
	day := int64(24 * time.Hour / time.Millisecond)
	var days []int64
	for from := m.start; from <= m.end; from += day {
		days = append(days, from)
	}
	work := make(chan int64)
	errs := make(chan error, len(days))
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range work {
				errs <- m.writeBlock(dir, from, min(from+day, m.end+1), rawMs, recs)
			}
		}()
	}
	for _, d := range days {
		work <- d
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *model) writeBlock(dir string, from, to, rawMs int64, recs []recordSeries) error {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The head accepts samples within half its chunk range of the newest
	// one: twice a day, for series written one after the other.
	w, err := tsdb.NewBlockWriter(logger, dir, 2*int64(24*time.Hour/time.Millisecond))
	if err != nil {
		return err
	}
	defer w.Close()
	ctx := context.Background()
	samples := 0
	rawFrom := max(from, m.end-rawMs)
	for _, s := range m.series {
		if rawFrom >= to {
			break
		}
		app := w.Appender(ctx)
		var ref storage.SeriesRef
		i := 0
		// Scrapes happen at an offset within the minute, as Prometheus
		// spreads its targets; rules evaluate on the minute.
		for t := m.start + ((rawFrom-m.start+m.step-1)/m.step)*m.step + scrapeOffset; t < to; t += m.step {
			v, ok := s.valueAt(t, &i)
			if !ok {
				continue
			}
			if ref, err = app.Append(ref, s.labels, t, v); err != nil {
				return fmt.Errorf("append %s at %d: %w", s.labels, t, err)
			}
			samples++
		}
		if err := app.Commit(); err != nil {
			return err
		}
	}
	for _, r := range recs {
		app := w.Appender(ctx)
		var ref storage.SeriesRef
		for _, smp := range r.samples(from, to) {
			if ref, err = app.Append(ref, r.labels, smp.t, smp.v); err != nil {
				return fmt.Errorf("append %s at %d: %w", r.labels, smp.t, err)
			}
			samples++
		}
		if err := app.Commit(); err != nil {
			return err
		}
	}
	if samples == 0 {
		return nil
	}
	if _, err := w.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "generate: block %s: %d samples\n", time.UnixMilli(from).UTC().Format(time.DateTime), samples)
	return nil
}

// writeFinal writes every series' last value in the text exposition
// format, with its job and instance, for serve.
func (m *model) writeFinal(w io.Writer) error {
	var b strings.Builder
	for _, s := range m.series {
		i := 0
		v, ok := s.valueAt(m.end, &i)
		if !ok {
			continue
		}
		name := s.labels.Get("__name__")
		b.WriteString(name + "{")
		first := true
		s.labels.Range(func(l labels.Label) {
			if l.Name == "__name__" {
				return
			}
			if !first {
				b.WriteString(",")
			}
			first = false
			fmt.Fprintf(&b, "%s=%q", l.Name, l.Value)
		})
		fmt.Fprintf(&b, "} %v\n", v)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
