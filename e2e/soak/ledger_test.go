package soak_test

import (
	"sort"
	"sync"
	"time"
)

// key names what the exporter counts one event or drop under: a metric
// and the labels the oracle compares by (device, peer and a reason or a
// state); labels the key leaves empty are summed over.
type key struct {
	metric string
	device string
	peer   string
	state  string // tunnel state changes: up or down
	reason string // failure reason slug, teardown slug, drop reason, reload result
}

func (k key) String() string {
	s := k.metric + "{"
	for _, l := range [][2]string{{"device", k.device}, {"peer", k.peer}, {"state", k.state}, {"reason", k.reason}} {
		if l[1] != "" {
			s += l[0] + "=" + l[1] + ","
		}
	}
	return s + "}"
}

// entry is one thing the harness did that the exporter must count: the
// moment it was sent (or, for an inform, acknowledged), the input that
// carried it, and whether the exporter surely took it: an acknowledged
// inform, or a datagram or stream sent while the exporter was running
// with a known configuration. An inform its sender gave up on may or may
// not have been counted.
type entry struct {
	at    time.Time
	input string
	sure  bool
}

// Ledger is every event and drop the harness caused, by key, and every
// lifecycle event (reloads, restarts, kills), so that the oracle can say
// what Prometheus must have recorded.
type Ledger struct {
	mu      sync.Mutex
	entries map[key][]entry
	// sent counts what each input sent, by input name, for the report.
	sent map[string]int
	// tunnels is each tunnel's story: the state after every event, in
	// order.
	tunnels map[[2]string][]tunnelStep

	lifecycle []lifecycleEvent
}

type tunnelStep struct {
	at time.Time
	up bool
}

// lifecycleEvent is a reload, restart or kill, as the harness did it.
type lifecycleEvent struct {
	kind  string // reload, reload-broken, restart, kill, disk-full, disk-freed
	at    time.Time
	ready time.Time // restarts and kills: when the new process was ready
}

func newLedger() *Ledger {
	return &Ledger{entries: map[key][]entry{}, sent: map[string]int{}, tunnels: map[[2]string][]tunnelStep{}}
}

// count records one event or drop under k.
func (l *Ledger) count(k key, input string, at time.Time, sure bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries[k] = append(l.entries[k], entry{at: at, input: input, sure: sure})
}

// sentBy records that input sent n messages.
func (l *Ledger) sentBy(input string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent[input] += n
}

// tunnel records a tunnel's state after an event.
func (l *Ledger) tunnel(device, peer string, up bool, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := [2]string{device, peer}
	l.tunnels[p] = append(l.tunnels[p], tunnelStep{at: at, up: up})
}

// tunnelIsUp is the ledger's state of a tunnel now, and whether it has one.
func (l *Ledger) tunnelIsUp(device, peer string) (up, known bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	steps := l.tunnels[[2]string{device, peer}]
	if len(steps) == 0 {
		return false, false
	}
	return steps[len(steps)-1].up, true
}

func (l *Ledger) event(e lifecycleEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lifecycle = append(l.lifecycle, e)
}

func (l *Ledger) events(kind string) []lifecycleEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []lifecycleEvent
	for _, e := range l.lifecycle {
		if e.kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (l *Ledger) keys() []key {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]key, 0, len(l.entries))
	for k := range l.entries {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func (l *Ledger) entriesOf(k key) []entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]entry(nil), l.entries[k]...)
}
