package pipeline

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

func TestDownHistory(t *testing.T) {
	hour := func(h float64) int64 { return t0.Add(time.Duration(h * float64(time.Hour))).UnixNano() }
	tests := []struct {
		name  string
		downs []float64 // hours after t0
		now   float64
		want  int
	}{
		{"none", nil, 0, 0},
		{"one now", []float64{0}, 0, 1},
		{"three in one hour", []float64{0, 0.2, 0.9}, 1, 3},
		{"spread over the day", []float64{0, 5, 10, 23.5}, 23.9, 4},
		{"the oldest hour leaves the window", []float64{0, 5, 10, 23.5}, 24, 3},
		{"all gone after a quiet day", []float64{0, 1, 2}, 26.5, 0},
		{"a slot is reused a day later", []float64{0, 0, 24}, 24.5, 1},
		{"a late down within the window counts", []float64{10, 2}, 10, 2},
		{"a down older than the window does not", []float64{30, 2}, 30, 1},
		{"a gap longer than the window clears everything", []float64{0, 1, 100}, 100, 1},
		{"asked about a time before the newest down", []float64{0, 5}, 3, 1},
	}
	for _, tt := range tests {
		var d downHistory
		for _, h := range tt.downs {
			d.add(hour(h))
		}
		if got := d.count(hour(tt.now)); got != tt.want {
			t.Errorf("%s: %d downs, want %d", tt.name, got, tt.want)
		}
		// What the state file keeps gives the same count after a restore.
		var r downHistory
		r.restore(d.hours(), time.Unix(0, hour(tt.now)))
		if got := r.count(hour(tt.now)); got != tt.want {
			t.Errorf("%s: %d downs after a restore, want %d (hours %v)", tt.name, got, tt.want, d.hours())
		}
	}

	// A tunnel that flaps without end costs the same and saturates.
	var d downHistory
	for i := range 70000 {
		d.add(hour(float64(i) / 1e6))
	}
	if got := d.count(hour(0.5)); got != 1<<16-1 {
		t.Errorf("70,000 downs in one hour count as %d, want the saturated 65535", got)
	}
	if n := len(d.hours()); n != 1 {
		t.Errorf("%d hours kept, want 1", n)
	}
}

// The tunnels view says where each tunnel runs, since when it is in its
// state, why it last went down and how often in the last day; all of it
// survives a restart through the state file.
func TestTunnelsView(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), config.Limits{})
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	rekey := mib.TeardownSlugs(mib.TeardownRekey)[0]
	planned := mib.TeardownSlugs(mib.TeardownAdministrative)[0]

	m.Record(located(tunnelEvent(mib.KindTunnelUp, "2001:db8::1", "", at(0)), "Tunnel0/0/1", "vsys-a"))
	m.Record(tunnelEvent(mib.KindTunnelDown, "2001:db8::1", "dpd_timeout", at(10))) // says nothing about where
	m.Record(tunnelEvent(mib.KindTunnelDown, "2001:db8::1", "dpd_timeout", at(11))) // a repeat is not a down
	m.Record(tunnelEvent(mib.KindTunnelUp, "2001:db8::1", "", at(20)))
	m.Record(located(tunnelEvent(mib.KindTunnelDown, "2001:db8::1", rekey, at(30)), "Tunnel0/0/2", "")) // a rekey is not a down
	m.Record(tunnelEvent(mib.KindTunnelDown, "2001:db8::1", "peer_reset", at(40)))
	m.Record(tunnelEvent(mib.KindTunnelDown, "192.0.2.7", planned, at(5)))
	m.Record(failureEvent("198.51.100.1", at(1))) // failures make no tunnel

	now := at(60)
	got := m.Tunnels(now)
	slices.SortFunc(got, func(a, b TunnelView) int { return strings.Compare(a.Peer, b.Peer) })
	want := []TunnelView{
		{Device: "fw-hq-01", Peer: "192.0.2.7", Planned: true, Since: at(5), LastUpdate: at(5), DownReason: planned, DownsLastDay: 1},
		{Device: "fw-hq-01", Peer: "2001:db8::1", Interface: "Tunnel0/0/2", Vsys: "vsys-a", Since: at(40), LastUpdate: at(40),
			DownReason: "peer_reset", DownsLastDay: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tunnels\n got %+v\nwant %+v", got, want)
	}

	tunnels, failures := m.Snapshot()
	r := NewMetrics(prometheus.NewRegistry(), config.Limits{})
	r.Restore(tunnels, failures, now.Add(time.Hour))
	restored := r.Tunnels(now)
	slices.SortFunc(restored, func(a, b TunnelView) int { return strings.Compare(a.Peer, b.Peer) })
	if !reflect.DeepEqual(restored, want) {
		t.Errorf("after a restore\n got %+v\nwant %+v", restored, want)
	}
	// A day later the downs have left the window; the rest stays.
	later := r.Tunnels(now.Add(25 * time.Hour))
	for _, tv := range later {
		if tv.DownsLastDay != 0 || tv.Since.IsZero() || tv.DownReason == "" {
			t.Errorf("a day later: %+v, want no downs in the window and the rest kept", tv)
		}
	}
}

