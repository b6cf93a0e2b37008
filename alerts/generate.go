// Package alerts renders the Prometheus alerting rules and the runbook that
// derive from the reason catalogue in mib/, so that what the on-call person
// reads is the catalogue's text and never a hand-made copy of it.
package alerts

//go:generate go run ./gen

import "io"

// GeneratedFile is a file go generate writes, with its path relative to
// alerts/.
type GeneratedFile struct {
	Path   string
	Render func(io.Writer) error
}

// Generated lists every generated file; the staleness test walks the same
// list, so a file cannot be generated without being checked.
var Generated = []GeneratedFile{
	{"ipsec_negotiation_failures.rules.yml", RenderRules},
	{"ipsec_slo.rules.yml", RenderSLORules},
	{"ipsec_tunnels.rules.yml", RenderTunnelRules},
	{"tests/ipsec_tunnel_generated.test.yml", RenderTunnelTests},
	{"tests/ipsec_negotiation_failures.test.yml", RenderFailureTests},
	{"../docs/runbook.md", RenderRunbook},
}
