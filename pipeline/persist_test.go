package pipeline

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

var t0 = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func tunnelEvent(kind mib.Kind, peer, reason string, at time.Time) *Event {
	n := "hwIPSecTunnelStart"
	if kind == mib.KindTunnelDown {
		n = "hwIPSecTunnelStop"
	}
	return &Event{Kind: kind, Notification: n, Device: "fw-hq-01", Peer: peer, Reason: reason, Time: at}
}

func failureEvent(peer string, at time.Time) *Event {
	return &Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail", Device: "fw-hq-01", Peer: peer,
		Interface: "GigabitEthernet0/0/1", ReasonCode: "6", Reason: "responder_dh_mismatch", Time: at}
}

func sortTunnels(ts []state.Tunnel) {
	slices.SortFunc(ts, func(a, b state.Tunnel) int { return strings.Compare(a.Peer, b.Peer) })
}

// The last change is the time of the transition, not of a repeated
// notification; the down reason outlives the tunnel coming back.
func TestTunnelLastChange(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, config.Limits{})
	m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", "dpd_timeout", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", "peer_reset", t0.Add(time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelUp, "198.51.100.7", "", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "198.51.100.7", "dpd_timeout", t0.Add(time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelUp, "198.51.100.7", "", t0.Add(2*time.Minute)))

	want := `
# HELP ipsec_tunnel_last_change_timestamp_seconds Unix time at which ipsec_tunnel_up last changed (or was first set), as received by the exporter; kept across restarts.
# TYPE ipsec_tunnel_last_change_timestamp_seconds gauge
ipsec_tunnel_last_change_timestamp_seconds{device="fw-hq-01",peer="198.51.100.7"} %d
ipsec_tunnel_last_change_timestamp_seconds{device="fw-hq-01",peer="203.0.113.9"} %d
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, t0.Add(2*time.Minute).Unix(), t0.Unix())),
		"ipsec_tunnel_last_change_timestamp_seconds"); err != nil {
		t.Error(err)
	}
	tunnels, _ := m.Snapshot()
	sortTunnels(tunnels)
	wantTunnels := []state.Tunnel{
		{Device: "fw-hq-01", Peer: "198.51.100.7", Up: true, LastChange: t0.Add(2 * time.Minute), LastUpdate: t0.Add(2 * time.Minute), DownReason: "dpd_timeout",
			Downs: []state.DownHour{{Hour: t0, Downs: 1}}},
		// A repeated down is not a second down.
		{Device: "fw-hq-01", Peer: "203.0.113.9", Up: false, LastChange: t0, LastUpdate: t0.Add(time.Minute), DownReason: "peer_reset",
			Downs: []state.DownHour{{Hour: t0, Downs: 1}}},
	}
	if !reflect.DeepEqual(tunnels, wantTunnels) {
		t.Errorf("snapshot\n got %+v\nwant %+v", tunnels, wantTunnels)
	}
}

// The last notification moves with every notification of the tunnel, a
// repeated state and a rekey's teardown included: of an HA pair, the
// exporter that missed a down never sees its state change back to up, and
// only this time says that it heard the tunnel last.
func TestTunnelLastNotification(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, config.Limits{})
	rekey := mib.TeardownSlugs(mib.TeardownRekey)[0]
	m.Record(tunnelEvent(mib.KindTunnelUp, "203.0.113.9", "", t0))
	m.Record(tunnelEvent(mib.KindTunnelUp, "203.0.113.9", "", t0.Add(time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelUp, "198.51.100.7", "", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "198.51.100.7", rekey, t0.Add(2*time.Minute)))
	m.Record(failureEvent("198.51.100.7", t0.Add(3*time.Minute)))
	want := `
# HELP ipsec_tunnel_last_notification_timestamp_seconds Unix time of the last up or down notification of this tunnel (a rekey's teardown included), as received by the exporter; kept across restarts. Rules merge an HA pair by it: the exporter that heard last knows the state.
# TYPE ipsec_tunnel_last_notification_timestamp_seconds gauge
ipsec_tunnel_last_notification_timestamp_seconds{device="fw-hq-01",peer="198.51.100.7"} %d
ipsec_tunnel_last_notification_timestamp_seconds{device="fw-hq-01",peer="203.0.113.9"} %d
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, t0.Add(2*time.Minute).Unix(), t0.Add(time.Minute).Unix())),
		"ipsec_tunnel_last_notification_timestamp_seconds"); err != nil {
		t.Error(err)
	}
	for peer, changed := range map[string]time.Time{"203.0.113.9": t0, "198.51.100.7": t0} {
		if v := testutil.ToFloat64(m.tunnelChange.WithLabelValues("fw-hq-01", peer)); v != float64(changed.Unix()) {
			t.Errorf("%s: last change %v, want %d", peer, v, changed.Unix())
		}
	}
}

