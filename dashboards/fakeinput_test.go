package dashboards

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input/inputtest"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
)

// TestFakeInputPanel adds a third, fake input to the list: the health
// dashboard gets its panel of what it received and dropped, with the links
// of its alerts' runbook sections, without a line of this package changed.
func TestFakeInputPanel(t *testing.T) {
	fake := inputtest.Fake()
	d, err := exporterHealthOf(runbook(alerts.DefaultRunbookURL), append(slices.Clone(inputs.All), fake)).finish()
	if err != nil {
		t.Fatal(err)
	}
	// As Grafana reads it: the file, decoded.
	b, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var file dashboard.Dashboard
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	for _, p := range panels(&file) {
		if str(p.Title) != fake.Title+" dropped by reason" {
			continue
		}
		var exprs []string
		for _, q := range promTargets(p) {
			exprs = append(exprs, q.Expr)
		}
		all := strings.Join(exprs, "\n")
		if !strings.Contains(all, inputtest.Dropped.Name) || !strings.Contains(all, inputtest.Received.Name) {
			t.Errorf("the fake input's panel reads %q, want its two families", all)
		}
		if d.MustHaveData[str(p.Title)] {
			t.Errorf("an optional input's panel must be allowed to be empty")
		}
		return
	}
	t.Fatalf("the health dashboard has no panel for the fake input")
}
