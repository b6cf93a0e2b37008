package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

func TestExplain(t *testing.T) {
	dh, _ := mib.ReasonByCode(6)
	dhGroup, _ := mib.GroupByName(dh.Group)
	dpd, _ := mib.TeardownBySlug("dpd_timeout")
	tests := []struct {
		key  string
		want []string
	}{
		{"6", []string{"reason 6: responder dh mismatch", `reason="responder_dh_mismatch"`, dh.Cause, string(dhGroup.Class),
			alerts.FailureAlertName(dhGroup.Name), "warning: fires at 3", "(vendor procedure)", mib.EscalationProcedure, "#" + dhGroup.Name}},
		{"responder_dh_mismatch", []string{"reason 6: responder dh mismatch"}},
		{"Responder DH mismatch", []string{"reason 6: responder dh mismatch"}},
		{" 6 ", []string{"reason 6: responder dh mismatch"}},
		{"dpd_timeout", []string{"Tunnel teardown reason: dpd timeout", "outage: counted as instability", dpd.Meaning,
			alerts.TeardownAlertName("dpd_timeout"), "project guidance", "#teardown-dpd_timeout"}},
		{"dpd timeout", []string{"Tunnel teardown reason: dpd timeout"}},
		{"phase1 sa replace", []string{"rekey: the tunnel stays up"}},
		{"config modify or manual offline", []string{"administrative: planned"}},
		{"unknown", []string{"not in the catalogue", `reason="unknown"`, "project guidance, not from the vendor reference"}},
		{"other", []string{"not in the catalogue", `reason="other"`}},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		if code := explain(&out, &errOut, tt.key); code != 0 {
			t.Errorf("explain %q: exit %d, %s", tt.key, code, errOut.String())
			continue
		}
		flat := strings.Join(strings.Fields(out.String()), " ")
		for _, w := range tt.want {
			if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("explain %q lacks %q:\n%s", tt.key, w, out.String())
			}
		}
		for _, line := range strings.Split(out.String(), "\n") {
			// Only a single word longer than the width (a label selector) may overflow.
			if len(line) > explainWidth && len(strings.Fields(line)) > 2 {
				t.Errorf("explain %q: line longer than %d: %q", tt.key, explainWidth, line)
			}
		}
	}
}

// TestExplainEveryReason: every catalogued code and teardown explains itself
// with its own text, and its remediation or guidance.
func TestExplainEveryReason(t *testing.T) {
	for _, r := range mib.Reasons() {
		var out bytes.Buffer
		if code := explain(&out, &out, strconv.Itoa(r.Code)); code != 0 || !strings.Contains(out.String(), r.Text) {
			t.Errorf("explain %d: exit %d\n%s", r.Code, code, out.String())
		}
		g, _ := mib.GroupByName(r.Group)
		if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), g.Remediation) {
			t.Errorf("explain %d lacks its group's remediation", r.Code)
		}
	}
	for _, td := range mib.Teardowns() {
		var out bytes.Buffer
		if code := explain(&out, &out, td.Slug); code != 0 || !strings.Contains(strings.Join(strings.Fields(out.String()), " "), td.Guidance) {
			t.Errorf("explain %s: exit %d\n%s", td.Slug, code, out.String())
		}
	}
}

func TestExplainRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, key := range []string{"99", "0", "-1", "no_such_reason", "", "   "} {
		var out, errOut bytes.Buffer
		if code := explain(&out, &errOut, key); code != 1 || out.Len() != 0 || !strings.Contains(errOut.String(), "is no failure reason code") {
			t.Errorf("explain %q: exit %d, stdout %q, stderr %q", key, code, out.String(), errOut.String())
		}
	}
}

// TestExplainCommandLine runs explain through the command line as a user
// types it.
func TestExplainCommandLine(t *testing.T) {
	if code := run([]string{"explain", "6"}); code != 0 {
		t.Errorf("explain 6: exit %d", code)
	}
	if code := run([]string{"explain", "nope"}); code != 1 {
		t.Errorf("explain nope: exit %d, want 1", code)
	}
	if code := run([]string{"explain"}); code != 2 {
		t.Errorf("explain without an argument: exit %d, want 2 (usage)", code)
	}
}

// TestExplainExampleInDocs keeps the example of docs/pages.md true.
func TestExplainExampleInDocs(t *testing.T) {
	readme, err := os.ReadFile("docs/pages.md")
	if err != nil {
		t.Fatal(err)
	}
	const prompt = "$ ipsec_trap_exporter explain 6\n"
	_, example, ok := strings.Cut(string(readme), prompt)
	if !ok {
		t.Fatal("docs/pages.md has no explain example")
	}
	example, _, _ = strings.Cut(example, "```")
	var out bytes.Buffer
	explain(&out, &out, "6")
	if out.String() != example {
		t.Errorf("docs/pages.md's explain example differs from the output:\n%s\nwant:\n%s", example, out.String())
	}
}
