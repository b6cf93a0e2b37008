package pipeline

import (
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/model"
)

func TestSeriesLimit(t *testing.T) {
	idx := newSeriesIndex[[2]string]()
	idx.setLimits(config.Limits{MaxSeries: 2})
	newSeries := func() *series { return &series{} }
	for i, key := range [][2]string{{"a", "1"}, {"a", "2"}} {
		if idx.get(key, int64(i), newSeries) == nil {
			t.Fatalf("series %d refused under the limit", i)
		}
	}
	if idx.get([2]string{"a", "3"}, 2, newSeries) != nil {
		t.Error("a third series was created beyond max_series 2")
	}
	if idx.get([2]string{"a", "1"}, 3, newSeries) == nil {
		t.Error("an existing series stopped counting at the limit")
	}
	idx.setLimits(config.Limits{})
	if idx.get([2]string{"a", "3"}, 4, newSeries) == nil || idx.len() != 3 {
		t.Error("max_series 0 must mean unlimited")
	}
}

// TestSeriesExpiry: a series not updated for longer than series_ttl leaves
// /metrics; one updated within it stays; without a TTL nothing expires.
func TestSeriesExpiry(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, config.Limits{SeriesTTL: model.Duration(time.Hour)})
	start := time.Unix(1700000000, 0)
	old := Event{Kind: mib.KindNegotiationFailure, Notification: "hwIPSecNegoFail", Device: "fw", Peer: "198.51.100.1", Reason: "unknown", Time: start}
	fresh := old
	fresh.Peer, fresh.Time = "198.51.100.2", start.Add(50*time.Minute)
	tunnel := Event{Kind: mib.KindTunnelDown, Notification: "hwIPSecTunnelStop", Device: "fw", Peer: "198.51.100.3", Reason: "dpd_timeout", Time: start}
	for _, ev := range []*Event{&old, &fresh, &tunnel} {
		if !m.Record(ev) {
			t.Fatal("refused without a limit")
		}
	}
	count := func(name string) int { return testutil.CollectAndCount(reg, name) }
	if count("ipsec_negotiation_failures_total") != 2 || count("ipsec_tunnel_up") != 1 {
		t.Fatal("series missing before expiry")
	}
	m.Expire(start.Add(61 * time.Minute))
	if got := count("ipsec_negotiation_failures_total"); got != 1 {
		t.Errorf("%d failure series after expiry, want the fresh one only", got)
	}
	if got := count("ipsec_negotiation_last_failure_timestamp_seconds"); got != 1 {
		t.Errorf("%d last-failure series after expiry, want 1", got)
	}
	for _, name := range []string{"ipsec_tunnel_up", "ipsec_tunnel_down_planned", "ipsec_tunnel_state_changes_total"} {
		if got := count(name); got != 0 {
			t.Errorf("%s: %d series after expiry, want 0", name, got)
		}
	}
	m.SetLimits(config.Limits{})
	m.Expire(start.Add(100 * 24 * time.Hour))
	if got := count("ipsec_negotiation_failures_total"); got != 1 {
		t.Errorf("without a TTL a series expired (%d left)", got)
	}
}
