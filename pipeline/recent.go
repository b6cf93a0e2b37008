package pipeline

import "sync"

// Recent keeps the last events in a ring, for the /events page and
// /api/v1/events (package web). It is the
// one place where the reason text as sent (a finer text than the catalogue's
// under the same code, or a router's free text) can be read: it never becomes
// a label, so without this it would be lost.
type Recent struct {
	mu     sync.Mutex
	events []Event
	next   int
	full   bool
}

// NewRecent keeps the last size events; size <= 0 keeps none.
func NewRecent(size int) *Recent {
	if size < 0 {
		size = 0
	}
	return &Recent{events: make([]Event, size)}
}

// Record implements Sink. It never refuses an event.
func (r *Recent) Record(ev *Event) bool {
	if len(r.events) == 0 {
		return true
	}
	r.mu.Lock()
	r.events[r.next] = *ev
	r.next++
	if r.next == len(r.events) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
	return true
}

// Last returns up to n events, newest first; n <= 0 returns them all.
func (r *Recent) Last(n int) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	have := r.next
	if r.full {
		have = len(r.events)
	}
	if n <= 0 || n > have {
		n = have
	}
	out := make([]Event, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, r.events[(r.next-i+len(r.events))%len(r.events)])
	}
	return out
}
