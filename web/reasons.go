package web

import (
	"cmp"
	"net/http"
	"slices"

	dto "github.com/prometheus/client_model/go"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

// The series the live counts come from.
var (
	failuresMetric     = metricdef.NegotiationFailures.Name
	stateChangesMetric = metricdef.TunnelStateChanges.Name
)

// maxPeersShown bounds the per-reason list of peers on a reason's page.
const maxPeersShown = 20

// seriesCount is one series' value with the labels a person reads.
type seriesCount struct {
	Device, Peer, Interface, Vsys string
	Count                         float64
}

// liveCounts is what this exporter has counted per reason since it started
// (or since a series expired): read from its own registry, as a scrape
// would, so the pages and /metrics never disagree.
type liveCounts struct {
	failures map[string]float64 // by reason label
	downs    map[string]float64 // state="down", by reason label
	// series of one reason, filled only for the reason a page is about
	failureSeries, downSeries []seriesCount
}

// counts gathers the registry. A gather error still returns the families
// it could collect; the counts are then what was collected.
func (p *Pages) counts(seriesOf string) liveCounts {
	c := liveCounts{failures: map[string]float64{}, downs: map[string]float64{}}
	families, _ := p.opts.Gatherer.Gather()
	for _, mf := range families {
		switch mf.GetName() {
		case failuresMetric:
			for _, m := range mf.GetMetric() {
				l := labelsOf(m)
				c.failures[l["reason"]] += m.GetCounter().GetValue()
				if seriesOf != "" && l["reason"] == seriesOf {
					c.failureSeries = append(c.failureSeries, seriesCount{l["device"], l["peer"], l["interface"], l["vsys"], m.GetCounter().GetValue()})
				}
			}
		case stateChangesMetric:
			for _, m := range mf.GetMetric() {
				l := labelsOf(m)
				if l["state"] != "down" {
					continue
				}
				c.downs[l["reason"]] += m.GetCounter().GetValue()
				if seriesOf != "" && l["reason"] == seriesOf {
					c.downSeries = append(c.downSeries, seriesCount{Device: l["device"], Peer: l["peer"], Count: m.GetCounter().GetValue()})
				}
			}
		}
	}
	c.failureSeries = topSeries(c.failureSeries)
	c.downSeries = topSeries(c.downSeries)
	return c
}

func labelsOf(m *dto.Metric) map[string]string {
	l := make(map[string]string, len(m.GetLabel()))
	for _, lp := range m.GetLabel() {
		l[lp.GetName()] = lp.GetValue()
	}
	return l
}

// topSeries sorts by count, highest first, and keeps the first few.
func topSeries(s []seriesCount) []seriesCount {
	slices.SortFunc(s, func(a, b seriesCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Device, b.Device),
			cmp.Compare(a.Peer, b.Peer), cmp.Compare(a.Interface, b.Interface))
	})
	if len(s) > maxPeersShown {
		s = s[:maxPeersShown]
	}
	return s
}

// failureRow is one failure reason on /reasons.
type failureRow struct {
	alerts.FailureEntry
	Count float64
}

// teardownRow is one teardown reason on /reasons.
type teardownRow struct {
	alerts.TeardownEntry
	Count float64
}

// groupSection is one remediation group on /reasons.
type groupSection struct {
	alerts.FailureEntry // the group's entry; Reason is its first reason
	Codes               []failureRow
}

type reasonsPage struct {
	Failures  []failureRow
	Groups    []groupSection
	Teardowns []teardownRow
	Classes   []classRow
	// Escalation closes every procedure.
	Escalation string
}

// classRow is one teardown class and what it does.
type classRow struct {
	Class                  mib.TeardownClass
	Planned, KeepsTunnelUp bool
}

func (p *Pages) reasons(w http.ResponseWriter, r *http.Request) {
	c := p.counts("")
	data := reasonsPage{Escalation: mib.EscalationProcedure}
	for _, reason := range mib.Reasons() {
		data.Failures = append(data.Failures, failureRow{alerts.FailureEntryOf(reason), c.failures[reason.Slug]})
	}
	data.Failures = append(data.Failures, failureRow{alerts.UnknownFailure(), c.failures[mib.UnknownReason]})
	for _, g := range alerts.AlertGroups() {
		var s groupSection
		for _, f := range data.Failures {
			if f.Group.Name == g.Name {
				s.Codes = append(s.Codes, f)
			}
		}
		if len(s.Codes) == 0 {
			continue
		}
		s.FailureEntry = s.Codes[0].FailureEntry
		data.Groups = append(data.Groups, s)
	}
	for _, t := range mib.Teardowns() {
		data.Teardowns = append(data.Teardowns, teardownRow{alerts.TeardownEntryOf(t), c.downs[t.Slug]})
	}
	data.Teardowns = append(data.Teardowns, teardownRow{alerts.OtherTeardown(), c.downs[mib.OtherOfflineReason]})
	for _, cl := range mib.TeardownClasses() {
		data.Classes = append(data.Classes, classRow{cl, cl.Planned(), cl.KeepsTunnelUp()})
	}
	p.render(w, r, http.StatusOK, "reasons.html", page{Title: "Reasons", Nav: "reasons", Data: data})
}

type reasonPage struct {
	Key      string
	Failure  *failureRow
	Teardown *teardownRow
	// The reason's series on this exporter, highest count first.
	FailureSeries, DownSeries []seriesCount
	Escalation                string
}

func (p *Pages) reason(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	failure, teardown, ok := alerts.Lookup(key)
	if !ok {
		p.errorPage(w, r, http.StatusNotFound,
			"No failure reason code, failure reason or teardown reason is called "+quote(key)+". The catalogues list them all.")
		return
	}
	data := reasonPage{Key: key, Escalation: mib.EscalationProcedure}
	if failure != nil {
		c := p.counts(failure.Reason.Slug)
		data.Failure = &failureRow{*failure, c.failures[failure.Reason.Slug]}
		data.FailureSeries = c.failureSeries
	}
	if teardown != nil {
		c := p.counts(teardown.Teardown.Slug)
		data.Teardown = &teardownRow{*teardown, c.downs[teardown.Teardown.Slug]}
		data.DownSeries = c.downSeries
	}
	title := key
	if failure != nil {
		title = failure.Reason.Text
	} else if teardown != nil {
		title = teardown.Teardown.Text
	}
	p.render(w, r, http.StatusOK, "reason.html", page{Title: title, Nav: "reasons", Data: data})
}

func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return "\u201c" + s + "\u201d"
}
