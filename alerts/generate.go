// Package alerts renders the Prometheus alerting rules and the runbook that
// derive from the reason catalogue in mib/, so that what the on-call person
// reads is the catalogue's text and never a hand-made copy of it.
package alerts

//go:generate go run ./gen

import (
	"io"
	"strings"
)

// GeneratedFile is a file go generate writes, with its path relative to
// alerts/.
type GeneratedFile struct {
	Path   string
	Render func(io.Writer, Options) error
}

// Generated lists every generated file; the staleness test walks the same
// list, so a file cannot be generated without being checked. The shipped
// files are rendered with DefaultOptions. Each rule file has its JSON form
// in JSONDir, for the mixin.
var Generated = []GeneratedFile{
	{"ipsec_negotiation_failures.rules.yml", RenderRules},
	{"ipsec_slo.rules.yml", RenderSLORules},
	{"ipsec_trap_exporter.rules.yml", RenderExporterRules},
	{"ipsec_tunnels.rules.yml", RenderTunnelRules},
	{"ipsec_incidents.rules.yml", RenderIncidentRules},
	{"ipsec_slo_retention.rules.yml", RenderRetentionRules},
	{"tests/ipsec_slo_retention.test.yml", RenderRetentionTests},
	{"tests/ipsec_incidents.test.yml", RenderIncidentTests},
	{"ipsec_slo.sloth.yml", RenderSlothSpec},
	{"sloth-windows/ipsec_30d.yml", RenderSlothWindows},
	{"ipsec_slo.openslo.yml", RenderOpenSLO},
	{"tests/ipsec_tunnel_generated.test.yml", RenderTunnelTests},
	{"tests/ipsec_negotiation_failures.test.yml", RenderFailureTests},
	{JSONDir + "/ipsec_negotiation_failures.rules.json", asJSON(RenderRules)},
	{JSONDir + "/ipsec_slo.rules.json", asJSON(RenderSLORules)},
	{JSONDir + "/ipsec_trap_exporter.rules.json", asJSON(RenderExporterRules)},
	{JSONDir + "/ipsec_tunnels.rules.json", asJSON(RenderTunnelRules)},
	{JSONDir + "/ipsec_incidents.rules.json", asJSON(RenderIncidentRules)},
	{JSONDir + "/ipsec_slo_retention.rules.json", asJSON(RenderRetentionRules)},
	{"../docs/runbook.md", func(w io.Writer, _ Options) error { return RenderRunbook(w) }},
}

// IsRuleFile tells the Prometheus rule files among the generated files:
// what users load, and what `ipsec_trap_exporter rules` writes.
func (f GeneratedFile) IsRuleFile() bool { return strings.HasSuffix(f.Path, ".rules.yml") }

// RuleFiles are the generated Prometheus rule files.
func RuleFiles() []GeneratedFile {
	var files []GeneratedFile
	for _, f := range Generated {
		if f.IsRuleFile() {
			files = append(files, f)
		}
	}
	return files
}
