package alerts

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"text/template"

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
	tmpl, err := template.New("a").Option("missingkey=zero").Funcs(template.FuncMap{
		"humanizeDuration":   humanizeDuration,
		"humanizePercentage": func(v float64) string { return fmt.Sprintf("%.4g%%", v*100) },
	}).Parse(
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

// humanizeDuration is Prometheus' template function of that name
// (template/template.go), for the values the generated tests use.
func humanizeDuration(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%.4g", v)
	}
	if v == 0 {
		return fmt.Sprintf("%.4gs", v)
	}
	if math.Abs(v) >= 1 {
		sign := ""
		if v < 0 {
			sign, v = "-", -v
		}
		d := int64(v)
		seconds, minutes, hours, days := d%60, (d/60)%60, (d/3600)%24, d/86400
		switch {
		case days != 0:
			return fmt.Sprintf("%s%dd %dh %dm %ds", sign, days, hours, minutes, seconds)
		case hours != 0:
			return fmt.Sprintf("%s%dh %dm %ds", sign, hours, minutes, seconds)
		case minutes != 0:
			return fmt.Sprintf("%s%dm %ds", sign, minutes, seconds)
		}
		return fmt.Sprintf("%s%.4gs", sign, v)
	}
	prefix := ""
	for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
		if math.Abs(v) >= 1 {
			break
		}
		prefix = p
		v *= 1000
	}
	return fmt.Sprintf("%.4g%ss", v, prefix)
}

// classOrder is the order in which headers and the runbook list the
// classes: most urgent first.
var classOrder = []mib.Class{mib.ClassCapacityLimit, mib.ClassConfigurationMismatch, mib.ClassProtocolAnomaly, mib.ClassTransient}

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
