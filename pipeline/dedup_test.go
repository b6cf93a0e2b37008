package pipeline

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

func TestDedup(t *testing.T) {
	fail := Event{Kind: mib.KindNegotiationFailure, Device: "fw1", Peer: "203.0.113.9", ReasonCode: "6", Reason: "responder_dh_mismatch"}
	other := fail
	other.ReasonCode, other.Reason = "1", "phase1_proposal_mismatch"
	up := Event{Kind: mib.KindTunnelUp, Device: "fw1", Peer: "203.0.113.9"}
	otherDevice := fail
	otherDevice.Device = "fw2"
	notif := Event{Kind: mib.KindNotification, Notification: "hwIPSecTunnelReachMax", Device: "fw1"}

	type arrival struct {
		at    time.Duration
		input Origin
		ev    Event
		want  bool // admitted
	}
	// Three inputs: the third, a fake one, shows that nothing assumes two.
	T, S, F := Origin("trap"), Origin("syslog"), Origin("fake")
	tests := []struct {
		name     string
		arrivals []arrival
	}{
		{"trap then its log line", []arrival{{0, T, fail, true}, {time.Second, S, fail, false}}},
		{"log line then its trap", []arrival{{0, S, fail, true}, {time.Second, T, fail, false}}},
		{"twins too far apart", []arrival{{0, T, fail, true}, {11 * time.Second, S, fail, true}}},
		{"repeats through one input all count", []arrival{{0, T, fail, true}, {0, T, fail, true}, {time.Second, T, fail, true}}},
		{"a burst through both counts once each", []arrival{
			{0, T, fail, true}, {0, T, fail, true}, {0, T, fail, true},
			{time.Second, S, fail, false}, {time.Second, S, fail, false}, {time.Second, S, fail, false},
			{2 * time.Second, S, fail, true}, // a fourth failure, logged only
		}},
		{"interleaved", []arrival{{0, T, fail, true}, {0, S, fail, false}, {time.Second, S, fail, true}, {time.Second, T, fail, false}}},
		{"the oldest twin expires first", []arrival{{0, T, fail, true}, {8 * time.Second, T, fail, true}, {12 * time.Second, S, fail, false}, {13 * time.Second, S, fail, true}}},
		{"another reason is another event", []arrival{{0, T, fail, true}, {0, S, other, true}}},
		{"another kind is another event", []arrival{{0, T, fail, true}, {0, S, up, true}}},
		{"another device is another event", []arrival{{0, T, fail, true}, {0, S, otherDevice, true}}},
		{"counted by name only: never matched", []arrival{{0, T, notif, true}, {0, S, notif, true}}},
		{"reported by three inputs: counted once", []arrival{{0, F, fail, true}, {0, T, fail, false}, {time.Second, S, fail, false}}},
		{"each input matches each event once", []arrival{
			{0, T, fail, true}, {0, S, fail, false}, {0, S, fail, true}, // a second failure, logged first
			{0, F, fail, false}, {0, F, fail, false}, {0, F, fail, true}, // the fake saw both, then a third
			{time.Second, T, fail, false}, // the trap of the second: the oldest the trap input has not seen
		}},
	}
	base := time.Unix(1_800_000_000, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDedup(10 * time.Second)
			for _, a := range tt.arrivals {
				d.Gate(a.input) // every input's gate before the first event, as the exporter does
			}
			for i, a := range tt.arrivals {
				ev := a.ev
				ev.Time = base.Add(a.at)
				twin := d.Gate(a.input).Admit(&ev)
				if got := twin == ""; got != a.want {
					t.Errorf("arrival %d (%s at %s through %s): admitted %v, want %v", i, ev.Kind, a.at, a.input, got, a.want)
				}
			}
		})
	}
}

func TestDedupWindowOff(t *testing.T) {
	d := NewDedup(0)
	ev := Event{Kind: mib.KindTunnelUp, Device: "fw1", Peer: "p", Time: time.Now()}
	if d.Gate("trap").Admit(&ev) != "" || d.Gate("syslog").Admit(&ev) != "" {
		t.Error("a zero window must admit everything")
	}
	if keys, pending := d.held(); keys != 0 || pending != 0 {
		t.Errorf("held %d keys, %d events with matching off", keys, pending)
	}
}

// TestDedupMemory checks that what Dedup holds follows the last window and
// stays under its bounds whatever arrives.
func TestDedupMemory(t *testing.T) {
	d := NewDedup(time.Second)
	base := time.Unix(1_800_000_000, 0)
	gate := d.Gate("trap")
	for i := 0; i < maxDedupKeys+100; i++ {
		ev := Event{Kind: mib.KindTunnelUp, Device: "fw", Peer: string(rune('a'+i%26)) + time.Duration(i).String(), Time: base}
		if gate.Admit(&ev) != "" {
			t.Fatal("a new event was refused")
		}
	}
	if keys, pending := d.held(); keys != maxDedupKeys || pending != maxDedupKeys {
		t.Errorf("held %d keys, %d events; want the bound %d", keys, pending, maxDedupKeys)
	}
	ev := Event{Kind: mib.KindTunnelUp, Device: "fw", Peer: "late", Time: base.Add(2 * time.Second)}
	gate.Admit(&ev)
	if keys, pending := d.held(); keys != 1 || pending != 1 {
		t.Errorf("after the window: held %d keys, %d events; want 1, 1", keys, pending)
	}
}

// BenchmarkDedup is the gate's cost per trap in a storm: 1,000 peers,
// decoders on every core, events a microsecond apart.
func BenchmarkDedup(b *testing.B) {
	d := NewDedup(10 * time.Second)
	gate := d.Gate("trap")
	peers := make([]string, 1000)
	for i := range peers {
		peers[i] = "203.0.113." + time.Duration(i).String()
	}
	base := time.Unix(1_800_000_000, 0)
	var clock atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			ev := Event{Kind: mib.KindNegotiationFailure, Device: "fw1", Peer: peers[i%len(peers)], ReasonCode: "6",
				Reason: "responder_dh_mismatch", Time: base.Add(time.Duration(clock.Add(1)) * time.Microsecond)}
			gate.Admit(&ev)
		}
	})
}

// TestFakeInputDuplicates: a third, fake input drops the twin under the name of the
// input that counted it, and its counters know every other input's name.
func TestFakeInputDuplicates(t *testing.T) {
	p := New(NewDedup(10*time.Second), &countSink{})
	trap, syslog, fake := p.Feed("trap"), p.Feed("syslog"), p.Feed("fake")
	if got := fake.Duplicates(); len(got) != 2 || got[0] != "duplicate_of_trap" || got[1] != "duplicate_of_syslog" {
		t.Errorf("the fake input's duplicate reasons: %v", got)
	}
	ev := Event{Kind: mib.KindTunnelUp, Device: "fw1", Peer: "p", Time: time.Unix(1_800_000_000, 0)}
	for _, step := range []struct {
		feed *Feed
		want DropReason
	}{{syslog, ""}, {trap, "duplicate_of_syslog"}, {fake, "duplicate_of_syslog"}} {
		e := ev
		if got := step.feed.Record(&e); got != step.want {
			t.Errorf("Record = %q, want %q", got, step.want)
		}
	}
}

type countSink struct{ n int }

func (s *countSink) Record(*Event) bool { s.n++; return true }
