package alerts

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// RenderRunbook writes docs/runbook.md: the negotiation-failure groups, the
// tunnel teardowns, the notifications, the incidents, then the hand-written
// sections of the other alerts, in that order, since alerts link to anchors
// in each part.
//
// The runbook is the same whatever URL it is published at, so it takes no
// options.
func RenderRunbook(w io.Writer) error {
	var b strings.Builder
	b.WriteString("<!-- " + generatedBy + " -->\n\n")
	failureRunbook(&b)
	teardownRunbook(&b)
	notificationRunbook(&b)
	b.WriteString(incidentRunbook())
	b.WriteString("\n# Other alerts\n\nThe guidance below is the project's own, not the vendor's.\n")
	_, body, _ := strings.Cut(runbookOther, "-->\n")
	b.WriteString(body)
	b.WriteString(retentionRunbook())
	_, err := io.WriteString(w, b.String())
	return err
}

// failureRunbook writes the part the IPSecNegotiationFailing… alerts link
// to: the thresholds per class, then one section per remediation group.
func failureRunbook(b *strings.Builder) {
	b.WriteString("# IPSec alert runbook\n\n")
	b.WriteString("Each alert `IPSecNegotiationFailing…` links to one section below through its `runbook_url`.\n")
	b.WriteString("A section covers one remediation group: the reason codes that share a procedure. Procedures\n")
	b.WriteString("marked *vendor* are quoted word for word from the vendor's alarm reference; those marked\n")
	b.WriteString("*project guidance* are this project's own, for causes the reference gives no procedure for.\n\n")
	b.WriteString("Thresholds per class:\n\n| class | severity | fires when | for |\n|---|---|---|---|\n")
	for _, c := range classOrder {
		p := Policies[c]
		fmt.Fprintf(b, "| %s | %s | >= %d failures of one peer, interface and reason in %s | %s |\n", c, p.Severity, p.Threshold, p.Window, p.For)
	}
	b.WriteString("\nGroups:\n\n")
	for _, g := range AlertGroups() {
		fmt.Fprintf(b, "- [%s](#%s)\n", g.Title, g.Name)
	}
	for _, g := range AlertGroups() {
		failureGroupSection(b, g)
	}
}

// failureGroupSection writes one remediation group: its alert, its reason
// codes, and its procedures with where each comes from, since the person on
// call must know whether the vendor or this project is speaking.
func failureGroupSection(b *strings.Builder, g mib.Group) {
	p := Policies[g.Class]
	fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n## %s\n\n", g.Name, g.Title)
	fmt.Fprintf(b, "Alert `%s`, class `%s`, severity `%s`: fires at %d or more failures in %s, for %s.\n\n",
		FailureAlertName(g.Name), g.Class, p.Severity, p.Threshold, p.Window, p.For)
	b.WriteString("| code | reason (label `reason`) | device text | cause |\n|---|---|---|---|\n")
	for _, r := range ReasonsOf(g.Name) {
		fmt.Fprintf(b, "| %d | `%s` | %s | %s |\n", r.Code, r.Slug, r.Text, r.Cause)
	}
	if g.Name == UnknownGroup.Name {
		fmt.Fprintf(b, "| any other, or none | `%s` | any other | A reason the catalogue does not list. |\n", mib.UnknownReason)
	}
	if g.Vendor {
		b.WriteString("\n**Remediation (vendor procedure):**\n\n")
	} else {
		b.WriteString("\n**Remediation (project guidance, not from the vendor reference):**\n\n")
	}
	fmt.Fprintf(b, "%s\n", g.Remediation)
	for _, s := range g.Supplementary {
		fmt.Fprintf(b, "\n**Further vendor procedure** (filed in the reference under a cause without a reason code): %s\n", s)
	}
	fmt.Fprintf(b, "\n**Escalation (vendor procedure):** %s\n", mib.EscalationProcedure)
}

// teardownRunbook writes the part the IPSecTunnelTeardown… alerts link to:
// what each teardown class does to the series, then one section per
// teardown reason.
func teardownRunbook(b *strings.Builder) {
	b.WriteString("\n# Tunnel teardowns\n\n")
	b.WriteString("Tunnel stop and status-change notifications carry a teardown (offline) reason: the label `reason` of\n")
	b.WriteString("`" + metricdef.TunnelStateChanges.Name + "{state=\"down\"}`. Each reason has a class that says what it means for\n")
	b.WriteString("stability. The meanings and guidance are the project's own: the vendor publishes no procedure for them.\n\n")
	b.WriteString("| class | " + metricdef.TunnelUp.Name + " | counts as instability (flapping, availability) | alert |\n|---|---|---|---|\n")
	for _, c := range mib.TeardownClasses() {
		fmt.Fprintf(b, "| %s | %s |\n", c, teardownClassEffect(c))
	}
	fmt.Fprintf(b, "\n<a id=\"%s\"></a>`unknown` is the class of a reason text outside the catalogue (label `%s`) and of a down without a reason.\n",
		TeardownAnchor(mib.OtherOfflineReason), mib.OtherOfflineReason)
	for _, t := range mib.Teardowns() {
		fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n## %s\n\n", TeardownAnchor(t.Slug), t.Text)
		fmt.Fprintf(b, "Label `reason=\"%s\"`, class `%s`", t.Slug, t.Class)
		if t.Class == mib.TeardownOutage {
			fmt.Fprintf(b, ", alert `%s`", TeardownAlertName(t.Slug))
		}
		fmt.Fprintf(b, ".\n\n%s\n\n**Guidance (project):** %s\n", t.Meaning, t.Guidance)
	}
}

// teardownClassEffect is the rest of a teardown class's row: what it does to
// the tunnel's up series, whether it counts as instability, and which alert
// it raises.
func teardownClassEffect(c mib.TeardownClass) string {
	up, inst, alert := "0", "yes", "no"
	if c.KeepsTunnelUp() {
		up = "stays 1"
	}
	if c.Planned() {
		inst = "no"
		if !c.KeepsTunnelUp() {
			up = "0, with `" + metricdef.TunnelDownPlanned.Name + "` 1"
		}
	}
	if c == mib.TeardownOutage {
		alert = "`IPSecTunnelTeardown…`, one per reason"
	}
	return up + " | " + inst + " | " + alert
}

// notificationRunbook writes what each catalogued notification does to the
// metrics; the predictive alerts link to its rows.
func notificationRunbook(b *strings.Builder) {
	b.WriteString("\n# Notifications\n\nWhat each catalogued notification does to the metrics. Every accepted one is counted in\n")
	b.WriteString("`" + metricdef.Notifications.Name + "{notification}` and `" + metricdef.DeviceNotifications.Name + "{device,notification}`.\n\n")
	b.WriteString("| notification | OID | effect | meaning |\n|---|---|---|---|\n")
	for _, n := range mib.Notifications() {
		fmt.Fprintf(b, "| <a id=\"%s\"></a>`%s` | `%s` | %s | %s", NotificationAnchor(n.Name), n.Name, n.OID, NotificationEffect(n), n.Description)
		if n.Predicts != "" {
			fmt.Fprintf(b, " Alert `%s`: %s", PredictiveAlertName(n.Name), n.Predicts)
		}
		b.WriteString(" |\n")
	}
}

// runbookOther holds the runbook sections of the tunnel, exporter and SLO
// alerts: prose people edit, so it lives as Markdown, not Go literals. Their
// runbook_url anchors point here.
//
//go:embed runbook_other.md
var runbookOther string
