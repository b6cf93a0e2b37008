package testenv

import (
	"fmt"
	"testing"
)

// fatalRecorder is a testing.TB whose Fatalf records instead of stopping.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
}

// An absent series is not a 0: a wait or a check for 0 must not pass
// because a metric was renamed or a trap is not decoded yet.
func TestAbsentIsNotZero(t *testing.T) {
	families := ParseMetrics(t, []byte(`# TYPE ipsec_tunnel_up gauge
ipsec_tunnel_up{device="fw-hq-01",peer="203.0.113.9"} 0
ipsec_tunnel_up{device="fw-hq-01",peer="203.0.113.10"} 1
`))
	for _, c := range []struct {
		metric  string
		labels  map[string]string
		value   float64
		present bool
	}{
		{"ipsec_tunnel_up", map[string]string{"peer": "203.0.113.9"}, 0, true},
		{"ipsec_tunnel_up", map[string]string{"peer": "203.0.113.10"}, 1, true},
		{"ipsec_tunnel_up", nil, 1, true}, // summed over every series
		{"ipsec_tunnel_up", map[string]string{"peer": "203.0.113.11"}, 0, false},
		{"ipsec_tunnel_up", map[string]string{"vsys": "a"}, 0, false},                      // a label no series has
		{"ipsec_tunnel_up", map[string]string{"peer": "203.0.113.9", "vsys": ""}, 0, true}, // "" matches a missing label, as in PromQL
		{"ipsec_tunnel_upp", nil, 0, false},
	} {
		v, ok := Value(families, c.metric, c.labels)
		if v != c.value || ok != c.present {
			t.Errorf("Value(%s%v) = %v, %v; want %v, %v", c.metric, c.labels, v, ok, c.value, c.present)
		}
		rec := &fatalRecorder{TB: t}
		MustValue(rec, families, c.metric, c.labels)
		if failed := rec.fatal != ""; failed == c.present {
			t.Errorf("MustValue(%s%v) failed the test: %v (%q); want %v", c.metric, c.labels, failed, rec.fatal, !c.present)
		}
	}
}
