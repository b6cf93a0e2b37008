package pipeline

import (
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

type exposedCounter struct {
	value   float64
	created time.Time
}

// exposedCounters gathers every counter series of g with its value and
// created timestamp, by name and label set.
func exposedCounters(t *testing.T, g prometheus.Gatherer) map[string]exposedCounter {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]exposedCounter{}
	for _, f := range families {
		if f.GetType() != dto.MetricType_COUNTER {
			continue
		}
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			ts := m.GetCounter().GetCreatedTimestamp()
			if ts == nil {
				t.Fatalf("%s has no created timestamp", key)
			}
			out[key] = exposedCounter{m.GetCounter().GetValue(), ts.AsTime()}
		}
	}
	return out
}

// restart is a clean restart of m: what the state written at shutdown
// holds, restored into a new Metrics at now.
func restart(t *testing.T, m *Metrics, limits config.Limits, now time.Time) (*Metrics, *prometheus.Registry, CounterRestoreStats) {
	t.Helper()
	tunnels, failures := m.Snapshot()
	counters := m.CounterSnapshot()
	reg := prometheus.NewRegistry()
	m2 := NewMetrics(reg, limits)
	m2.Restore(tunnels, failures, now)
	return m2, reg, m2.RestoreCounters(counters, now)
}

// After a clean restart every event counter shows the value and the
// created timestamp it had: Prometheus sees neither a reset nor, with
// created-timestamp-zero-ingestion, a 0 at the restart.
func TestCountersContinueAcrossACleanRestart(t *testing.T) {
	limits := config.Limits{SeriesTTL: model.Duration(24 * time.Hour)}
	reg1 := prometheus.NewRegistry()
	m1 := NewMetrics(reg1, limits)
	at := time.Now()
	for range 3 {
		m1.Record(failureEvent("203.0.113.9", at))
	}
	m1.Record(tunnelEvent(mib.KindTunnelUp, "203.0.113.9", "", at))
	m1.Record(tunnelEvent(mib.KindTunnelDown, "198.51.100.7", "dpd_timeout", at))
	before := exposedCounters(t, reg1)
	if len(before) < 8 {
		t.Fatalf("only %d counter series before the restart: %v", len(before), before)
	}

	time.Sleep(5 * time.Millisecond) // a restart is later: created times would differ
	m2, reg2, st := restart(t, m1, limits, time.Now())
	if st.Restored != len(m1.CounterSnapshot()) || st.Expired+st.OverLimit+st.NoSeries+st.Invalid != 0 {
		t.Errorf("restore stats %+v, want all %d restored", st, len(m1.CounterSnapshot()))
	}
	if after := exposedCounters(t, reg2); !reflect.DeepEqual(after, before) {
		t.Errorf("after a clean restart:\n got %v\nwant %v", after, before)
	}

	// The next event continues the count and keeps the created time; so
	// does a second clean restart.
	m2.Record(failureEvent("203.0.113.9", time.Now()))
	key := metricdef.NegotiationFailures.Name + " device=fw-hq-01 interface=GigabitEthernet0/0/1 peer=203.0.113.9 reason=responder_dh_mismatch reason_code=6 vsys="
	if got := exposedCounters(t, reg2)[key]; got.value != 4 || !got.created.Equal(before[key].created) {
		t.Errorf("%s after one more failure = %+v, want 4 created %v", key, got, before[key].created)
	}
	_, reg3, _ := restart(t, m2, limits, time.Now())
	if got := exposedCounters(t, reg3)[key]; got.value != 4 || !got.created.Equal(before[key].created) {
		t.Errorf("%s after a second clean restart = %+v, want 4 created %v", key, got, before[key].created)
	}

	// A restored series that expires is gone; born again, it is a new
	// counter with a new created time.
	m2.Expire(time.Now().Add(48 * time.Hour))
	if n := m2.kept.n.Load(); n != int64(len(m1.notificationsBy)) {
		t.Errorf("%d kept created times after every expiring series expired, want only the %d notification names'", n, len(m1.notificationsBy))
	}
	reborn := time.Now()
	m2.Record(failureEvent("203.0.113.9", reborn))
	if got := exposedCounters(t, reg2)[key]; got.value != 1 || got.created.Before(reborn) {
		t.Errorf("reborn %s = %+v, want 1 created at or after %v", key, got, reborn)
	}
}

// Counters follow the limits their series obey, and a failure counter
// needs its failure series.
func TestRestoredCountersObeyTheLimits(t *testing.T) {
	now := time.Now()
	old := now.Add(-2 * time.Hour)
	created := now.Add(-72 * time.Hour)
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, config.Limits{SeriesTTL: model.Duration(time.Hour), MaxSeries: 1})
	st := m.RestoreCounters([]state.Counter{
		{Family: metricdef.NegotiationSuccesses.Name, Labels: []string{"fw-hq-01", "203.0.113.9"}, Value: 5, Created: created, LastUpdate: now},
		{Family: metricdef.NegotiationSuccesses.Name, Labels: []string{"fw-hq-01", "203.0.113.10"}, Value: 5, Created: created, LastUpdate: now},
		{Family: metricdef.DeviceNotifications.Name, Labels: []string{"fw-hq-01", "hwIPSecTunnelStart"}, Value: 5, Created: created, LastUpdate: old},
		{Family: metricdef.NegotiationFailures.Name, Labels: []string{"fw-hq-01", "203.0.113.9", "", "", "unknown", ""}, Value: 2, Created: created, LastUpdate: now},
		{Family: metricdef.Notifications.Name, Labels: []string{"hwIPSecTunnelStart"}, Value: 10, Created: created},
		{Family: metricdef.Notifications.Name, Labels: []string{"noSuchNotification"}, Value: 1, Created: created},
		{Family: metricdef.Notifications.Name, Labels: []string{"hwIPSecTunnelStop"}, Value: -1, Created: created},
		{Family: "ipsec_no_such_total", Value: 1, Created: created},
	}, now)
	want := CounterRestoreStats{Restored: 2, OverLimit: 1, Expired: 1, NoSeries: 1, Invalid: 3}
	if st != want {
		t.Errorf("restore stats %+v, want %+v", st, want)
	}
	got := exposedCounters(t, reg)
	for key, v := range map[string]float64{
		metricdef.NegotiationSuccesses.Name + " device=fw-hq-01 peer=203.0.113.9": 5,
		metricdef.Notifications.Name + " notification=hwIPSecTunnelStart":         10,
	} {
		if c, ok := got[key]; !ok || c.value != v || !c.created.Equal(created) {
			t.Errorf("%s = %+v (present %v), want %v created %v", key, c, ok, v, created)
		}
	}
	if c := got[metricdef.Notifications.Name+" notification=hwIPSecTunnelStop"]; c.value != 0 {
		t.Errorf("a negative value was restored: %+v", c)
	}
}
