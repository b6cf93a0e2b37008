package dashboards

import (
	"fmt"
	"strconv"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// Value mappings. Those of reasons and teardowns are generated from the
// catalogue in mib/, so a reason added there reaches the dashboards with
// its text, cause and runbook section by `go generate`.

// valueMapping maps each raw value to its text, in order.
func valueMapping(pairs [][2]string) dashboard.ValueMapping {
	opts := make(map[string]dashboard.ValueMappingResult, len(pairs))
	for i, p := range pairs {
		opts[p[0]] = dashboard.ValueMappingResult{Text: ptr(p[1]), Index: ptr(int32(i))}
	}
	return dashboard.ValueMapping{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: opts}}
}

// reasonTextMapping shows a reason slug as the vendor's text.
func reasonTextMapping() dashboard.ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{r.Slug, r.Text})
	}
	pairs = append(pairs, [2]string{mib.UnknownReason, "unknown (code not in the catalogue)"})
	return valueMapping(pairs)
}

// reasonCauseMapping shows a reason slug as its possible cause.
func reasonCauseMapping() dashboard.ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{r.Slug, r.Cause})
	}
	return valueMapping(pairs)
}

// reasonCodeMapping shows a reason code with its text, for the legend.
func reasonCodeMapping() dashboard.ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{strconv.Itoa(r.Code), fmt.Sprintf("%d: %s", r.Code, r.Text)})
	}
	return valueMapping(pairs)
}

// runbookMapping shows a reason slug as the name of its group, which is the
// runbook's anchor: the column's data link appends the displayed text, so
// the link of every reason lands on its group's section, and the unknown
// reason on the section of the failures the catalogue does not know.
func runbookMapping() dashboard.ValueMapping {
	var pairs [][2]string
	for _, r := range mib.Reasons() {
		pairs = append(pairs, [2]string{r.Slug, r.Group})
	}
	pairs = append(pairs, [2]string{mib.UnknownReason, alerts.UnknownGroup.Name})
	return valueMapping(pairs)
}

// teardownMapping shows a teardown reason slug as its text and class, so
// that a rekey is told from an outage at a glance.
func teardownMapping() dashboard.ValueMapping {
	pairs := [][2]string{{mib.OtherOfflineReason, "other (text not in the catalogue; see /events)"}, {"", "(no reason sent)"}}
	for _, t := range mib.Teardowns() {
		pairs = append(pairs, [2]string{t.Slug, fmt.Sprintf("%s (%s)", t.Text, t.Class)})
	}
	return valueMapping(pairs)
}

// upDownMapping shows ipsec_tunnel_up and up as UP or DOWN.
func upDownMapping() dashboard.ValueMapping {
	return colouredMapping([3]string{"0", "DOWN", "red"}, [3]string{"1", "UP", "green"})
}

// colouredMapping maps values to texts and colours: {value, text, colour}.
func colouredMapping(entries ...[3]string) dashboard.ValueMapping {
	opts := make(map[string]dashboard.ValueMappingResult, len(entries))
	for i, e := range entries {
		opts[e[0]] = dashboard.ValueMappingResult{Text: ptr(e[1]), Color: ptr(e[2]), Index: ptr(int32(i))}
	}
	return dashboard.ValueMapping{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: opts}}
}
