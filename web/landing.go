package web

import (
	"cmp"
	"net/http"
	"runtime"
	"slices"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/version"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// The self-metrics the landing page reads, beside each input's received
// and dropped families (Options.Inputs).
var (
	lastReloadMetric = metricdef.ConfigLastReloadSuccessful.Name
	reloadsMetric    = metricdef.ConfigReloads.Name
)

// failingWindow is how recent a failure must be for the landing page to
// call its peer failing: the window of the failure alerts.
const failingWindow = 15 * time.Minute

type buildInfo struct {
	Version, Revision, Branch, BuildUser, BuildDate, GoVersion, Platform string
}

type landingPage struct {
	Summary     summary
	MetricsPath string
	ConfigFile  string
	// ReloadKnown is false when the reload gauge is not registered.
	ReloadKnown, ReloadOK           bool
	ReloadSuccesses, ReloadFailures float64
	Lifecycle                       bool
	Inputs                          []inputCounts
	EventsHeld, EventsKept          int
	Build                           buildInfo
}

// summary is what the landing page leads with: what is broken now.
type summary struct {
	Tunnels tunnelCounts // Unknown is not counted here: /tunnels has them
	// Failing are the reasons of the failures of the last failingWindow,
	// the most peers first; FailingPeers counts the distinct peers.
	Failing       []failingReason
	FailingPeers  int
	FailingWindow string
	// Drops of the last hour (or since the start, when that is later),
	// the most first.
	Drops         []dropLine
	DropsTotal    float64
	DropsSince    string
	DropsFullHour bool
}

// inputCounts is what one input received and dropped since the start.
type inputCounts struct {
	Title             string
	Received, Dropped float64
	DroppedBy         map[string]float64
}

type failingReason struct {
	Reason, Text string
	Peers        int
}

type dropLine struct {
	dropKey
	Count float64
}

func (p *Pages) summary(now time.Time, families []*dto.MetricFamily) summary {
	s := summary{FailingWindow: humanDuration(failingWindow)}
	for _, t := range p.opts.State.Tunnels(now) {
		state := stateDown
		if t.Up {
			state = stateUp
		}
		s.Tunnels.add(&tunnel{TunnelView: t, State: state})
	}
	peersByReason := map[string]map[peerKey]bool{}
	allPeers := map[peerKey]bool{}
	cutoff := now.Add(-failingWindow)
	for f := range p.opts.State.FailureSeries() {
		if f.Last.Before(cutoff) {
			continue
		}
		key := peerKey{f.Device, f.Peer}
		if peersByReason[f.Reason] == nil {
			peersByReason[f.Reason] = map[peerKey]bool{}
		}
		peersByReason[f.Reason][key], allPeers[key] = true, true
	}
	s.FailingPeers = len(allPeers)
	for reason, peers := range peersByReason {
		text := "reason not in the catalogue"
		if r, ok := mib.ReasonBySlug(reason); ok {
			text = r.Text
		}
		s.Failing = append(s.Failing, failingReason{Reason: reason, Text: text, Peers: len(peers)})
	}
	slices.SortFunc(s.Failing, func(a, b failingReason) int {
		return cmp.Or(cmp.Compare(b.Peers, a.Peers), cmp.Compare(a.Reason, b.Reason))
	})

	drops, since := p.drops.since(now, dropWindow, p.drops.counts(families))
	s.DropsSince, s.DropsFullHour = since.UTC().Format(time.RFC3339), now.Sub(since) >= dropWindow-time.Minute
	for k, n := range drops {
		s.Drops = append(s.Drops, dropLine{k, n})
		s.DropsTotal += n
	}
	slices.SortFunc(s.Drops, func(a, b dropLine) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Input, b.Input), cmp.Compare(a.Reason, b.Reason))
	})
	return s
}

func (p *Pages) landing(w http.ResponseWriter, r *http.Request) {
	data := landingPage{
		MetricsPath: p.opts.MetricsPath, ConfigFile: p.opts.ConfigFile, Lifecycle: p.opts.Lifecycle,
		EventsHeld: p.opts.Recent.Len(), EventsKept: p.opts.EventsKept,
		Build: buildInfo{
			Version: version.Version, Revision: version.GetRevision(), Branch: version.Branch,
			BuildUser: version.BuildUser, BuildDate: version.BuildDate, GoVersion: version.GoVersion,
			Platform: runtime.GOOS + "/" + runtime.GOARCH,
		},
	}
	var families []*dto.MetricFamily
	if p.opts.SelfMetrics != nil {
		families, _ = p.opts.SelfMetrics.Gather()
	}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case lastReloadMetric:
				data.ReloadKnown, data.ReloadOK = true, m.GetGauge().GetValue() == 1
			case reloadsMetric:
				switch labelsOf(m)["result"] {
				case "success":
					data.ReloadSuccesses = m.GetCounter().GetValue()
				case "failure":
					data.ReloadFailures = m.GetCounter().GetValue()
				}
			}
		}
	}
	data.Inputs = p.inputCounts(families)
	data.Summary = p.summary(p.now(), families)
	p.render(w, r, http.StatusOK, "landing.html", page{Title: "ipsec_trap_exporter", Nav: "home", Data: data})
}

// inputCounts sums what each input received and dropped, from its
// declared families.
func (p *Pages) inputCounts(families []*dto.MetricFamily) []inputCounts {
	received, dropped := map[string]*inputCounts{}, map[string]*inputCounts{}
	out := make([]inputCounts, len(p.opts.Inputs))
	for i, in := range p.opts.Inputs {
		out[i] = inputCounts{Title: in.Title, DroppedBy: map[string]float64{}}
		received[in.Received.Name], dropped[in.Dropped.Name] = &out[i], &out[i]
	}
	for _, mf := range families {
		if in, ok := received[mf.GetName()]; ok {
			for _, m := range mf.GetMetric() {
				in.Received += m.GetCounter().GetValue()
			}
		}
		if in, ok := dropped[mf.GetName()]; ok {
			for _, m := range mf.GetMetric() {
				if v := m.GetCounter().GetValue(); v > 0 {
					in.Dropped += v
					in.DroppedBy[labelsOf(m)["reason"]] = v
				}
			}
		}
	}
	return out
}
