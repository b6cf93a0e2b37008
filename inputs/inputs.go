// Package inputs lists the exporter's inputs, once. The wiring builds and
// runs them in this order (and stops them in the reverse order); the
// pages, the exporter-health rules and the health dashboard cover each.
// Adding an input is its own package with an input.Declaration, and one
// line here (docs/architecture.md, "How to add an input").
package inputs

import (
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/syslogin"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/trapin"
)

// All are the inputs.
var All = []input.Declaration{
	trapin.Declaration,
	syslogin.Declaration,
}
