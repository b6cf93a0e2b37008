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
	for _, d := range generated(t) {
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
	text, cause, runbook, code := reasonTextMapping().ValueMap.Options, reasonCauseMapping().ValueMap.Options,
		runbookMapping().ValueMap.Options, reasonCodeMapping().ValueMap.Options
	for _, r := range mib.Reasons() {
		t.Run(r.Slug, func(t *testing.T) {
			if got := str(text[r.Slug].Text); got != r.Text {
				t.Errorf("text mapping %q, want %q", got, r.Text)
			}
			if got := str(cause[r.Slug].Text); got != r.Cause {
				t.Errorf("cause mapping %q, want %q", got, r.Cause)
			}
			if a := str(runbook[r.Slug].Text); a != r.Group || !groups[a] {
				t.Errorf("runbook anchor %q, want group %q", a, r.Group)
			}
			if _, ok := code[strconv.Itoa(r.Code)]; !ok {
				t.Errorf("code %d not mapped", r.Code)
			}
		})
	}
	if len(text) != len(mib.Reasons())+1 { // + unknown
		t.Errorf("text mapping has %d entries for %d reasons", len(text), len(mib.Reasons()))
	}
}

// TestTeardownMappingCoversCatalogue: every teardown reason shows as its
// text and class, and links to its own runbook section by its raw slug.
func TestTeardownMappingCoversCatalogue(t *testing.T) {
	m := teardownMapping().ValueMap.Options
	for _, td := range mib.Teardowns() {
		if got, want := str(m[td.Slug].Text), td.Text+" ("+string(td.Class)+")"; got != want {
			t.Errorf("teardown %s: mapped to %q, want %q", td.Slug, got, want)
		}
	}
	rb := runbook(alerts.DefaultRunbookURL)
	if l := rb.teardownLink(); str(l.Url) != rb.url("teardown-${__value.raw}") {
		t.Errorf("teardown runbook link %q does not open the raw reason's section", str(l.Url))
	}
	runbook, err := os.ReadFile(filepath.Join("..", "docs", "runbook.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, td := range mib.Teardowns() {
		if !strings.Contains(string(runbook), `<a id="teardown-`+td.Slug+`"></a>`) {
			t.Errorf("docs/runbook.md has no section teardown-%s for the link to land on", td.Slug)
		}
	}
}

// TestSchemaStrict: every shipped file decodes with the SDK's strict
// decoder, so it holds no field the dashboard schema does not know and
// lacks none it requires.
func TestSchemaStrict(t *testing.T) {
	for _, d := range generated(t) {
		b, err := os.ReadFile(d.File)
		if err != nil {
			t.Fatal(err)
		}
		if err := strictDecode(b); err != nil {
			t.Errorf("%s: %v", d.File, err)
		}
	}
}

// generated are the dashboards as the generator builds them for the
// shipped files.
func generated(t *testing.T) []*Dashboard {
	t.Helper()
	return All(alerts.DefaultRunbookURL)
}

// TestRunbookAnchorsExist: every runbook link of the dashboards, reason
// groups and the other sections, lands on an anchor of docs/runbook.md.
func TestRunbookAnchorsExist(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "runbook.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	anchors := map[string]bool{}
	for _, g := range mib.Groups() {
		anchors[g.Name] = true
	}
	for _, d := range generated(t) {
		for _, p := range panels(&d.Dashboard) {
			for _, l := range p.Links {
				if a, ok := strings.CutPrefix(str(l.Url), runbook(alerts.DefaultRunbookURL).url("")); ok {
					anchors[a] = true
				}
			}
		}
	}
	for a := range anchors {
		if !strings.Contains(doc, `<a id="`+a+`"></a>`) {
			t.Errorf("docs/runbook.md has no anchor %q", a)
		}
	}
}
