// Package pipeline is where every input's events go: the one Event type,
// the gate that counts an event reported both as a trap and as a log line
// once, the series with their limits and expiry, the state they restore
// from, and the recent-events ring. The inputs (trapin/, syslogin/) are
// siblings that parse their transport and hand events to a Feed; none of
// them imports another.
package pipeline

import (
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
)

// Input is what main knows of an input: it starts, stops, and takes a new
// configuration on reload (refusing one it cannot apply, before anything
// changed). Events reach the pipeline through the Feed it was built with.
type Input interface {
	Start()
	Stop()
	Reload(cfg *config.Config) error
}

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
	// DropDuplicateOfSyslog is a trap whose event the device's log line
	// already counted; DropDuplicateOfTrap the other way round (see Dedup).
	DropDuplicateOfSyslog DropReason = "duplicate_of_syslog"
	DropDuplicateOfTrap   DropReason = "duplicate_of_trap"
)

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

// Feed is one input's way into the pipeline.
func (p *Pipeline) Feed(from Origin) *Feed {
	f := &Feed{sinks: p.sinks}
	if p.dedup != nil {
		f.gate = p.dedup.Gate(from)
	}
	f.duplicate = DropDuplicateOfSyslog
	if from == OriginSyslog {
		f.duplicate = DropDuplicateOfTrap
	}
	return f
}

// Feed records one input's events: gate first, then every sink.
type Feed struct {
	gate      Gate
	duplicate DropReason
	sinks     []Sink
}

// NewFeed is a Feed with no gate, straight to sinks (tests, single input).
func NewFeed(sinks ...Sink) *Feed { return New(nil, sinks...).Feed(OriginTrap) }

// Record hands ev to every sink and returns why it was not recorded: the
// input's duplicate reason for the twin of an event the other input already
// counted, DropSeriesLimit when a limit kept a sink from recording it, ""
// for an event recorded.
func (f *Feed) Record(ev *Event) DropReason {
	if f.gate != nil && !f.gate.Admit(ev) {
		return f.duplicate
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
