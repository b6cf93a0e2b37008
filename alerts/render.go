package alerts

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// ProjectGuidancePrefix marks remediation text that is the project's own, so
// that no one mistakes it for the vendor's procedure.
const ProjectGuidancePrefix = "Project guidance (not from the vendor reference): "

// FailureAlertName is the alert name of a remediation group.
func FailureAlertName(group string) string {
	return "IPSecNegotiationFailing" + camel(group)
}

var acronyms = map[string]string{
	"ike": "IKE", "ikev2": "IKEv2", "ip": "IP", "ipsec": "IPSec", "dh": "DH",
	"nat": "NAT", "id": "ID", "sm": "SM", "pfs": "PFS", "or": "Or",
}

func camel(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "_") {
		if a, ok := acronyms[w]; ok {
			b.WriteString(a)
		} else if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// RemediationText is the remediation annotation of a group: its procedure,
// the supplementary procedures, then the escalation step, each word for word
// from the catalogue. The project's own guidance is marked as such.
func RemediationText(g mib.Group) string {
	parts := []string{g.Remediation}
	if !g.Vendor {
		parts[0] = ProjectGuidancePrefix + g.Remediation
	}
	parts = append(parts, g.Supplementary...)
	parts = append(parts, mib.EscalationProcedure)
	return strings.Join(parts, " ")
}

// UnknownGroup gathers the failures whose reason the catalogue does not
// know: codes from newer software, and free-text reasons that match no
// entry. Without it, they would reach dashboards but never an alert.
var UnknownGroup = mib.Group{
	Name:  "unknown_reason",
	Title: "Failure reason not in the catalogue",
	Class: mib.ClassConfigurationMismatch,
	Remediation: "The device reported a failure reason that this exporter's catalogue does not list: a reason code added in a newer software version (label reason_code), or a free-text reason that matches no catalogue entry (reason_code empty). " +
		"Look the code up in the alarm reference of the device's software version and follow its procedure, and find the matching IKE or IPSec message in the device's log buffer (display logbuffer). " +
		"Report the code and its text to the project so that the catalogue can learn it.",
}

// AlertGroups are the groups that get a failure alert: the catalogue's, and
// the unknown reasons.
func AlertGroups() []mib.Group {
	return append(mib.Groups(), UnknownGroup)
}

// ReasonsOf returns the catalogue's reasons of a group, sorted by code.
func ReasonsOf(group string) []mib.Reason {
	var rs []mib.Reason
	for _, r := range mib.Reasons() {
		if r.Group == group {
			rs = append(rs, r)
		}
	}
	return rs
}

func reasonRegex(group string) string {
	if group == UnknownGroup.Name {
		return mib.UnknownReason
	}
	var slugs []string
	for _, r := range ReasonsOf(group) {
		slugs = append(slugs, r.Slug)
	}
	return strings.Join(slugs, "|")
}

// FailureExpr is the PromQL of a group's alert. It counts failures per
// device, peer, interface and reason over the window, as the largest count
// any exporter saw (HA pairs receive the same traps; a sum would double).
//
// The exporter creates a failure series on the first failure, with value 1,
// and increase() cannot see that first step (it needs two samples). So a
// series that did not exist one window ago counts with its whole value,
// which is exact; older series count with increase().
func FailureExpr(group string, p Policy) string {
	sel := fmt.Sprintf(metricdef.NegotiationFailures.Name+`{reason=~"%s"}`, reasonRegex(group))
	return fmt.Sprintf(`max by (%[4]s) (
    (%[1]s unless %[1]s offset %[2]s)
  or
    increase(%[1]s[%[2]s])
) >= %[3]d`, sel, p.Window, p.Threshold, FailureSeriesKey)
}

// The annotation templates are Prometheus alert templates: $labels and
// $value are the alert's.
const (
	summaryTemplate     = `%s with {{ $labels.peer }} on {{ $labels.device }} {{ $labels.interface }}`
	descriptionTemplate = `{{ $labels.device }} fails to negotiate IPSec with peer {{ $labels.peer }} on interface {{ $labels.interface }}: reason {{ $labels.reason }} (code {{ $labels.reason_code }}), {{ $value | printf "%%.0f" }} failures in the last %s.`
)

// FailureAnnotations returns the annotation templates of a group's alert.
// Each group's runbook section has an anchor equal to the group's name, so
// links survive reordering.
func FailureAnnotations(g mib.Group, o Options) map[string]string {
	p := Policies[g.Class]
	return map[string]string{
		"summary":     fmt.Sprintf(summaryTemplate, g.Title),
		"description": fmt.Sprintf(descriptionTemplate, p.Window),
		"remediation": RemediationText(g),
		"runbook_url": o.Runbook(g.Name),
	}
}

// ExpandAnnotation renders an annotation template the way Prometheus does
// for an alert with these labels and value; tests use it to state what the
// alert must say.
func ExpandAnnotation(text string, labels map[string]string, value float64) (string, error) {
	tmpl, err := template.New("a").Option("missingkey=zero").Parse(
		"{{$labels := .Labels}}{{$value := .Value}}" + text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	err = tmpl.Execute(&b, struct {
		Labels map[string]string
		Value  float64
	}{labels, value})
	return b.String(), err
}

type ruleFile struct {
	Groups []ruleGroup `yaml:"groups"`
}

type ruleGroup struct {
	Name     string `yaml:"name"`
	Interval string `yaml:"interval,omitempty"`
	Rules    []rule `yaml:"rules"`
}

type rule struct {
	// Comment says why the rule is what it is; it is written above the
	// rule in the file.
	Comment     string            `yaml:"-"`
	Record      string            `yaml:"record,omitempty"`
	Alert       string            `yaml:"alert,omitempty"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

func writeYAML(w io.Writer, header string, v any) error {
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	var doc yaml.Node
	if err := doc.Encode(v); err != nil {
		return err
	}
	if rf, ok := v.(ruleFile); ok {
		attachRuleComments(&doc, rf)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// attachRuleComments writes each rule's Comment above it: doc is rf encoded
// as a node, a mapping whose "groups" holds one mapping per group, each with
// "rules" holding one mapping per rule.
func attachRuleComments(doc *yaml.Node, rf ruleFile) {
	groups := mappingValue(doc, "groups")
	if groups == nil {
		return
	}
	for i, g := range rf.Groups {
		rules := mappingValue(groups.Content[i], "rules")
		for j, r := range g.Rules {
			if r.Comment != "" && rules != nil {
				rules.Content[j].HeadComment = ruleComment(r.Comment)
			}
		}
	}
}

// mappingValue is the value of key in mapping node m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func comment(text string) string {
	var b strings.Builder
	for _, line := range wrap(text, 76) {
		b.WriteString(strings.TrimRight("# "+line, " ") + "\n")
	}
	return b.String()
}

// ruleComment is the comment above a rule, wrapped so that with the
// rule's indentation (6) the lines stay within 80 columns.
func ruleComment(text string) string {
	var lines []string
	for _, line := range wrap(text, 70) {
		lines = append(lines, strings.TrimRight("# "+line, " "))
	}
	return strings.Join(lines, "\n")
}

func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				lines = append(lines, line)
				line = w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return lines
}

var classOrder = []mib.Class{mib.ClassCapacityLimit, mib.ClassConfigurationMismatch, mib.ClassProtocolAnomaly, mib.ClassTransient}

const generatedBy = "Code generated by go generate ./alerts from the reason catalogue in mib/. DO NOT EDIT."

// RenderRules writes ipsec_negotiation_failures.rules.yml: one alert per
// remediation group of the catalogue.
func RenderRules(w io.Writer, o Options) error {
	var h strings.Builder
	h.WriteString(comment(generatedBy))
	h.WriteString("#\n")
	h.WriteString(comment("Negotiation-failure alerts, one per remediation group: the alert tells the person on call what is wrong (summary, description) and what to do (remediation: the vendor's procedure word for word, or the project's guidance, marked as such), with a link to the group's runbook section."))
	h.WriteString("#\n")
	h.WriteString(comment("Counting. Failures are counted per device, peer, interface and reason over a window, as the max across exporter instances: devices send every trap to two trap hosts, so two exporters hold the same counts, and a sum would double them. A failure series is created by its first failure with value 1, a step increase() cannot see, so a series born within the window counts with its whole value and an older one with increase(). Caveat: when Prometheus first scrapes an exporter that has run for long, its series count as new for one window."))
	h.WriteString("#\n")
	h.WriteString(comment("Thresholds, per class of reason:"))
	for _, c := range classOrder {
		p := Policies[c]
		h.WriteString("#\n")
		h.WriteString(comment(fmt.Sprintf("%s: severity %s, >= %d failures in %s, for %s. %s", c, p.Severity, p.Threshold, p.Window, p.For, p.Why)))
	}
	h.WriteString("\n")

	g := ruleGroup{Name: "ipsec_negotiation_failures"}
	for _, grp := range AlertGroups() {
		if err := checkText(grp); err != nil {
			return err
		}
		p, ok := Policies[grp.Class]
		if !ok {
			return fmt.Errorf("group %s: no alert policy for class %q", grp.Name, grp.Class)
		}
		if len(ReasonsOf(grp.Name)) == 0 && grp.Name != UnknownGroup.Name {
			return fmt.Errorf("group %s has no reason codes", grp.Name)
		}
		g.Rules = append(g.Rules, rule{
			Alert: FailureAlertName(grp.Name),
			Expr:  FailureExpr(grp.Name, p),
			For:   p.For,
			Labels: map[string]string{
				"severity":          p.Severity,
				"class":             string(grp.Class),
				"remediation_group": grp.Name,
			},
			Annotations: FailureAnnotations(grp, o),
		})
	}
	return writeYAML(w, h.String(), ruleFile{Groups: []ruleGroup{g}})
}

// checkText refuses catalogue text that Prometheus would read as a
// template, since the remediation must reach the alert verbatim.
func checkText(g mib.Group) error {
	for _, s := range append([]string{g.Remediation, g.Title}, g.Supplementary...) {
		if strings.Contains(s, "{{") || strings.Contains(s, "}}") {
			return fmt.Errorf("group %s: text contains template delimiters: %q", g.Name, s)
		}
	}
	return nil
}

// RenderRunbook writes docs/runbook.md: one section per remediation group.
//
// The runbook is the same whatever URL it is published at, so it takes no
// options.
func RenderRunbook(w io.Writer) error {
	var b strings.Builder
	b.WriteString("<!-- " + generatedBy + " -->\n\n")
	b.WriteString("# IPSec alert runbook\n\n")
	b.WriteString("Each alert `IPSecNegotiationFailing…` links to one section below through its `runbook_url`.\n")
	b.WriteString("A section covers one remediation group: the reason codes that share a procedure. Procedures\n")
	b.WriteString("marked *vendor* are quoted word for word from the vendor's alarm reference; those marked\n")
	b.WriteString("*project guidance* are this project's own, for causes the reference gives no procedure for.\n\n")
	b.WriteString("Thresholds per class:\n\n| class | severity | fires when | for |\n|---|---|---|---|\n")
	for _, c := range classOrder {
		p := Policies[c]
		fmt.Fprintf(&b, "| %s | %s | >= %d failures of one peer, interface and reason in %s | %s |\n", c, p.Severity, p.Threshold, p.Window, p.For)
	}
	b.WriteString("\nGroups:\n\n")
	for _, g := range AlertGroups() {
		fmt.Fprintf(&b, "- [%s](#%s)\n", g.Title, g.Name)
	}
	for _, g := range AlertGroups() {
		p := Policies[g.Class]
		fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n## %s\n\n", g.Name, g.Title)
		fmt.Fprintf(&b, "Alert `%s`, class `%s`, severity `%s`: fires at %d or more failures in %s, for %s.\n\n",
			FailureAlertName(g.Name), g.Class, p.Severity, p.Threshold, p.Window, p.For)
		b.WriteString("| code | reason (label `reason`) | device text | cause |\n|---|---|---|---|\n")
		for _, r := range ReasonsOf(g.Name) {
			fmt.Fprintf(&b, "| %d | `%s` | %s | %s |\n", r.Code, r.Slug, r.Text, r.Cause)
		}
		if g.Name == UnknownGroup.Name {
			fmt.Fprintf(&b, "| any other, or none | `%s` | any other | A reason the catalogue does not list. |\n", mib.UnknownReason)
		}
		if g.Vendor {
			b.WriteString("\n**Remediation (vendor procedure):**\n\n")
		} else {
			b.WriteString("\n**Remediation (project guidance, not from the vendor reference):**\n\n")
		}
		fmt.Fprintf(&b, "%s\n", g.Remediation)
		for _, s := range g.Supplementary {
			fmt.Fprintf(&b, "\n**Further vendor procedure** (filed in the reference under a cause without a reason code): %s\n", s)
		}
		fmt.Fprintf(&b, "\n**Escalation (vendor procedure):** %s\n", mib.EscalationProcedure)
	}
	b.WriteString("\n# Tunnel teardowns\n\n")
	b.WriteString("Tunnel stop and status-change notifications carry a teardown (offline) reason: the label `reason` of\n")
	b.WriteString("`" + metricdef.TunnelStateChanges.Name + "{state=\"down\"}`. Each reason has a class that says what it means for\n")
	b.WriteString("stability. The meanings and guidance are the project's own: the vendor publishes no procedure for them.\n\n")
	b.WriteString("| class | " + metricdef.TunnelUp.Name + " | counts as instability (flapping, availability) | alert |\n|---|---|---|---|\n")
	for _, c := range mib.TeardownClasses() {
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
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c, up, inst, alert)
	}
	fmt.Fprintf(&b, "\n<a id=\"%s\"></a>`unknown` is the class of a reason text outside the catalogue (label `%s`) and of a down without a reason.\n",
		TeardownAnchor(mib.OtherOfflineReason), mib.OtherOfflineReason)
	for _, t := range mib.Teardowns() {
		fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n## %s\n\n", TeardownAnchor(t.Slug), t.Text)
		fmt.Fprintf(&b, "Label `reason=\"%s\"`, class `%s`", t.Slug, t.Class)
		if t.Class == mib.TeardownOutage {
			fmt.Fprintf(&b, ", alert `%s`", TeardownAlertName(t.Slug))
		}
		fmt.Fprintf(&b, ".\n\n%s\n\n**Guidance (project):** %s\n", t.Meaning, t.Guidance)
	}
	b.WriteString("\n# Notifications\n\nWhat each catalogued notification does to the metrics. Every accepted one is counted in\n")
	b.WriteString("`" + metricdef.Notifications.Name + "{notification}` and `" + metricdef.DeviceNotifications.Name + "{device,notification}`.\n\n")
	b.WriteString("| notification | OID | effect | meaning |\n|---|---|---|---|\n")
	for _, n := range mib.Notifications() {
		fmt.Fprintf(&b, "| <a id=\"%s\"></a>`%s` | `%s` | %s | %s", NotificationAnchor(n.Name), n.Name, n.OID, NotificationEffect(n), n.Description)
		if n.Predicts != "" {
			fmt.Fprintf(&b, " Alert `%s`: %s", PredictiveAlertName(n.Name), n.Predicts)
		}
		b.WriteString(" |\n")
	}
	b.WriteString(incidentRunbook())
	b.WriteString("\n# Other alerts\n\nThe guidance below is the project's own, not the vendor's.\n")
	_, body, _ := strings.Cut(runbookOther, "-->\n")
	b.WriteString(body)
	_, err := io.WriteString(w, b.String())
	return err
}

// NotificationEffect says, in a few words, what a notification does to the
// series.
func NotificationEffect(n mib.Notification) string {
	switch n.Kind {
	case mib.KindNegotiationFailure:
		if n.SupersededBy != "" {
			return fmt.Sprintf("a failure (reason `unknown`), until the device has sent `%s`; counted by name only after that", n.SupersededBy)
		}
		return "a failure: `" + metricdef.NegotiationFailures.Name + "`, last-failure time"
	case mib.KindTunnelUp:
		return "tunnel up: `" + metricdef.TunnelUp.Name + "` 1, a success, a state change"
	case mib.KindTunnelDown:
		return "tunnel down by the teardown reason's class, a state change"
	case mib.KindTunnelStatusChange:
		return "up or down by the status (`tunnel_status` in the config file; 1 up, 2 down by default), as tunnel start and stop; another status is counted by name only"
	}
	if n.Clears != "" {
		if c, _ := mib.NotificationByName(n.Clears); c.Kind == mib.KindNegotiationFailure {
			return fmt.Sprintf("counted by name: the clear of `%s`, not a success (the tunnel's up counts the negotiation)", n.Clears)
		}
		return fmt.Sprintf("counted by name: the clear of `%s`", n.Clears)
	}
	return "counted by name"
}

// runbookOther holds the runbook sections of the tunnel, exporter and SLO
// alerts: prose people edit, so it lives as Markdown, not Go literals. Their
// runbook_url anchors point here.
//
//go:embed runbook_other.md
var runbookOther string
