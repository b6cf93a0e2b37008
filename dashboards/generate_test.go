package dashboards

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// TestGeneratedFilesCurrent fails when a checked-in dashboard differs from
// what the generator writes: the JSON is never edited by hand.
func TestGeneratedFilesCurrent(t *testing.T) {
	for _, d := range All(alerts.DefaultRunbookURL) {
		t.Run(d.File, func(t *testing.T) {
			want, err := Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(d.File)
			if err != nil {
				t.Fatalf("%v: run go generate ./dashboards", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale or edited by hand: run go generate ./dashboards", d.File)
			}
		})
	}
}

// TestMappingsCoverCatalogue: every reason of the catalogue has its text,
// cause and runbook anchor in the value mappings, and every anchor is a
// group of the catalogue (a runbook section).
func TestMappingsCoverCatalogue(t *testing.T) {
	groups := map[string]bool{}
	for _, g := range mib.Groups() {
		groups[g.Name] = true
	}
	text, cause, runbook, code := reasonTextMapping(), reasonCauseMapping(), runbookMapping(), reasonCodeMapping()
	for _, r := range mib.Reasons() {
		t.Run(r.Slug, func(t *testing.T) {
			if text.Options[r.Slug].Text != r.Text {
				t.Errorf("text mapping %q, want %q", text.Options[r.Slug].Text, r.Text)
			}
			if cause.Options[r.Slug].Text != r.Cause {
				t.Errorf("cause mapping %q, want %q", cause.Options[r.Slug].Text, r.Cause)
			}
			if a := runbook.Options[r.Slug].Text; a != r.Group || !groups[a] {
				t.Errorf("runbook anchor %q, want group %q", a, r.Group)
			}
			if _, ok := code.Options[strconv.Itoa(r.Code)]; !ok {
				t.Errorf("code %d not mapped", r.Code)
			}
		})
	}
	if len(text.Options) != len(mib.Reasons())+1 { // + unknown
		t.Errorf("text mapping has %d entries for %d reasons", len(text.Options), len(mib.Reasons()))
	}
}

// TestRunbookAnchorsExist: every runbook link of the dashboards, reason
// groups and the other sections, lands on an anchor of docs/runbook.md.
func TestRunbookAnchorsExist(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "runbook.md"))
	if err != nil {
		t.Fatal(err)
	}
	runbook := string(b)
	anchors := map[string]bool{}
	for _, g := range mib.Groups() {
		anchors[g.Name] = true
	}
	for _, d := range All(alerts.DefaultRunbookURL) {
		for _, p := range d.Panels {
			for _, l := range p.Links {
				if a, ok := strings.CutPrefix(l.URL, alerts.DefaultRunbookURL+"#"); ok {
					anchors[a] = true
				}
			}
		}
	}
	for a := range anchors {
		if !strings.Contains(runbook, `<a id="`+a+`"></a>`) {
			t.Errorf("docs/runbook.md has no anchor %q", a)
		}
	}
}
