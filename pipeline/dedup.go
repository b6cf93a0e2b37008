package pipeline

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Gate decides, before any sink sees it, whether an event is new. A Feed
// drops an event its gate refuses as a duplicate of the input that counted
// its twin.
type Gate interface {
	// Admit returns "" for an event to be counted, or the origin of the
	// input that already counted its twin.
	Admit(*Event) Origin
}

// Origin is an input's name (trap, syslog): the input an event came from,
// for de-duplication across inputs, and the X of the reason duplicate_of_X
// under which the other inputs count the twin of one of its events.
type Origin string

// DuplicateOf is the drop reason of an event whose twin from input o was
// already counted: duplicate_of_trap, duplicate_of_syslog.
func DuplicateOf(o Origin) DropReason { return DropReason("duplicate_of_" + o) }

// Bounds on what Dedup remembers, so that a flood of distinct events cannot
// grow it without limit. Beyond them an event is admitted without being
// remembered: at worst its twin from another input is counted too.
const (
	maxDedupKeys    = 50000
	maxDedupPending = 200000
	// maxDedupInputs is the number of bits of pendingEvent.seen.
	maxDedupInputs = 32
)

// Dedup counts once an event that a device reports through several inputs,
// as an SNMP trap and as a syslog line. Events are matched on what
// identifies them in every form: device, kind, peer and reason (code and
// slug). An event is a duplicate when an event with the same key came
// from *another* input within the window and this input has not matched it
// yet; matching is one to one per input, oldest first. So a device that
// sends both counts each event once, a device that sends only one of them
// is never affected, and repeated failures through one input are each
// counted: two traps never cancel each other.
//
// The first of the twins to arrive is counted at once; nothing is delayed.
// Events counted by name only (KindNotification) are always admitted.
type Dedup struct {
	window atomic.Int64 // nanoseconds; 0 turns matching off

	mu        sync.Mutex
	origins   []Origin // by gate index
	all       uint32   // one bit per gate
	entries   map[dedupKey]*dedupEntry
	pending   int   // events held, over all entries
	lastSweep int64 // event time of the last sweep, Unix nanoseconds
}

type dedupKey struct {
	kind                             mib.Kind
	device, peer, reason, reasonCode string
}

// dedupEntry holds the events of one key that some input has not matched
// yet, oldest first. unseen counts, per input, the events it has not seen:
// an input that has seen them all (its own events, in a storm through one
// input) skips the entry without scanning it.
type dedupEntry struct {
	events []pendingEvent
	unseen []int32 // by gate index
}

// pendingEvent is one counted event: when it arrived, and the inputs that
// have seen it (the one that counted it, and those whose twin it matched).
// It is forgotten when every input has seen it, or when it expires.
type pendingEvent struct {
	at   int64
	seen uint32
	from uint8
}

// NewDedup matches events within window.
func NewDedup(window time.Duration) *Dedup {
	d := &Dedup{entries: make(map[dedupKey]*dedupEntry)}
	d.SetWindow(window)
	return d
}

// SetWindow changes the window (on a config reload); 0 or less admits
// every event.
func (d *Dedup) SetWindow(window time.Duration) {
	if window < 0 {
		window = 0
	}
	d.window.Store(int64(window))
}

// Gate returns the gate of one input; the inputs' gates are made before
// the first event. It panics beyond 32 inputs.
func (d *Dedup) Gate(input Origin) Gate { return dedupGate{d, d.index(input)} }

// index is the gate index of input, given on its first call.
func (d *Dedup) index(input Origin) uint8 {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, o := range d.origins {
		if o == input {
			return uint8(i)
		}
	}
	if len(d.origins) == maxDedupInputs {
		panic("pipeline: more than 32 inputs to de-duplicate")
	}
	d.origins = append(d.origins, input)
	d.all |= 1 << (len(d.origins) - 1)
	return uint8(len(d.origins) - 1)
}

// Origins are the inputs that have a gate, in the order they got it.
func (d *Dedup) Origins() []Origin {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Origin(nil), d.origins...)
}

type dedupGate struct {
	d     *Dedup
	input uint8
}

func (g dedupGate) Admit(ev *Event) Origin { return g.d.admit(ev, g.input) }

// admit returns "" when ev, which came through input, is to be counted,
// or the origin of the input that counted its twin.
func (d *Dedup) admit(ev *Event, input uint8) Origin {
	window := d.window.Load()
	if window <= 0 || ev.Kind == mib.KindNotification {
		return ""
	}
	now := ev.Time.UnixNano()
	key := dedupKey{kind: ev.Kind, device: ev.Device, peer: ev.Peer, reason: ev.Reason, reasonCode: ev.ReasonCode}
	bit := uint32(1) << input

	d.mu.Lock()
	defer d.mu.Unlock()
	if now-d.lastSweep > window {
		d.sweep(now, window)
	}
	e := d.entries[key]
	if e != nil {
		d.expire(e, now, window)
		if twin := d.match(e, input, bit); twin != "" {
			return twin
		}
	}
	if d.pending >= maxDedupPending {
		return ""
	}
	if e == nil {
		if len(d.entries) >= maxDedupKeys {
			return ""
		}
		e = &dedupEntry{unseen: make([]int32, len(d.origins))}
		d.entries[key] = e
	}
	e.events = append(e.events, pendingEvent{at: now, from: input, seen: bit})
	d.count(e, e.events[len(e.events)-1], 1)
	d.pending++
	return ""
}

// match marks the oldest event of e that input has not seen as seen, and
// returns its origin: the twin of input's event. It returns "" when input
// has seen every event of e.
func (d *Dedup) match(e *dedupEntry, input uint8, bit uint32) Origin {
	if int(input) >= len(e.unseen) || e.unseen[input] == 0 {
		return ""
	}
	for i := range e.events {
		p := &e.events[i]
		if p.seen&bit != 0 {
			continue
		}
		p.seen |= bit
		e.unseen[input]--
		from := d.origins[p.from]
		if p.seen == d.all {
			e.events = append(e.events[:i], e.events[i+1:]...)
			d.pending--
		}
		return from
	}
	return ""
}

// count adds sign to the unseen counts of the inputs that have not seen p.
func (d *Dedup) count(e *dedupEntry, p pendingEvent, sign int32) {
	for i := range e.unseen {
		if p.seen&(1<<i) == 0 {
			e.unseen[i] += sign
		}
	}
}

// expire forgets the events of e older than the window: their twins did
// not come in time, if there were any.
func (d *Dedup) expire(e *dedupEntry, now, window int64) {
	i := 0
	for i < len(e.events) && now-e.events[i].at > window {
		d.count(e, e.events[i], -1)
		i++
	}
	if i > 0 {
		d.pending -= i
		e.events = e.events[i:]
	}
}

// sweep removes the keys whose events all expired, so that memory follows
// the events of the last window, not every key ever seen.
func (d *Dedup) sweep(now, window int64) {
	for k, e := range d.entries {
		d.expire(e, now, window)
		if len(e.events) == 0 {
			delete(d.entries, k)
		}
	}
	d.lastSweep = now
}

// held returns the number of keys and unmatched events remembered (tests).
func (d *Dedup) held() (keys, pending int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.entries), d.pending
}