// A state file written before the tunnel's place and downs were kept
// restores with them unknown.
func TestRestoreStateWithoutTunnelPlace(t *testing.T) {
	r := NewMetrics(prometheus.NewRegistry(), config.Limits{})
	r.Restore([]state.Tunnel{{Device: "fw", Peer: "p", LastChange: t0, LastUpdate: t0, DownReason: "dpd_timeout"}}, nil, t0)
	got := r.Tunnels(t0)
	if len(got) != 1 || got[0].Interface != "" || got[0].DownsLastDay != 0 || !got[0].Since.Equal(t0) {
		t.Errorf("restored %+v", got)
	}
}

func TestFailureAndStateChangeViews(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), config.Limits{})
	for i := range 3 {
		m.Record(failureEvent("203.0.113.9", t0.Add(time.Duration(i)*time.Second)))
	}
	m.Record(failureEvent("203.0.113.10", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", "dpd_timeout", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", "dpd_timeout", t0.Add(time.Second)))

	counts := map[string]float64{}
	last := map[string]time.Time{}
	for f := range m.FailureSeries() {
		if f.Interface != "GigabitEthernet0/0/1" || f.Reason != "responder_dh_mismatch" || f.ReasonCode != "6" {
			t.Errorf("failure series %+v", f)
		}
		counts[f.Peer], last[f.Peer] = f.Count(), f.Last
	}
	if counts["203.0.113.9"] != 3 || counts["203.0.113.10"] != 1 || !last["203.0.113.9"].Equal(t0.Add(2*time.Second)) {
		t.Errorf("failure counts %v, last %v", counts, last)
	}
	n := 0
	for s := range m.StateChanges() {
		n++
		if s.State != "down" || s.Reason != "dpd_timeout" || s.Count() != 2 {
			t.Errorf("state change %+v count %v", s, s.Count())
		}
	}
	if n != 1 {
		t.Errorf("%d state-change series, want 1", n)
	}
	// Breaking out of the loop releases the index: recording still works.
	for range m.FailureSeries() {
		break
	}
	m.Record(failureEvent("203.0.113.11", t0))
}

// The views are read while inputs record (go test -race checks the locks):
// every tunnel a view returns is one whose notification was recorded, and
// counts only grow.
func TestViewsWhileRecording(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), config.Limits{})
	done := make(chan struct{})
	for w := range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 2000 {
				peer := fmt.Sprintf("10.%d.0.%d", w, i%80)
				at := t0.Add(time.Duration(i) * time.Millisecond)
				m.Record(failureEvent(peer, at))
				kind := mib.KindTunnelUp
				if i%2 == 0 {
					kind = mib.KindTunnelDown
				}
				m.Record(located(tunnelEvent(kind, peer, "dpd_timeout", at), "Tunnel0/0/1", ""))
			}
		}()
	}
	var last float64
	for running := 2; running > 0; {
		select {
		case <-done:
			running--
		default:
			for _, tv := range m.Tunnels(t0.Add(time.Hour)) {
				if tv.Interface != "Tunnel0/0/1" || tv.Since.IsZero() {
					t.Fatalf("a tunnel half recorded: %+v", tv)
				}
			}
			var total float64
			for f := range m.FailureSeries() {
				total += f.Count()
			}
			for s := range m.StateChanges() {
				_ = s.Count()
			}
			if total < last {
				t.Fatalf("failure counts went back from %v to %v", last, total)
			}
			last = total
		}
	}
	if n := len(m.Tunnels(t0)); n != 160 {
		t.Errorf("%d tunnels, want 160", n)
	}
}

func located(ev *Event, iface, vsys string) *Event {
	ev.Interface, ev.Vsys = iface, vsys
	return ev
}
