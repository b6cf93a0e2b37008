// Package inputtest is a third, fake input for the tests that show an
// input declared once reaches the pages, the de-duplication, the
// exporter-health rules and the health dashboard.
package inputtest

import (
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
)

// Families of the fake input; declared here, not in metricdef, because
// the exporter never exposes them.
var (
	Received = metricdef.Family{Name: "ipsec_fake_frames_received_total", Help: "Frames the fake input read."}
	Dropped  = metricdef.Family{Name: "ipsec_fake_frames_dropped_total", Help: "Frames the fake input dropped, by reason.", Labels: []string{"reason"}}
)

// Fake is the fake input's declaration. It has no flags: the tests that
// use it build no command line.
func Fake() input.Declaration {
	return input.Declaration{
		Origin:   "fake",
		Title:    "Fake frames",
		Received: Received,
		Dropped:  Dropped,
		Optional: true,
		Health: input.Health{
			Lost: input.Alert{
				Name: "IPSecFakeDropped", Counts: []input.Count{{Family: Dropped, Reasons: []string{"queue_full"}}},
				Summary: "fake frames lost", Description: "lost", Remediation: "none.", Runbook: "fake-dropped",
			},
			Refused: input.Alert{
				Name: "IPSecFakeRejected", Counts: []input.Count{{Family: Dropped, Reasons: []string{"malformed", "source_not_allowed"}}},
				Summary: "fake frames refused", Description: "refused", Remediation: "none.", Runbook: "fake-rejected",
			},
			Panel: "Fake frames per second that did not become an event.",
		},
	}
}
