// Package pipeline is where every input's events go: the one Event type,
// the gate that counts once an event reported through several inputs (a trap
// and a log line), the series with their limits and expiry, the state they restore
// from, and the recent-events ring. The inputs (trapin/, syslogin/) are
// siblings that parse their transport and hand events to a Feed; none of
// them imports another.
package pipeline

import (
	"time"
)

// DropReason is the value of an input's dropped-total reason label: every
// packet or message that does not become an event is counted under exactly
// one. The reasons the pipeline itself gives are here; each input adds its
// own beside its parser.
type DropReason string

// Reasons every input shares.
const (
	DropMalformed        DropReason = "malformed"
	DropSourceNotAllowed DropReason = "source_not_allowed"
	DropSocketOverflow   DropReason = "socket_overflow"
	// DropSeriesLimit is an event a sink could not record because a metric
	// family is at limits.max_series.
	DropSeriesLimit DropReason = "series_limit"
)

// An event whose twin another input already counted is dropped as
// DuplicateOf that input (see Dedup).

// Sink receives every accepted event. It returns false when it could not
// record the event because of a series limit.
type Sink interface {
	Record(*Event) bool
}

// Pipeline is the one path from an event to the sinks, shared by every
// input.
type Pipeline struct {
	dedup *Dedup // nil with a single input: nothing to match
	sinks []Sink
}

// New builds the pipeline. dedup is nil when only one input runs.
func New(dedup *Dedup, sinks ...Sink) *Pipeline {
	return &Pipeline{dedup: dedup, sinks: sinks}
}

// SetDedupWindow changes the de-duplication window on reload.
func (p *Pipeline) SetDedupWindow(window time.Duration) {
	if p.dedup != nil {
		p.dedup.SetWindow(window)
	}
}

// Feed is one input's way into the pipeline. Every input's feed is made
// before the first event.
func (p *Pipeline) Feed(from Origin) *Feed {
	f := &Feed{sinks: p.sinks, from: from, dedup: p.dedup}
	if p.dedup != nil {
		f.gate = p.dedup.Gate(from)
	}
	return f
}

// Feed records one input's events: gate first, then every sink.
type Feed struct {
	gate  Gate
	sinks []Sink
	from  Origin
	dedup *Dedup
}

// Duplicates are the reasons under which the feed's input drops the twins
// of the other inputs' events, one per other input: its counters expose
// them from the start.
func (f *Feed) Duplicates() []DropReason {
	if f == nil || f.dedup == nil {
		return nil
	}
	var out []DropReason
	for _, o := range f.dedup.Origins() {
		if o != f.from {
			out = append(out, DuplicateOf(o))
		}
	}
	return out
}

// NewFeed is a Feed with no gate, straight to sinks (tests, single input).
func NewFeed(sinks ...Sink) *Feed { return &Feed{sinks: sinks} }

// Record hands ev to every sink and returns why it was not recorded:
// DuplicateOf the input that already counted its twin, DropSeriesLimit
// when a limit kept a sink from recording it, "" for an event recorded.
func (f *Feed) Record(ev *Event) DropReason {
	if f.gate != nil {
		if twin := f.gate.Admit(ev); twin != "" {
			return DuplicateOf(twin)
		}
	}
	accepted := true
	for _, s := range f.sinks {
		accepted = s.Record(ev) && accepted
	}
	if !accepted {
		return DropSeriesLimit
	}
	return ""
}
