package pipeline

import (
	"slices"
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

// createdTimes gathers the created timestamps of every series of the named
// counters, by their label sets as text; a series without one maps to the
// zero time.
func createdTimes(t *testing.T, g prometheus.Gatherer, names ...string) map[string]time.Time {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, f := range families {
		if !slices.Contains(names, f.GetName()) {
			continue
		}
		if f.GetType() != dto.MetricType_COUNTER {
			t.Fatalf("%s is a %v, not a counter", f.GetName(), f.GetType())
		}
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			var ct time.Time
			if ts := m.GetCounter().GetCreatedTimestamp(); ts != nil {
				ct = ts.AsTime()
			}
			out[key] = ct
		}
	}
	return out
}

var eventCounters = []string{
	metricdef.NegotiationFailures.Name, metricdef.NegotiationSuccesses.Name,
	metricdef.TunnelStateChanges.Name, metricdef.DeviceNotifications.Name,
}

// Every event-derived counter carries the time its series was born as its
// created timestamp, which the protobuf exposition sends and Prometheus
// (created-timestamp-zero-ingestion) stores as a 0 sample at that time: a
// peer's first failure is then a step from 0 to 1 that increase() sees.
func TestCountersCarryTheirBirthAsCreatedTimestamp(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, config.Limits{SeriesTTL: model.Duration(time.Hour)})
	before := time.Now()
	m.Record(failureEvent("203.0.113.9", before))
	m.Record(tunnelEvent(mib.KindTunnelUp, "203.0.113.9", "", before))
	m.Record(tunnelEvent(mib.KindTunnelDown, "198.51.100.7", "dpd_timeout", before))
	born := time.Now()
	cts := createdTimes(t, reg, eventCounters...)
	if len(cts) != 7 { // 1 failure, 1 success, 2 state changes, 3 notification names
		t.Fatalf("%d event counter series, want 7: %v", len(cts), cts)
	}
	for series, ct := range cts {
		if ct.Before(before) || ct.After(born) {
			t.Errorf("%s: created %v, want the time it was born, in [%v, %v]", series, ct, before, born)
		}
	}

	// A later event moves the value, never the created time.
	time.Sleep(5 * time.Millisecond)
	m.Record(failureEvent("203.0.113.9", time.Now()))
	for series, ct := range createdTimes(t, reg, eventCounters...) {
		if old, ok := cts[series]; ok && !ct.Equal(old) {
			t.Errorf("%s: created %v after a second event, was %v", series, ct, old)
		}
	}

	// A series deleted by series_ttl and born again is a new counter from
	// 0: a new created time.
	m.Expire(time.Now().Add(2 * time.Hour))
	reborn := time.Now()
	m.Record(failureEvent("203.0.113.9", reborn))
	key := metricdef.NegotiationFailures.Name + " device=fw-hq-01 interface=GigabitEthernet0/0/1 peer=203.0.113.9 reason=responder_dh_mismatch reason_code=6 vsys="
	if ct := createdTimes(t, reg, metricdef.NegotiationFailures.Name)[key]; ct.Before(reborn) {
		t.Errorf("reborn series created %v, want at or after %v", ct, reborn)
	}
}

// A failure series restored from the state file starts its counter at 0 at
// the restart: its created time is the restore, not its last failure (hours
// or days before, when this process did not exist and the counter it
// reported had another value). Prometheus reads that as the counter reset
// it is, and the next failure as a step from 0 to 1.
func TestRestoredCountersAreCreatedAtTheRestore(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, config.Limits{})
	lastFailure := time.Now().Add(-36 * time.Hour).UTC()
	restoreStart := time.Now()
	st := m.Restore(nil, []state.Failure{{Device: "fw-hq-01", Peer: "203.0.113.9", Interface: "GigabitEthernet0/0/1",
		Reason: "responder_dh_mismatch", ReasonCode: "6", LastFailure: lastFailure}}, restoreStart)
	restored := time.Now()
	if st.Failures != 1 {
		t.Fatalf("restore stats %+v", st)
	}
	cts := createdTimes(t, reg, metricdef.NegotiationFailures.Name)
	if len(cts) != 1 {
		t.Fatalf("%d failure series after restore, want 1", len(cts))
	}
	for series, ct := range cts {
		if ct.Before(restoreStart) || ct.After(restored) {
			t.Errorf("%s: created %v, want the restore, in [%v, %v] (its last failure was %v)", series, ct, restoreStart, restored, lastFailure)
		}
	}
}