// A planned down survives a restart as planned (IPSecTunnelDown and the
// availability SLO leave it out), and a rekey never moves a known tunnel.
func TestPlannedDownAndRekeyPersist(t *testing.T) {
	planned := mib.TeardownSlugs(mib.TeardownAdministrative)[0]
	rekey := mib.TeardownSlugs(mib.TeardownRekey)[0]
	outage := mib.TeardownSlugs(mib.TeardownOutage)[0]
	m := NewMetrics(prometheus.NewRegistry(), config.Limits{})
	m.Record(tunnelEvent(mib.KindTunnelUp, "203.0.113.9", "", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", planned, t0.Add(time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", rekey, t0.Add(2*time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelUp, "198.51.100.7", "", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "198.51.100.7", outage, t0.Add(time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelUp, "198.51.100.7", "", t0.Add(3*time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelDown, "198.51.100.7", rekey, t0.Add(4*time.Minute)))
	// A rekey is the first thing heard of this tunnel: it is up.
	m.Record(tunnelEvent(mib.KindTunnelDown, "192.0.2.1", rekey, t0))
	tunnels, _ := m.Snapshot()
	sortTunnels(tunnels)
	want := []state.Tunnel{
		{Device: "fw-hq-01", Peer: "192.0.2.1", Up: true, LastChange: t0, LastUpdate: t0},
		{Device: "fw-hq-01", Peer: "198.51.100.7", Up: true, LastChange: t0.Add(3 * time.Minute), LastUpdate: t0.Add(4 * time.Minute), DownReason: outage,
			Downs: []state.DownHour{{Hour: t0, Downs: 1}}},
		{Device: "fw-hq-01", Peer: "203.0.113.9", Up: false, Planned: true, LastChange: t0.Add(time.Minute), LastUpdate: t0.Add(2 * time.Minute), DownReason: planned,
			Downs: []state.DownHour{{Hour: t0, Downs: 1}}},
	}
	if !reflect.DeepEqual(tunnels, want) {
		t.Errorf("snapshot\n got %+v\nwant %+v", tunnels, want)
	}
	reg := prometheus.NewRegistry()
	r := NewMetrics(reg, config.Limits{})
	r.Restore(tunnels, nil, t0.Add(time.Hour))
	if v := testutil.ToFloat64(r.tunnelPlanned.WithLabelValues("fw-hq-01", "203.0.113.9")); v != 1 {
		t.Errorf("restored ipsec_tunnel_down_planned = %v, want 1", v)
	}
	if v := testutil.ToFloat64(r.tunnelPlanned.WithLabelValues("fw-hq-01", "198.51.100.7")); v != 0 {
		t.Errorf("restored ipsec_tunnel_down_planned of an up tunnel = %v, want 0", v)
	}
}

// A snapshot restored into a new process gives the same gauges; counters
// start again at 0 (failures) or not at all (state changes, successes).
func TestSnapshotRestoreRoundTrip(t *testing.T) {
	before := prometheus.NewRegistry()
	m := NewMetrics(before, config.Limits{MaxSeries: 100})
	m.Record(tunnelEvent(mib.KindTunnelUp, "203.0.113.9", "", t0))
	m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", "dpd_timeout", t0.Add(time.Minute)))
	m.Record(tunnelEvent(mib.KindTunnelUp, "198.51.100.7", "", t0.Add(time.Minute)))
	for i := range 3 {
		m.Record(failureEvent("203.0.113.9", t0.Add(time.Duration(i)*time.Second+123*time.Millisecond)))
	}
	m.Record(failureEvent("203.0.113.10", t0))
	tunnels, failures := m.Snapshot()

	after := prometheus.NewRegistry()
	r := NewMetrics(after, config.Limits{MaxSeries: 100})
	st := r.Restore(tunnels, failures, t0.Add(time.Hour))
	if st != (RestoreStats{Tunnels: 2, Failures: 2}) {
		t.Errorf("restore stats %+v", st)
	}
	gauges := []string{"ipsec_tunnel_up", "ipsec_tunnel_down_planned", "ipsec_tunnel_last_change_timestamp_seconds",
		"ipsec_tunnel_last_notification_timestamp_seconds", "ipsec_negotiation_last_failure_timestamp_seconds"}
	want, got := gatherText(t, before, gauges...), gatherText(t, after, gauges...)
	if got != want || strings.Count(got, "\n") < 13 {
		t.Errorf("restored gauges differ\n got:\n%s\nwant:\n%s", got, want)
	}
	if n := testutil.ToFloat64(r.failures.WithLabelValues("fw-hq-01", "203.0.113.9", "GigabitEthernet0/0/1", "", "responder_dh_mismatch", "6")); n != 0 {
		t.Errorf("restored failure counter = %v, want 0 (counters are not restored)", n)
	}
	for _, name := range []string{"ipsec_tunnel_state_changes_total", "ipsec_negotiation_successes_total"} {
		if n, err := testutil.GatherAndCount(after, name); err != nil || n != 0 {
			t.Errorf("%d %s series after restore, want none", n, name)
		}
	}
	// The restored process snapshots what it restored.
	t2, f2 := r.Snapshot()
	sortTunnels(tunnels)
	sortTunnels(t2)
	if !reflect.DeepEqual(t2, tunnels) || len(f2) != len(failures) {
		t.Errorf("snapshot after restore\n got %+v %+v\nwant %+v %+v", t2, f2, tunnels, failures)
	}
	// New events continue from the restored state: a repeated down keeps
	// the restored time of the change.
	r.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", "dpd_timeout", t0.Add(2*time.Hour)))
	if v := testutil.ToFloat64(r.tunnelChange.WithLabelValues("fw-hq-01", "203.0.113.9")); v != float64(t0.Add(time.Minute).Unix()) {
		t.Errorf("last change after a repeated down = %v, want the restored %d", v, t0.Add(time.Minute).Unix())
	}
}

func TestRestoreObeysLimits(t *testing.T) {
	var tunnels []state.Tunnel
	var failures []state.Failure
	for i := range 6 {
		at := t0.Add(time.Duration(i) * time.Hour)
		peer := fmt.Sprintf("10.0.0.%d", i)
		tunnels = append(tunnels, state.Tunnel{Device: "fw", Peer: peer, LastChange: at, LastUpdate: at})
		failures = append(failures, state.Failure{Device: "fw", Peer: peer, Reason: "unknown", LastFailure: at})
	}
	// A label set twice (a hand-edited file) is restored once.
	tunnels = append(tunnels, tunnels[5])
	now := t0.Add(5*time.Hour + time.Minute)

	m := NewMetrics(prometheus.NewRegistry(), config.Limits{MaxSeries: 3, SeriesTTL: model.Duration(4*time.Hour + 30*time.Minute)})
	st := m.Restore(tunnels, failures, now)
	// 10.0.0.0 is older than the TTL; of the other five, the three most
	// recent fit under max_series.
	if want := (RestoreStats{Tunnels: 3, Failures: 3, Expired: 2, OverLimit: 4, Duplicates: 1}); st != want {
		t.Errorf("restore stats %+v, want %+v", st, want)
	}
	got, gotF := m.Snapshot()
	sortTunnels(got)
	var peers []string
	for _, t := range got {
		peers = append(peers, t.Peer)
	}
	if want := []string{"10.0.0.3", "10.0.0.4", "10.0.0.5"}; !reflect.DeepEqual(peers, want) || len(gotF) != 3 {
		t.Errorf("restored tunnels %v and %d failures, want %v and 3", peers, len(gotF), want)
	}
	// Restored series age from their saved last update, not from the
	// restart.
	m.Expire(t0.Add(8*time.Hour + 45*time.Minute))
	got, gotF = m.Snapshot()
	if len(got) != 1 || got[0].Peer != "10.0.0.5" || len(gotF) != 1 {
		t.Errorf("after expiry: %+v %+v, want only 10.0.0.5", got, gotF)
	}
}

func TestStateChanged(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), config.Limits{SeriesTTL: model.Duration(time.Hour)})
	steps := []struct {
		name string
		do   func()
		want bool
	}{
		{"nothing yet", func() {}, false},
		{"a failure", func() { m.Record(failureEvent("203.0.113.9", t0)) }, true},
		{"asked again", func() {}, false},
		{"a tunnel down", func() { m.Record(tunnelEvent(mib.KindTunnelDown, "203.0.113.9", "dpd_timeout", t0)) }, true},
		{"a clear, counted by name", func() {
			m.Record(&Event{Kind: mib.KindNotification, Notification: "hwIPSecNegotiationSuccess", Device: "fw", Peer: "p", Time: t0})
		}, false},
		{"an expiry that removes nothing", func() { m.Expire(t0.Add(time.Minute)) }, false},
		{"an expiry that removes series", func() { m.Expire(t0.Add(2 * time.Hour)) }, true},
	}
	for _, s := range steps {
		s.do()
		if got := m.StateChanged(); got != s.want {
			t.Errorf("%s: StateChanged() = %v, want %v", s.name, got, s.want)
		}
	}
}

// gatherText is the text exposition of the named families of g.
func gatherText(t *testing.T, g prometheus.Gatherer, names ...string) string {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range families {
		if slices.Contains(names, f.GetName()) {
			if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.String()
}

// Snapshots are taken while decoders record events (run with -race).
func TestSnapshotWhileRecording(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), config.Limits{MaxSeries: 50})
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 2000 {
				peer := fmt.Sprintf("10.%d.0.%d", w, i%80)
				at := t0.Add(time.Duration(i) * time.Millisecond)
				m.Record(failureEvent(peer, at))
				if i%2 == 0 {
					m.Record(tunnelEvent(mib.KindTunnelDown, peer, "dpd_timeout", at))
				} else {
					m.Record(tunnelEvent(mib.KindTunnelUp, peer, "", at))
				}
			}
		}()
	}
	running := 4
	for running > 0 {
		select {
		case <-done:
			running--
		default:
			tunnels, failures := m.Snapshot()
			if len(tunnels) > 50 || len(failures) > 50 {
				t.Fatalf("snapshot beyond max_series: %d tunnels, %d failures", len(tunnels), len(failures))
			}
		}
	}
	tunnels, failures := m.Snapshot()
	if len(tunnels) != 50 || len(failures) != 50 {
		t.Errorf("final snapshot %d tunnels, %d failures, want 50 each", len(tunnels), len(failures))
	}
}
