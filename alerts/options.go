package alerts

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/inputs"
)

// DefaultRunbookURL is where the shipped rules and dashboards link: the
// runbook page the exporter itself serves (docs/runbook.md as HTML, with the
// same anchors), at the address the README runs it on. It resolves for the
// default setup without anything else deployed; a team with its own
// exporter hosts, a reverse proxy or a wiki regenerates the files with
// `ipsec_trap_exporter rules --runbook-url=URL`, or sets runbookURL in the
// mixin's _config.
const DefaultRunbookURL = "http://localhost:9983/runbook"

// Options are the parameters of the generated rule files and dashboards.
// The zero value is not valid; start from DefaultOptions.
type Options struct {
	// RunbookURL is the page every runbook_url annotation and dashboard
	// runbook link points at; each appends #anchor, an anchor of
	// docs/runbook.md (<a id="...">).
	RunbookURL string
	// Inputs are the inputs the exporter-health rules cover; nil is
	// inputs.All.
	Inputs []input.Declaration
}

// inputs are the inputs the rules cover.
func (o Options) inputs() []input.Declaration {
	if o.Inputs == nil {
		return inputs.All
	}
	return o.Inputs
}

// DefaultOptions are the parameters of the files shipped in the repository.
func DefaultOptions() Options { return Options{RunbookURL: DefaultRunbookURL} }

// Validate refuses a runbook URL that would not work as a link in every
// place it lands: Alertmanager notifications need an absolute URL,
// Prometheus expands {{ }} in annotations, Grafana expands ${...} in data
// links, and the anchor is appended after a #.
func (o Options) Validate() error {
	u, err := url.Parse(o.RunbookURL)
	if err != nil {
		return fmt.Errorf("runbook URL %q: %w", o.RunbookURL, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("runbook URL %q: want an absolute http:// or https:// URL (it is a link in notifications sent elsewhere)", o.RunbookURL)
	case u.Host == "":
		return fmt.Errorf("runbook URL %q: no host", o.RunbookURL)
	case u.Fragment != "" || strings.Contains(o.RunbookURL, "#"):
		return fmt.Errorf("runbook URL %q: no #fragment, please: each link appends #anchor itself", o.RunbookURL)
	case strings.ContainsAny(o.RunbookURL, " \t\r\n\"'<>`\\"):
		return fmt.Errorf("runbook URL %q: contains whitespace, quotes or angle brackets", o.RunbookURL)
	case strings.Contains(o.RunbookURL, "{{") || strings.Contains(o.RunbookURL, "}}") || strings.Contains(o.RunbookURL, "${"):
		return fmt.Errorf("runbook URL %q: contains template delimiters that Prometheus or Grafana would expand", o.RunbookURL)
	}
	return nil
}

// Runbook is the link to a section of the runbook.
func (o Options) Runbook(anchor string) string { return o.RunbookURL + "#" + anchor }
