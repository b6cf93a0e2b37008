package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kingpin/v2"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// explainWidth is where explain wraps its paragraphs: a terminal's width.
const explainWidth = 78

func addExplainCommand(app *kingpin.Application) (*kingpin.CmdClause, *string) {
	cmd := app.Command("explain", "Print what a reason means and what to do about it: a failure reason code (6), a failure or teardown reason label (responder_dh_mismatch, dpd_timeout), or a reason text as a device sends it.")
	key := cmd.Arg("reason", "Reason code, slug or text.").Required().String()
	return cmd, key
}

// explain prints the catalogue's entries for key; 1 when nothing matches.
func explain(stdout, stderr io.Writer, key string) int {
	failure, teardown, ok := alerts.Lookup(key)
	if !ok {
		rs := mib.Reasons()
		fmt.Fprintf(stderr, "explain: %q is no failure reason code (%d-%d), failure reason or teardown reason in the catalogue.\n"+
			"The exporter's /reasons page and docs/runbook.md list them all; a code not listed there is counted as reason \"unknown\" (see: explain unknown).\n",
			key, rs[0].Code, rs[len(rs)-1].Code)
		return 1
	}
	w := &explainWriter{w: stdout}
	if failure != nil {
		w.failure(failure)
	}
	if teardown != nil {
		if failure != nil {
			w.line("")
		}
		w.teardown(teardown)
	}
	return 0
}

type explainWriter struct{ w io.Writer }

func (e *explainWriter) line(format string, args ...any) { fmt.Fprintf(e.w, format+"\n", args...) }

// kv prints "Name:       text", continuation lines aligned under the text.
func (e *explainWriter) kv(name, text string) {
	const col = 13
	pad := strings.Repeat(" ", col)
	for i, l := range wrapWords(text, explainWidth-col) {
		if i == 0 {
			e.line("%-*s%s", col, name+":", l)
		} else {
			e.line("%s%s", pad, l)
		}
	}
}

// field prints "Name: text", the text wrapped and indented under the name.
func (e *explainWriter) field(name, text string) {
	const indent = "  "
	e.line("%s:", name)
	for _, l := range wrapWords(text, explainWidth-len(indent)) {
		e.line("%s%s", indent, l)
	}
}

func (e *explainWriter) failure(f *alerts.FailureEntry) {
	if f.Known() {
		e.line("Negotiation failure reason %d: %s", f.Reason.Code, f.Reason.Text)
	} else {
		e.line("Negotiation failure reason not in the catalogue")
	}
	e.kv("Label", fmt.Sprintf(metricdef.NegotiationFailures.Name+"{reason=%q}", f.Reason.Slug))
	e.kv("Group", fmt.Sprintf("%s (%s)", f.Group.Name, f.Group.Title))
	e.kv("Class", string(f.Group.Class))
	e.kv("Alert", f.Alert)
	e.kv("Severity", fmt.Sprintf("%s: fires at %d or more failures of one peer, interface and reason in %s, for %s",
		f.Policy.Severity, f.Policy.Threshold, f.Policy.Window, f.Policy.For))
	e.kv("Runbook", fmt.Sprintf("docs/runbook.md#%s, or /runbook#%s on the exporter", f.Anchor, f.Anchor))
	e.line("")
	e.field("Cause", f.Reason.Cause)
	e.line("")
	source := "vendor procedure"
	if !f.Group.Vendor {
		source = "project guidance, not from the vendor reference"
	}
	e.field("Remediation ("+source+")", f.Group.Remediation)
	for _, s := range f.Group.Supplementary {
		e.line("")
		e.field("Further vendor procedure", s)
	}
	e.line("")
	e.field("Escalation (vendor procedure)", mib.EscalationProcedure)
}

func (e *explainWriter) teardown(t *alerts.TeardownEntry) {
	td := t.Teardown
	if t.Known() {
		e.line("Tunnel teardown reason: %s", td.Text)
	} else {
		e.line("Tunnel teardown reason not in the catalogue")
	}
	e.kv("Label", fmt.Sprintf(metricdef.TunnelStateChanges.Name+"{state=\"down\",reason=%q}", td.Slug))
	class := string(td.Class)
	switch {
	case td.Class.KeepsTunnelUp():
		class += ": the tunnel stays up (a new SA took over); not instability"
	case td.Class.Planned():
		class += ": planned, not counted as instability"
	default:
		class += ": counted as instability (flapping, availability)"
	}
	e.kv("Class", class)
	if t.Alert != "" {
		e.kv("Alert", t.Alert)
	}
	if t.Anchor != "" {
		e.kv("Runbook", fmt.Sprintf("docs/runbook.md#%s, or /runbook#%s on the exporter", t.Anchor, t.Anchor))
	}
	e.line("")
	e.field("Meaning", td.Meaning)
	e.line("")
	e.field("Guidance (project guidance: the vendor publishes none for teardowns)", td.Guidance)
}

// wrapWords breaks text into lines of at most width characters, at spaces.
func wrapWords(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, word := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(word) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
