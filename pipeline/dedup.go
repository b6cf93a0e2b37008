package pipeline

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Gate decides, before any sink sees it, whether an event is new. A Feed
// drops an event its gate refuses as a duplicate of the other input.
type Gate interface {
	Admit(*Event) bool
}

// Origin names the input an event came from, for de-duplication across
// inputs.
type Origin uint8

const (
	OriginTrap Origin = iota
	OriginSyslog
)

// Bounds on what Dedup remembers, so that a flood of distinct events cannot
// grow it without limit. Beyond them an event is admitted without being
// remembered: at worst its twin from the other input is counted too.
const (
	maxDedupKeys    = 50000
	maxDedupPending = 200000
)

// Dedup counts once an event that a device reports both as an SNMP trap and
// as a syslog line. Events are matched on what identifies them in both
// forms: device, kind, peer and reason (code and slug). An event is a
// duplicate when an event with the same key came from the *other* input
// within the window and has not been matched yet; matching is one to one,
// oldest first. So a device that sends both counts each event once, a device
// that sends only one of them is never affected, and repeated failures
// through one input are each counted: two traps never cancel each other.
//
// The first of the two to arrive is counted at once; nothing is delayed.
// Events counted by name only (KindNotification) are always admitted.
type Dedup struct {
	window atomic.Int64 // nanoseconds; 0 turns matching off

	mu        sync.Mutex
	entries   map[dedupKey]*dedupEntry
	pending   int   // unmatched events held, over all entries
	lastSweep int64 // event time of the last sweep, Unix nanoseconds
}

type dedupKey struct {
	kind                             mib.Kind
	device, peer, reason, reasonCode string
}

// dedupEntry holds the arrival times of the unmatched events of one key,
// oldest first. They all came through one input: an event from the other
// input would have matched the oldest of them.
type dedupEntry struct {
	input Origin
	times []int64
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

// Gate returns the gate of one input.
func (d *Dedup) Gate(input Origin) Gate { return dedupGate{d, input} }

type dedupGate struct {
	d     *Dedup
	input Origin
}

func (g dedupGate) Admit(ev *Event) bool { return g.d.admit(ev, g.input) }

// admit reports whether ev, which came through input, is to be counted.
func (d *Dedup) admit(ev *Event, input Origin) bool {
	window := d.window.Load()
	if window <= 0 || ev.Kind == mib.KindNotification {
		return true
	}
	now := ev.Time.UnixNano()
	key := dedupKey{kind: ev.Kind, device: ev.Device, peer: ev.Peer, reason: ev.Reason, reasonCode: ev.ReasonCode}

	d.mu.Lock()
	defer d.mu.Unlock()
	if now-d.lastSweep > window {
		d.sweep(now, window)
	}
	e := d.entries[key]
	if e != nil {
		d.expire(e, now, window)
		if len(e.times) > 0 && e.input != input {
			// The twin of the oldest unmatched event of the other input.
			e.times = e.times[1:]
			d.pending--
			return false
		}
	}
	if d.pending >= maxDedupPending {
		return true
	}
	if e == nil {
		if len(d.entries) >= maxDedupKeys {
			return true
		}
		e = &dedupEntry{}
		d.entries[key] = e
	}
	e.input = input
	e.times = append(e.times, now)
	d.pending++
	return true
}

// expire forgets the events of e older than the window: their twin did not
// come in time, if there was one.
func (d *Dedup) expire(e *dedupEntry, now, window int64) {
	i := 0
	for i < len(e.times) && now-e.times[i] > window {
		i++
	}
	if i > 0 {
		d.pending -= i
		e.times = e.times[i:]
	}
}

// sweep removes the keys whose events all expired, so that memory follows
// the events of the last window, not every key ever seen.
func (d *Dedup) sweep(now, window int64) {
	for k, e := range d.entries {
		d.expire(e, now, window)
		if len(e.times) == 0 {
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
