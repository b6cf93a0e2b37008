package pipeline

import "github.com/prometheus/client_golang/prometheus"

// Drops is an input's dropped-total family: a counter per reason, resolved
// once so that the hot path never hashes labels, and exposed at 0 from
// the start for every reason it was given.
type Drops struct {
	vec *prometheus.CounterVec
	by  map[DropReason]prometheus.Counter
}

// NewDrops holds vec's counters of reasons.
func NewDrops(vec *prometheus.CounterVec, reasons ...DropReason) *Drops {
	d := &Drops{vec: vec, by: make(map[DropReason]prometheus.Counter, len(reasons))}
	d.Prepare(reasons)
	return d
}

// Prepare creates the counters of further reasons (the duplicates of the
// other inputs' events: Feed.Duplicates). It is called before the input
// starts.
func (d *Drops) Prepare(reasons []DropReason) {
	for _, r := range reasons {
		if _, ok := d.by[r]; !ok {
			d.by[r] = d.vec.WithLabelValues(string(r))
		}
	}
}

// Add counts n dropped for reason.
func (d *Drops) Add(reason DropReason, n float64) { d.Counter(reason).Add(n) }

// Counter is the counter of reason.
func (d *Drops) Counter(reason DropReason) prometheus.Counter {
	if c, ok := d.by[reason]; ok {
		return c
	}
	return d.vec.WithLabelValues(string(reason))
}
