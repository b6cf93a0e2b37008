package alerts

import (
	"slices"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input/inputtest"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
)

// TestFakeInputRules adds a third, fake input to the list: it gets its two
// exporter-health alerts, and the series-limit alert reads its drops too,
// without a line of this package changed.
func TestFakeInputRules(t *testing.T) {
	fake := inputtest.Fake()
	o := DefaultOptions()
	o.Inputs = append(slices.Clone(inputs.All), fake)
	byName := map[string]rule{}
	for _, g := range ExporterRules(o) {
		for _, r := range g.Rules {
			byName[r.Alert] = r
		}
	}
	for name, want := range map[string]string{
		"IPSecFakeDropped":            `max by (instance, reason) (increase(` + inputtest.Dropped.Name + `{reason="queue_full"}[5m])) > 0`,
		"IPSecFakeRejected":           `max by (instance, reason) (increase(` + inputtest.Dropped.Name + `{reason=~"malformed|source_not_allowed"}[15m])) > 10`,
		"IPSecTrapSeriesLimitReached": `label_replace(increase(` + inputtest.Dropped.Name + `{reason="series_limit"}[15m]), "input", "fake", "", "")`,
	} {
		if r, ok := byName[name]; !ok || !strings.Contains(r.Expr, want) {
			t.Errorf("%s: expr %q, want it to hold %q", name, r.Expr, want)
		}
	}
	if got := byName["IPSecFakeDropped"].Annotations["runbook_url"]; got != o.Runbook("fake-dropped") {
		t.Errorf("IPSecFakeDropped links %q", got)
	}
	// Every real input is in the series-limit alert, whatever the list.
	for _, in := range inputs.All {
		if !strings.Contains(byName["IPSecTrapSeriesLimitReached"].Expr, in.Dropped.Name) {
			t.Errorf("IPSecTrapSeriesLimitReached does not read %s", in.Dropped.Name)
		}
	}
}
